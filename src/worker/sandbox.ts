// The engine sandbox: a pool of warm worker threads (engine-thread.ts), one experiment each at a
// time. It enforces limits.timeoutMs on the wall clock, stops an experiment on abort (cancel,
// shutdown), and survives an engine that throws, loops forever, exits or runs out of memory:
// the thread is terminated or dies and a fresh one takes its place. limits.maxSteps is enforced
// by the engine itself (the simulator stops with limit_exceeded).
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import type { Spec } from '../engine/spec.js';
import type { FromEngine } from './messages.js';

export type SandboxOutcome =
  | { kind: 'result'; result: Extract<FromEngine, { type: 'result' }>['result']; traceGzip: Buffer; trace: { events: number; stored: number; truncated: boolean } }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'aborted'; reason: string }
  | { kind: 'engine_error'; message: string }
  | { kind: 'crashed'; message: string };

export interface SandboxOptions {
  /** Module exporting runExperiment (an absolute path or file URL); default dist/src/run.js. */
  runner?: string | null;
  memoryMb: number;
  traceMaxEvents: number;
}

/** After a polite abort, how long an engine gets to stop before its thread is terminated. */
const ABORT_GRACE_MS = 250;
const DEFAULT_RUNNER = new URL('../run.js', import.meta.url).href;
const THREAD_FILE = fileURLToPath(new URL('./engine-thread.js', import.meta.url));

function runnerUrl(runner: string | null | undefined): string {
  if (!runner) return DEFAULT_RUNNER;
  return runner.startsWith('file:') ? runner : new URL(`file://${runner.startsWith('/') ? '' : process.cwd() + '/'}${runner}`).href;
}

export class EngineSandbox {
  private readonly idle: Thread[] = [];
  private readonly all = new Set<Thread>();
  private closed = false;
  private readonly runner: string;

  constructor(private readonly options: SandboxOptions) {
    this.runner = runnerUrl(options.runner);
  }

  /** Starts `count` threads ahead of time so the first experiments do not pay for it. */
  async warm(count: number): Promise<void> {
    const threads = await Promise.all(Array.from({ length: count }, () => this.spawn()));
    this.idle.push(...threads);
  }

  private spawn(): Promise<Thread> {
    const thread = new Thread(THREAD_FILE, {
      workerData: { runner: this.runner },
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb },
    });
    this.all.add(thread);
    // a thread's uncaught error must never become an unhandled 'error' event of this process
    thread.on('error', () => {});
    thread.once('exit', () => { this.all.delete(thread); const i = this.idle.indexOf(thread); if (i >= 0) this.idle.splice(i, 1); });
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromEngine) => { if (m.type === 'ready') { cleanup(); resolve(thread); } };
      const onError = (err: Error) => { cleanup(); reject(err); };
      const onExit = (code: number) => { cleanup(); reject(new Error(`engine thread exited with ${code} before it was ready`)); };
      const cleanup = () => { thread.off('message', onMessage); thread.off('error', onError); thread.off('exit', onExit); };
      thread.on('message', onMessage); thread.once('error', onError); thread.once('exit', onExit);
    });
  }

  async run(spec: Spec, opts: { signal?: AbortSignal; onProgress?: (progress: unknown) => void } = {}): Promise<SandboxOutcome> {
    if (this.closed) throw new Error('the engine sandbox is closed');
    const thread = this.idle.pop() ?? await this.spawn();
    // An exploration stops itself at explore.timeMs; leave it room to shrink and finish.
    const timeoutMs = spec.explore ? Math.max(spec.limits.timeoutMs, spec.explore.timeMs + 30_000) : spec.limits.timeoutMs;
    return new Promise<SandboxOutcome>((resolve) => {
      let settled = false;
      let stopping: SandboxOutcome | undefined;
      const finish = (outcome: SandboxOutcome, reusable: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        thread.off('message', onMessage); thread.off('error', onError); thread.off('exit', onExit);
        if (reusable && !this.closed) this.idle.push(thread);
        else void thread.terminate();
        resolve(outcome);
      };
      const stop = (outcome: SandboxOutcome) => {
        // ask first (a native run cleans up its processes), then terminate: a synchronous
        // simulator loop never reads the message, terminate() stops it regardless
        if (stopping) return;
        stopping = outcome;
        thread.postMessage({ type: 'abort', reason: outcome.kind });
        setTimeout(() => finish(outcome, false), ABORT_GRACE_MS).unref();
        thread.off('message', onMessage);
      };
      const onMessage = (m: FromEngine) => {
        if (m.type === 'progress') opts.onProgress?.(m.progress);
        else if (m.type === 'result') finish({ kind: 'result', result: m.result, traceGzip: Buffer.from(m.traceGzip), trace: m.trace }, true);
        else if (m.type === 'error') finish({ kind: 'engine_error', message: `${m.name}: ${m.message}` }, true);
      };
      const onError = (err: Error) => finish(stopping ?? { kind: 'crashed', message: `${(err as { code?: string }).code ?? err.name}: ${err.message}` }, false);
      const onExit = (code: number) => finish(stopping ?? { kind: 'crashed', message: `the engine thread exited with code ${code}` }, false);
      const onAbort = () => stop({ kind: 'aborted', reason: String(opts.signal?.reason instanceof Error ? opts.signal.reason.message : opts.signal?.reason ?? 'aborted') });
      const timer = setTimeout(() => stop({ kind: 'timeout', timeoutMs }), timeoutMs);
      thread.on('message', onMessage); thread.once('error', onError); thread.once('exit', onExit);
      if (opts.signal?.aborted) { onAbort(); return; }
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      thread.postMessage({ type: 'run', spec, traceMaxEvents: this.options.traceMaxEvents });
    });
  }

  /** Live engine threads (busy or idle). */
  get size(): number { return this.all.size; }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((t) => t.terminate()));
  }
}
