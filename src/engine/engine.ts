// One interface, two engines: the simulated machine (pure, synchronous underneath) and the
// native probe (real processes). Callers (CLI, worker, conformance tests) only see this.
import type { Result } from './result.js';
import type { Spec } from './spec.js';
import type { TraceEvent } from './trace.js';

export interface RunOptions {
  /** Receives every trace event in order; omit to run without a trace (faster). */
  onEvent?: (e: TraceEvent) => void;
  /** Native runs stop and clean up when this aborts. */
  signal?: AbortSignal;
}

export interface Engine {
  readonly kind: 'sim' | 'native';
  run(spec: Spec, options?: RunOptions): Promise<Result>;
}
