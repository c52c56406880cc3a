// One interface, two engines: the simulated machine (pure, synchronous underneath) and the
// native probe (real processes). The native engine is only reached through it; the runner
// (src/runner/run.ts) calls simulate() itself for the simulator, because it wants the compact
// trace buffer and a chosen scheduler, which this interface does not carry; simEngine is what
// the conformance tests use to drive both engines alike.
import type { Result } from './result.js';
import type { Scheduler } from './schedulers/scheduler.js';
import type { Spec } from './spec.js';
import type { TraceEvent } from './trace.js';

/**
 * How far a long run is: schedules of an exploration, runs of a repeat, or steps of one long run.
 * Each variant has the shape the API's progress schema gives (kind, done, planned): GET
 * serialises it through that schema.
 */
export type RunProgress =
  | { kind: 'exploration'; strategy: string; done: number; planned: number; failures: number; elapsedMs: number }
  /** one long simulated run: `done` = `steps` simulated so far, `planned` an estimate (the run may pass it) */
  | { kind: 'run'; done: number; steps: number; planned: number; elapsedMs: number }
  | { kind: 'repetitions'; engine: 'sim' | 'native'; side?: 'native' | 'model'; done: number; planned: number; failures: number; elapsedMs: number };

/** The options of a run, whoever runs it (an Engine, or the runner around both engines). */
export interface RunOptions {
  /** Engine interface: receives every trace event in order; omit to run without a trace (faster). */
  onEvent?: (e: TraceEvent) => void;
  /** Runner: collect the trace (default true). Off, the simulator does no per-event work. */
  trace?: boolean;
  /** Native runs and explorations stop and clean up when this aborts. */
  signal?: AbortSignal;
  /** Progress reports of long runs. */
  onProgress?: (progress: RunProgress) => void;
  /** Runner, sim only: take scheduling decisions with this scheduler instead of the seeded random one. */
  scheduler?: Scheduler;
}

export interface Engine {
  readonly kind: 'sim' | 'native';
  run(spec: Spec, options?: RunOptions): Promise<Result>;
}
