// The engine sandbox: a pool of warm worker threads (engine-thread.ts), one experiment each at a
// time. It enforces limits.timeoutMs on the wall clock, stops an experiment on abort (cancel,
// shutdown), and survives an engine that throws, loops forever, exits or runs out of memory:
// the thread is terminated or dies and a fresh one takes its place. limits.maxSteps is enforced
// by the engine itself (the simulator stops with limit_exceeded).
import { Worker as Thread } from 'node:worker_threads';
import type { Spec } from '../engine/spec.js';
import { distModule } from '../runner/paths.js';
import type { RunProgress } from '../engine/engine.js';
import { LIMITS } from '../engine/limits.js';
import type { ChunkReport } from '../engine/explore/index.js';
import type { Result } from '../engine/result.js';
import type { EngineRequest } from '../runner/request.js';
import type { FromEngine, ToEngine, TraceMeta } from './messages.js';

export type SandboxOutcome =
  | { kind: 'result'; result: Result; traceGzip: Buffer; trace: TraceMeta }
  | { kind: 'chunk'; report: ChunkReport }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'aborted'; reason: string }
  | { kind: 'engine_error'; message: string }
  | { kind: 'crashed'; message: string };

/** How one experiment of a run ended inside the engine. */
export type ItemOutcome = Extract<SandboxOutcome, { kind: 'result' | 'chunk' | 'engine_error' }>;
/** How one experiment of a runMany ended: its result as JSON text (what the store keeps). */
export type BatchItem =
  | { kind: 'result'; verdict: { outcome: string; summary: string }; resultJson: string; traceGzip: Buffer; trace: TraceMeta }
  | { kind: 'engine_error'; message: string };
/** How a run was stopped from outside the engine. */
/**
 * How long past limits.timeoutMs a native run may take to report: the probe kills its
 * processes at timeoutMs, and run-probe.ts's own backstop fires 3 s after it; this is beyond both.
 */
export const NATIVE_REPORT_GRACE_MS = 5_000;

export type StopOutcome = Extract<SandboxOutcome, { kind: 'timeout' | 'aborted' | 'crashed' }>;
/** A batch: items 0..finished-1 ended (each heard by onItem); `stopped` says why it ended early, if it did. */
export interface BatchRun { finished: number; stopped?: StopOutcome }

/** A view of bytes that came from the thread (transferred or cloned: ours either way), not a copy. */
const toBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function itemOutcome(m: Extract<FromEngine, { kind: 'result' | 'chunk' | 'error' }>): ItemOutcome {
  switch (m.kind) {
    case 'result': return { kind: 'result', result: m.result, traceGzip: toBuffer(m.traceGzip), trace: m.trace };
    case 'chunk': return { kind: 'chunk', report: m.report };
    case 'error': return { kind: 'engine_error', message: `${m.name}: ${m.message}` };
  }
}

export interface SandboxOptions {
  /** Module exporting runRequest (an absolute path or file URL); default dist/src/runner/run.js. */
  runner?: string | null;
  memoryMb: number;
  traceMaxEvents: number;
}

