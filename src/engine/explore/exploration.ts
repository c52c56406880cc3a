// `result.exploration`: what many schedules say about a spec (fields may be added, not renamed).
// The statistics follow what the strategy did: random and pct draw independent samples, so
// their failure rate is an estimate with an interval; dfs enumerates schedules in a fixed
// order, so it reports exact counts over what it ran, and no interval (a prefix of an
// enumeration is not a sample of anything).
import type { FailureOutcome, Outcome } from '../outcome.js';
import type { Strategy } from '../spec.js';

/** random/pct: an estimate of the probability that one run fails. */
export interface SampledRate {
  method: 'wilson';
  sampling: 'random';
  /** failures / schedules. */
  estimate: number;
  /** Wilson score interval (95%) over the schedules run. */
  low: number; high: number; confidence: number;
  /** Zero failures only: exact one-sided 95% upper bound 1 - 0.05^(1/n), and the rule of three 3/n. */
  upperBound?: number;
  ruleOfThree?: number;
}

/** dfs: a count over the schedules enumerated, not an estimate; no interval, no bound. */
export interface CountedRate {
  method: 'count';
  sampling: 'enumerated';
  failures: number;
  schedules: number;
  /** failures / schedules, exact over the schedules run. */
  fraction: number;
  /** The schedules run are the whole space within the preemption bound: the fraction is exact over it. */
  exhausted: boolean;
}

export type FailureRate = SampledRate | CountedRate;

/** What stopped the exploration: the dfs space ran out, the schedule cap, the time budget, or a cancel. */
export type StopReason = 'exhausted' | 'schedules' | 'time' | 'cancelled';

/** A shrunk failing schedule of one outcome, with the token that replays it. */
export interface Counterexample {
  outcome: FailureOutcome;
  token: string;
  /** Preemptions of the shrunk schedule. */
  preemptions: number;
  /** Every smaller preemption bound was searched to exhaustion without this outcome. */
  preemptionsProven: boolean;
  /** Simulated steps up to and including the failing one (the fault, the second holder's entry, the last step before everyone blocked). */
  steps: number;
  /** Virtual time of the failure (the `t` of the trace and of the cause's story). */
  failureAt: number;
  /** Steps of the whole run, what happened after the failure included (the replay's stats.steps). */
  runSteps: number;
  /** Decision points of the run, and the choices that depart from the default policy (the token's size). */
  decisions: number;
  choices: number;
  /** The failing schedule it was shrunk from (its index in the exploration). */
  foundAt: number;
  /** Runs spent shrinking it and bounding its preemptions. */
  minimiseRuns: number;
}

export interface Exploration {
  strategy: Strategy;
  /** Schedules run. */
  schedules: number;
  /** Schedules asked for (explore.schedules). */
  planned: number;
  /** dfs: the bounded space was covered completely (then `schedules` is its size). */
  exhausted?: boolean;
  /** dfs, exhausted without a failure: proven, within the preemption bound, that no schedule fails. */
  provenWithinBound?: boolean;
  maxPreemptions?: number;
  depth?: number;
  /** explore.target: the outcome asked for (its counterexample is `shrunk` when one was found). */
  target?: FailureOutcome;
  /** What stopped it; never null. */
  stoppedBy: StopReason;
  /** Exact counts per outcome over the schedules run. */
  outcomes: Partial<Record<Outcome, number>>;
  failures: number;
  failureRate: FailureRate;
  /** pct only: the guarantee (Burckhardt et al. 2010): one run finds a given bug of depth d with probability at least perRun = 1/(n k^(d-1)); missBound bounds missing it in every run. */
  pct?: { threads: number; steps: number; depth: number; perRun: number; missBound: number };
  /** The first failing schedule (lowest index); `steps` ends at its failure. */
  firstFailure: { schedule: number; outcome: Outcome; seed: number; preemptions: number; steps: number; token: string } | null;
  /** The first failing schedule of each failing outcome, with its token. */
  firstFailures?: Partial<Record<Outcome, { schedule: number; token: string }>>;
  /** One shrunk counterexample per failing outcome found. */
  counterexamples: Partial<Record<FailureOutcome, Counterexample>>;
  /** Fewest preemptions found that expose the failure of `shrunk` (iterative preemption bounding). */
  minimalPreemptions: number | null;
  /** Every smaller preemption bound was searched to exhaustion without that failure. */
  minimalPreemptionsProven: boolean;
  /** The counterexample the result shows (the target's, else the most severe): processes, evidence, trace and verdict are its run. */
  shrunk: (Counterexample & { trace: { events: number; truncated: boolean } }) | null;
  /** dfs: runs that repeated a schedule of a lower preemption bound (not counted in `schedules`). */
  repeatRuns?: number;
  /** Runs spent shrinking and bounding, over every counterexample. */
  minimiseRuns: number;
  /** Simulated steps over all schedules; chunks merged. */
  steps: number;
  chunks: number;
}
