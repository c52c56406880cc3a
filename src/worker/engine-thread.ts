// One engine thread: runs one experiment at a time with runExperiment (src/run.ts, or the module
// MUTEXLAB_RUNNER names), caps and gzips its trace, and posts the result back. It runs in a
// worker thread so that a runaway engine can be terminated and one that crashes or runs out of
// memory (resourceLimits) ends only this thread, never the worker that renews the job locks.
import { parentPort, workerData } from 'node:worker_threads';
import type { Spec } from '../engine/spec.js';
import type { TraceEvent } from '../engine/trace.js';
import type { FromEngine, ToEngine } from './messages.js';
import { encodeTrace } from './trace-encode.js';

type RunExperiment = (spec: Spec, options: { onEvent?: (e: TraceEvent) => void; signal?: AbortSignal; onProgress?: (p: unknown) => void })
  => Promise<{ result: FromEngine & { type: 'result' } extends { result: infer R } ? R : never; trace: Iterable<TraceEvent> }>;

const port = parentPort!;
const { runner } = workerData as { runner: string };
const { runExperiment } = (await import(runner)) as { runExperiment: RunExperiment };
let controller: AbortController | undefined;
/** An abort arrived for the message being run: a batch starts no further experiment. */
let stopped = false;

const post = (message: FromEngine, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/** One experiment, its trace capped and gzipped: the message to post and what it can transfer. */
async function runOne(spec: Spec, traceMaxEvents: number, signal: AbortSignal): Promise<[FromEngine, ArrayBuffer[]]> {
  try {
    const { result, trace } = await runExperiment(spec, {
      signal,
      onProgress: (progress) => post({ type: 'progress', progress }),
    });
    const { gzip, ...meta } = encodeTrace(trace, traceMaxEvents);
    result.trace = { ...(result.trace as object | undefined), ...meta };
    // The bytes move to the worker in a buffer of their own. A small gzip is a slice of Node's
    // shared 8 KiB pool, and posting a slice would copy the whole pool, not the slice: copy the
    // slice out (a few hundred bytes) and transfer that instead.
    const own = gzip.byteOffset === 0 && gzip.byteLength === gzip.buffer.byteLength;
    const bytes = own ? new Uint8Array(gzip.buffer, 0, gzip.byteLength) : new Uint8Array(gzip);
    return [{ type: 'result', result, traceGzip: bytes, trace: meta }, [bytes.buffer as ArrayBuffer]];
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return [{ type: 'error', name: e.name, message: e.message }, []];
  }
}

port.on('message', async (message: ToEngine) => {
  if (message.type === 'abort') { stopped = true; controller?.abort(new Error(message.reason)); return; }
  stopped = false;
  try {
    if (message.type === 'run') {
      controller = new AbortController();
      const [reply, transfer] = await runOne(message.spec, message.traceMaxEvents, controller.signal);
      post(reply, transfer);
      return;
    }
    // one message in, one per experiment out: the worker stores results while later ones run.
    // A controller per experiment: an engine may listen on its signal, and listeners of one
    // run must not pile up on the next.
    for (let index = 0; index < message.specs.length && !stopped; index++) {
      controller = new AbortController();
      const [reply, transfer] = await runOne(JSON.parse(message.specs[index]!) as Spec, message.traceMaxEvents, controller.signal);
      if (reply.type !== 'result') { post({ ...reply, index } as FromEngine, transfer); continue; }
      // the worker stores the result as JSON anyway: text crosses to it cheaper than an object tree
      const { verdict } = reply.result;
      post({ type: 'item', index, verdict: { outcome: verdict.outcome, summary: verdict.summary }, resultJson: JSON.stringify(reply.result),
        traceGzip: reply.traceGzip, trace: reply.trace }, transfer);
    }
    post({ type: 'batchDone' });
  } finally {
    controller = undefined;
  }
});

post({ type: 'ready' });
