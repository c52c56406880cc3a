// One run under a given schedule, with its trace and the result the contract describes.
// Exploration results and replays are both built here, so a shrunk counterexample and the
// replay of its token give the same verdict and the same trace bytes.
import { buildResult, execute, traceOf, type Execution } from '../sim.js';
import { ReplayScheduler, type Divergence, type Schedule } from '../schedulers/replay.js';
import type { Trace } from '../machine/trace-buffer.js';
import type { Result } from '../result.js';
import type { Spec } from '../spec.js';
import { RecordingScheduler } from './recorder.js';
import { preemptionsOf, shrunkCause, type Preemption } from './cause.js';

export interface ScheduledRun { exec: Execution; result: Result; trace: Trace; preemptions: Preemption[]; divergence: Divergence | null }

export function runSchedule(spec: Spec, schedule: Schedule, options: { traceLimit?: number } = {}): ScheduledRun {
  const replay = new ReplayScheduler(schedule);
  const rec = new RecordingScheduler(replay);
  const exec = execute(spec, { scheduler: rec, trace: true, ...(options.traceLimit ? { traceLimit: options.traceLimit } : {}) });
  const result = buildResult(exec);
  const trace = traceOf(exec);
  const preemptions = preemptionsOf(rec.preemptionPoints);
  if (result.verdict.outcome !== 'ok') {
    const base = result.verdict.cause;
    result.verdict.cause = `${shrunkCause(exec, trace, result.verdict.outcome, preemptions)} ${base.charAt(0).toUpperCase()}${base.slice(1)}`;
  }
  return { exec, result, trace, preemptions, divergence: replay.divergence() };
}
