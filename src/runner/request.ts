// What the worker asks of an engine thread, and what comes back: one discriminated union each,
// dispatched in one place (runRequest in run.ts). Every request carries the stored spec (its
// limits bound the run); the kinds say what else to do with it:
//   run             one run of the spec (sim or native)
//   replay          the schedule a replay token recorded (the record keeps the token beside the spec)
//   explore         all of spec.explore in this thread
//   explore-chunk   schedules [from, to) of a chunked exploration -> a ChunkReport
//   explore-finish  merge the chunks' reports and finish (shrink, explain) -> the result
//   repeat          spec.repeat runs -> the most severe outcome's run + distribution (repeat-run.ts)
//   compare         native runs beside the model's -> + comparison (compare-run.ts)
import type { ChunkReport } from '../engine/explore/index.js';
import type { Result } from '../engine/result.js';
import type { Spec } from '../engine/spec.js';
import type { TraceEvent } from '../engine/trace.js';

export type EngineRequest =
  | { kind: 'run'; spec: Spec }
  | { kind: 'replay'; spec: Spec; token: string }
  | { kind: 'explore'; spec: Spec }
  | { kind: 'explore-chunk'; spec: Spec; from: number; to: number }
  | { kind: 'explore-finish'; spec: Spec; reports: ChunkReport[] }
  | { kind: 'repeat'; spec: Spec }
  | { kind: 'compare'; spec: Spec };

export type RequestKind = EngineRequest['kind'];

export type Trace = Iterable<TraceEvent> & { readonly length: number };

export type EngineAnswer =
  | { kind: 'result'; result: Result; trace: Trace }
  | { kind: 'chunk'; report: ChunkReport };

/** The request a stored experiment makes: a replay when it holds a token, an exploration when its spec explores. */
export function requestFor(spec: Spec, replay?: string | null): EngineRequest {
  if (replay) return { kind: 'replay', spec, token: replay };
  if (spec.compare) return { kind: 'compare', spec };
  if (spec.repeat !== undefined) return { kind: 'repeat', spec };
  return spec.explore ? { kind: 'explore', spec } : { kind: 'run', spec };
}
