// Messages between a worker and its engine threads (sandbox.ts <-> engine-thread.ts), one
// discriminated union each way, on `kind`.
import type { RunProgress } from '../engine/engine.js';
import type { ChunkReport } from '../engine/explore/index.js';
import type { Result } from '../engine/result.js';
import type { EngineRequest } from '../runner/request.js';

/** What the worker stores about a trace beside its gzip bytes. */
export interface TraceMeta { events: number; stored: number; truncated: boolean }

export type ToEngine =
  /** One engine request (runner/request.ts); answered by 'result', 'chunk' or 'error', with 'progress' on the way. */
  | { kind: 'request'; request: EngineRequest; traceMaxEvents: number }
  /** Several small runs (specs as JSON text, as the store keeps them: cheaper to pass than objects) back to back: one 'item' or 'error' each, then 'batch-done'. */
  | { kind: 'run-many'; specs: string[]; traceMaxEvents: number }
  | { kind: 'abort'; reason: string };

export type FromEngine =
  | { kind: 'ready' }
  | { kind: 'progress'; progress: RunProgress }
  | { kind: 'result'; result: Result; traceGzip: Uint8Array; trace: TraceMeta }
  | { kind: 'chunk'; report: ChunkReport }
  /** One experiment of a run-many: the result as JSON text, which costs less to pass than an object tree. */
  | { kind: 'item'; index: number; verdict: { outcome: string; summary: string }; resultJson: string; traceGzip: Uint8Array; trace: TraceMeta }
  | { kind: 'error'; index?: number; name: string; message: string }
  | { kind: 'batch-done' };

/** What a runner module (runner/run.ts, or MUTEXLAB_RUNNER's in tests) exports for the engine thread. */
export type RunRequest = typeof import('../runner/run.js').runRequest;
