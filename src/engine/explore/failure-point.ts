// Where in a failing run the failure happened. A run goes on after its failure (the survivors
// spin, sleep, dump core, time out), so its length says little about how short the failing
// schedule is: the story of solaris10-crash faults near t=37 of a 1800-step run. Counterexamples
// report the steps up to the failure and its virtual time, and the whole run apart.
import { execute, type Execution } from '../sim.js';
import { ReplayScheduler, type Schedule } from '../schedulers/replay.js';
import { DUMPING } from '../machine/process.js';
import type { Trace } from '../machine/trace-buffer.js';
import type { Outcome } from '../outcome.js';
import type { Spec } from '../spec.js';

/** Whether the failure `outcome` has already happened in `exec` (a run cut short at some step). */
function hasHappened(exec: Execution, outcome: Outcome): boolean {
  switch (outcome) {
    case 'crash': return exec.machine.processes.some((p) => p.exit?.kind === 'signaled' || p.state === DUMPING);
    case 'mutual_exclusion_violation': {
      let final = 0;
      for (const s of exec.world.shm.segments) final += s.backing.u32[exec.world.counterOffset >>> 2]!;
      return exec.workload.violations > 0 || final !== exec.workload.increments;
    }
    case 'owner_died': return exec.faults.recoveries.length > 0;
    default: return false; // a hang or a step limit is the end of the run itself
  }
}

/** Whether the failure is located by cutting the run short (a hang or a step limit is the end of the run itself). */
const locatedByPrefix = (o: Outcome) => o === 'crash' || o === 'mutual_exclusion_violation' || o === 'owner_died';

/**
 * Whether replaying `schedule` fails with `outcome` within its first k steps. A run cut at k
 * steps is the first k steps of the full run (the machine is deterministic, the limit only
 * stops it), so one short run answers. A hang or limit fails at the end: `runSteps`.
 */
export function failsWithin(spec: Spec, schedule: Schedule, outcome: Outcome, k: number, runSteps: number): boolean {
  if (!locatedByPrefix(outcome)) return runSteps <= k;
  if (k < 1) return false;
  return hasHappened(execute({ ...spec, limits: { ...spec.limits, maxSteps: k } }, { scheduler: new ReplayScheduler(schedule, true) }), outcome);
}

/**
 * Steps up to and including the one that made the failure: a binary search over cut runs
 * (about log2(runSteps) of them, each shorter than the run), in [1, below] when the caller
 * knows the failure lies within `below` steps. Returns the runs it took, for the caller's budget.
 */
export function stepsToFailure(spec: Spec, schedule: Schedule, outcome: Outcome, runSteps: number, below = runSteps): { steps: number; runs: number } {
  if (!locatedByPrefix(outcome)) return { steps: runSteps, runs: 0 };
  let runs = 0;
  const within = (k: number) => { runs++; return failsWithin(spec, schedule, outcome, k, runSteps); };
  let lo = 1, hi = Math.min(below, runSteps);
  if (hi < 1 || (hi === runSteps && !within(hi))) return { steps: runSteps, runs }; // not reproducible by prefix: say the whole run rather than guess
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (within(mid)) hi = mid; else lo = mid + 1;
  }
  return { steps: lo, runs };
}

/**
 * How far into a finished run its failure lies, when the run's own state tells it (no trace
 * needed): the virtual time of the fault as the core tool noted it, of the first EOWNERDEAD
 * recovery, or the end of a hang or a step limit. Null for a violation, and for a crash when
 * the core tool was off: those take a binary search of cut runs (stepsToFailure).
 */
export function failureMark(exec: Execution, outcome: Outcome): number | null {
  switch (outcome) {
    case 'crash': return exec.cores.cores[0]?.faultedAt ?? null;
    case 'owner_died': return exec.faults.recoveries[0]?.t ?? null;
    case 'hang': case 'limit_exceeded': return exec.machine.now;
    default: return null;
  }
}

/**
 * Virtual time of the failure in a traced run: the fatal signal, the entry of a second holder,
 * the first EOWNERDEAD recovery; a hang or a step limit at the end. Falls back to the end of
 * the run when the event is past a truncated trace.
 */
export function failureTime(exec: Execution, trace: Trace, outcome: Outcome): number {
  if (outcome === 'owner_died') return exec.faults.recoveries[0]?.t ?? exec.machine.now;
  if (outcome !== 'crash' && outcome !== 'mutual_exclusion_violation') return exec.machine.now;
  for (const e of trace) {
    if (outcome === 'crash' && e.op === 'signal' && e.cpu >= 0) return e.t;
    if (outcome === 'mutual_exclusion_violation' && e.op === 'cs_enter' && typeof e.value === 'number' && e.value > 1) return e.t;
  }
  return (outcome === 'crash' ? exec.cores.cores[0]?.faultedAt : undefined) ?? exec.machine.now;
}
