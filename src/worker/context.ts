// What every part of the worker's job handling shares (processor.ts, experiment.ts, group.ts,
// endings.ts, explore-chunk.ts): a module of its own, so those files import it and not each other.
import type { Logger } from 'pino';
import type { MetricsRecorder } from '../jobs/metrics.js';
import type { ExperimentStore } from '../jobs/store.js';
import type { EngineSandbox } from './sandbox.js';

export interface ProcessorContext {
  store: ExperimentStore;
  sandbox: EngineSandbox;
  logger: Logger;
  workerName: string;
  /** Running experiments by id, so a cancel message or shutdown can stop them. */
  active: Map<string, AbortController>;
  /** Counters behind GET /metrics; absent in tests that do not need them. */
  metrics?: MetricsRecorder;
  /** Set when the shutdown grace period is over: a group starts no further experiment. */
  stopping?: boolean;
}

/** Reasons an experiment's AbortController is aborted with. */
export const ABORT_CANCELLED = 'cancelled';
export const ABORT_SHUTDOWN = 'shutdown';