/** After a polite abort, how long an engine gets to stop before its thread is terminated. */
const ABORT_GRACE_MS = 250;
const DEFAULT_RUNNER = distModule('runner/run.js');
const THREAD_FILE = new URL(distModule('worker/engine-thread.js'));

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
      const onMessage = (m: FromEngine) => { if (m.kind === 'ready') { cleanup(); resolve(thread); } };
      const onError = (err: Error) => { cleanup(); reject(err); };
      const onExit = (code: number) => { cleanup(); reject(new Error(`engine thread exited with ${code} before it was ready`)); };
      const cleanup = () => { thread.off('message', onMessage); thread.off('error', onError); thread.off('exit', onExit); };
      thread.on('message', onMessage); thread.once('error', onError); thread.once('exit', onExit);
    });
  }

  async run(request: EngineRequest, opts: { signal?: AbortSignal; onProgress?: (progress: RunProgress) => void } = {}): Promise<SandboxOutcome> {
    const { spec } = request;
    // An exploration stops itself at explore.timeMs; leave it room to shrink and finish.
    // A repeat (or compare) stops starting runs at LIMITS.repeatTimeMs; its last run may take its
    // own limits.timeoutMs. A native run's probe enforces limits.timeoutMs itself and then reports
    // what it saw (the processes, their wait channels, the mutex words): wait
    // NATIVE_REPORT_GRACE_MS longer for that report, so the service keeps the evidence as the CLI does.
    const timeoutMs = spec.explore ? Math.max(spec.limits.timeoutMs, spec.explore.timeMs + 30_000)
      : spec.repeat !== undefined ? LIMITS.repeatTimeMs.default + spec.limits.timeoutMs + 30_000
      : spec.engine === 'native' ? spec.limits.timeoutMs + NATIVE_REPORT_GRACE_MS : spec.limits.timeoutMs;
    return this.drive<SandboxOutcome>({ kind: 'request', request, traceMaxEvents: this.options.traceMaxEvents }, timeoutMs, opts.signal, (m, settle) => {
      if (m.kind === 'progress') opts.onProgress?.(m.progress);
      else if (m.kind === 'result' || m.kind === 'chunk' || m.kind === 'error') settle(itemOutcome(m));
    }, (stopped) => stopped);
  }

  /**
   * Several small experiments in one thread, back to back (a group job's window; each spec also
   * as the JSON text the store returned, which is what crosses to the thread): `onItem`
   * hears each one's result as it ends. Each has its own limits.timeoutMs; a batch stopped by
   * a timeout, an abort or a crash says at which index, and the later ones did not run.
   */
  async runMany(specs: readonly { spec: Spec; json: string }[], opts: { signal?: AbortSignal; onItem: (index: number, outcome: BatchItem) => void }): Promise<BatchRun> {
    let finished = 0;
    const message: ToEngine = { kind: 'run-many', specs: specs.map((s) => s.json), traceMaxEvents: this.options.traceMaxEvents };
    return this.drive<BatchRun>(message, specs[0]!.spec.limits.timeoutMs, opts.signal, (m, settle, restartTimer) => {
      if (m.kind === 'batch-done') { settle({ finished }); return; }
      if (m.kind === 'item') {
        opts.onItem(finished, { kind: 'result', verdict: m.verdict, resultJson: m.resultJson, traceGzip: toBuffer(m.traceGzip), trace: m.trace });
      } else if (m.kind === 'error') {
        opts.onItem(finished, { kind: 'engine_error', message: `${m.name}: ${m.message}` });
      } else {
        return;
      }
      finished++;
      if (finished < specs.length) restartTimer(specs[finished]!.spec.limits.timeoutMs);
    }, (stopped) => ({ finished, stopped }));
  }

  /**
   * One conversation with a thread: send `message`, hand replies to `handle` until it settles,
   * and stop the thread on timeout (per `restartTimer`), abort, crash or exit. A thread that
   * settled normally goes back to the pool; any other is terminated.
   */
  private async drive<T>(
    message: ToEngine, timeoutMs: number, signal: AbortSignal | undefined,
    handle: (m: FromEngine, settle: (value: T) => void, restartTimer: (ms: number) => void) => void,
    whenStopped: (outcome: StopOutcome) => T,
  ): Promise<T> {
    if (this.closed) throw new Error('the engine sandbox is closed');
    const thread = this.idle.pop() ?? await this.spawn();
    return new Promise<T>((resolve) => {
      let settled = false;
      let stopping: StopOutcome | undefined;
      let timer: NodeJS.Timeout;
      let currentTimeoutMs = timeoutMs;
      const finish = (value: T, reusable: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        thread.off('message', onMessage); thread.off('error', onError); thread.off('exit', onExit);
        if (reusable && !this.closed) this.idle.push(thread);
        else void thread.terminate();
        resolve(value);
      };
      const stop = (outcome: StopOutcome) => {
        // ask first (a native run cleans up its processes), then terminate: a synchronous
        // simulator loop never reads the message, terminate() stops it regardless
        if (stopping) return;
        stopping = outcome;
        thread.postMessage({ kind: 'abort', reason: outcome.kind } satisfies ToEngine);
        setTimeout(() => finish(whenStopped(outcome), false), ABORT_GRACE_MS).unref();
        thread.off('message', onMessage);
      };
      const restartTimer = (ms: number) => {
        clearTimeout(timer);
        currentTimeoutMs = ms;
        timer = setTimeout(() => stop({ kind: 'timeout', timeoutMs: currentTimeoutMs }), ms);
      };
      const onMessage = (m: FromEngine) => handle(m, (value) => finish(value, true), restartTimer);
      const onError = (err: Error) => finish(whenStopped(stopping ?? { kind: 'crashed', message: `${(err as { code?: string }).code ?? err.name}: ${err.message}` }), false);
      const onExit = (code: number) => finish(whenStopped(stopping ?? { kind: 'crashed', message: `the engine thread exited with code ${code}` }), false);
      const onAbort = () => stop({ kind: 'aborted', reason: String(signal?.reason instanceof Error ? signal.reason.message : signal?.reason ?? 'aborted') });
      restartTimer(timeoutMs);
      thread.on('message', onMessage); thread.once('error', onError); thread.once('exit', onExit);
      if (signal?.aborted) { onAbort(); return; }
      signal?.addEventListener('abort', onAbort, { once: true });
      thread.postMessage(message);
    });
  }

  /** Live engine threads (busy or idle). */
  get size(): number { return this.all.size; }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((t) => t.terminate()));
  }
}
