// One engine thread: answers one engine request at a time with runRequest (src/runner/run.ts, or
// the module MUTEXLAB_RUNNER names), caps and gzips a result's trace, and posts the answer back.
// It runs in a worker thread so that a runaway engine can be terminated and one that crashes or
// runs out of memory (resourceLimits) ends only this thread, never the worker that renews the
// job locks.
import { parentPort, workerData } from 'node:worker_threads';
import type { Spec } from '../engine/spec.js';
import type { EngineRequest } from '../runner/request.js';
import type { FromEngine, RunRequest, ToEngine } from './messages.js';
import { encodeTrace } from './trace-encode.js';

const port = parentPort!;
const { runner } = workerData as { runner: string };
const { runRequest } = (await import(runner)) as { runRequest: RunRequest };
let controller: AbortController | undefined;
/** An abort arrived for the message being run: a batch starts no further experiment. */
let stopped = false;

const post = (message: FromEngine, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

/** One request answered, a result's trace capped and gzipped: the message to post and what it can transfer. */
async function answer(request: EngineRequest, traceMaxEvents: number, signal: AbortSignal): Promise<[FromEngine, ArrayBuffer[]]> {
  try {
    const out = await runRequest(request, { signal, onProgress: (progress) => post({ kind: 'progress', progress }) });
    if (out.kind === 'chunk') return [out, []];
    const { result, trace } = out;
    const { gzip, ...meta } = encodeTrace(trace, traceMaxEvents);
    result.trace = { ...result.trace, ...meta };
    // The bytes move to the worker in a buffer of their own. A small gzip is a slice of Node's
    // shared 8 KiB pool, and posting a slice would copy the whole pool, not the slice: copy the
    // slice out (a few hundred bytes) and transfer that instead.
    const own = gzip.byteOffset === 0 && gzip.byteLength === gzip.buffer.byteLength;
    const bytes = own ? new Uint8Array(gzip.buffer, 0, gzip.byteLength) : new Uint8Array(gzip);
    return [{ kind: 'result', result, traceGzip: bytes, trace: meta }, [bytes.buffer as ArrayBuffer]];
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return [{ kind: 'error', name: e.name, message: e.message }, []];
  }
}

port.on('message', async (message: ToEngine) => {
  switch (message.kind) {
    case 'abort':
      stopped = true;
      controller?.abort(new Error(message.reason));
      return;
    case 'request': {
      stopped = false;
      controller = new AbortController();
      try {
        const [reply, transfer] = await answer(message.request, message.traceMaxEvents, controller.signal);
        post(reply, transfer);
      } finally { controller = undefined; }
      return;
    }
    case 'run-many': {
      // one message in, one per experiment out: the worker stores results while later ones run.
      // A controller per experiment: an engine may listen on its signal, and listeners of one
      // run must not pile up on the next.
      stopped = false;
      try {
        for (let index = 0; index < message.specs.length && !stopped; index++) {
          controller = new AbortController();
          const spec = JSON.parse(message.specs[index]!) as Spec;
          const [reply, transfer] = await answer({ kind: 'run', spec }, message.traceMaxEvents, controller.signal);
          if (reply.kind === 'error') { post({ ...reply, index }); continue; }
          if (reply.kind !== 'result') { post({ kind: 'error', index, name: 'Error', message: `a run answered '${reply.kind}'` }); continue; }
          // the worker stores the result as JSON anyway: text crosses to it cheaper than an object tree
          const { verdict } = reply.result;
          post({ kind: 'item', index, verdict: { outcome: verdict.outcome, summary: verdict.summary }, resultJson: JSON.stringify(reply.result),
            traceGzip: reply.traceGzip, trace: reply.trace }, transfer);
        }
        post({ kind: 'batch-done' });
      } finally { controller = undefined; }
      return;
    }
  }
});

post({ kind: 'ready' });
