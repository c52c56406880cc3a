// One ranking of outcomes for both engines (the simulator's verdict.ts and the native engine's
// verdict.ts read it): a run that shows several failures gets the first of them in this order.
//
// Why this order: an outcome first says how the run ENDED, then what its data shows. A process
// that died (crash) is what an operator meets first and ends the run for everyone sharing the
// mutex; a run that stopped making progress (hang) comes next, because its threads wait forever
// whatever the counter says; a run that used its whole budget while still progressing
// (limit_exceeded) did not finish, so nothing after it is conclusive. Of the runs that finished,
// an owner that died and was recovered (owner_died) names the event the run was about, and a
// lost exclusion (mutual_exclusion_violation) is the silent failure. A violation ranked below a
// hang hides nothing: counter.lostUpdates and mutualExclusion report it in every result, whatever
// the outcome. (Once the simulator ranked the violation above the hang and the native
// engine the reverse, so the same run could be named differently by the two engines.)
import type { Outcome } from './result.js';

export const OUTCOME_RANK: readonly Outcome[] = ['crash', 'hang', 'limit_exceeded', 'owner_died', 'mutual_exclusion_violation', 'ok'];

/** The highest-ranked outcome for which `applies` holds ('ok' when none does). */
export function rankedOutcome(applies: (outcome: Outcome) => boolean): Outcome {
  for (const o of OUTCOME_RANK) if (o === 'ok' || applies(o)) return o;
  return 'ok';
}
