// The result of an experiment stopped at limits.timeoutMs. The contract ends such a run with
// outcome limit_exceeded, not as a failure. A simulator run is one synchronous loop in its
// engine thread: the only way to stop it is to terminate the thread, which takes everything the
// run had gathered with it. So this result carries the spec and the verdict, and says plainly
// that processes, evidence and trace are empty, rather than inventing pids or addresses.
import type { Spec } from '../engine/spec.js';
import { gzipSync } from 'node:zlib';
import type { StoredTrace } from '../jobs/store.js';

export function timeoutResult(spec: Spec, timeoutMs: number, engineMs: number) {
  const what = spec.explore ? 'the exploration' : 'the run';
  return {
    spec, engine: spec.engine, platform: spec.platform, seed: spec.seed,
    verdict: {
      outcome: 'limit_exceeded' as const,
      summary: `the wall-clock budget ran out: ${what} was stopped after limits.timeoutMs = ${timeoutMs} ms before it finished.`,
      cause: `The engine was still running when limits.timeoutMs expired, so the worker stopped it by ending its engine thread. `
        + 'Whatever that run had gathered ended with the thread: this result has no processes, no evidence and an empty trace.',
      fix: 'Raise limits.timeoutMs (maximum 120000), or lower iterations or limits.maxSteps so that the run ends within the budget.',
    },
    processes: [],
    counter: { expected: 0, final: 0, lostUpdates: 0 },
    mutualExclusion: { maxHolders: 0, violations: 0 },
    evidence: { mutex: null, core: null, watchpoints: [], pmap: [], partial: 'none: the engine thread was terminated' },
    stats: { steps: 0, contextSwitches: 0, engineMs },
    trace: { events: 0, stored: 0, truncated: false },
  };
}

/** An empty stored trace (GET /trace answers 200 with no lines). */
export const EMPTY_TRACE: StoredTrace = { gzip: gzipSync(''), events: 0, stored: 0, truncated: false };
