// The outcomes of a run, in a module of their own: the result, the spec (explore.target) and
// the exploration types all name them, and none of those should have to import another for it.

export const OUTCOMES = ['ok', 'crash', 'mutual_exclusion_violation', 'hang', 'owner_died', 'limit_exceeded'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Every outcome but `ok`: what an exploration counts as a failure and can be asked to target. */
export const FAILURE_OUTCOMES = ['crash', 'mutual_exclusion_violation', 'hang', 'owner_died', 'limit_exceeded'] as const;
export type FailureOutcome = (typeof FAILURE_OUTCOMES)[number];

/**
 * Most severe first, for an exploration that found several kinds of failure and must pick one
 * to explain: a process killed by the mutex code itself, then silently corrupted data, then
 * threads that never return, then a recovered owner death (a fault the spec injected), and
 * last a run that only ran out of steps (inconclusive).
 */
export const SEVERITY: readonly FailureOutcome[] = FAILURE_OUTCOMES;
