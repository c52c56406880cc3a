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

const post = (message: FromEngine, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

port.on('message', async (message: ToEngine) => {
  if (message.type === 'abort') { controller?.abort(new Error(message.reason)); return; }
  controller = new AbortController();
  try {
    const { result, trace } = await runExperiment(message.spec, {
      signal: controller.signal,
      onProgress: (progress) => post({ type: 'progress', progress }),
    });
    const { gzip, ...meta } = encodeTrace(trace, message.traceMaxEvents);
    result.trace = { ...(result.trace as object | undefined), ...meta };
    const bytes = new Uint8Array(gzip.buffer, gzip.byteOffset, gzip.byteLength);
    // a buffer of its own moves to the worker instead of being copied
    const own = gzip.byteOffset === 0 && gzip.byteLength === gzip.buffer.byteLength;
    post({ type: 'result', result, traceGzip: bytes, trace: meta }, own ? [gzip.buffer as ArrayBuffer] : []);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'error', name: e.name, message: e.message });
  } finally {
    controller = undefined;
  }
});

post({ type: 'ready' });
