// `result.exploration`: what many schedules say about a spec, in the shape the issue fixes
// (fields may be added, not renamed).
import type { Outcome } from '../outcome.js';
import type { Strategy } from '../spec.js';

export interface FailureRate {
  estimate: number; low: number; high: number; confidence: number;
  /** Wilson score interval over the schedules run. */
  method: 'wilson';
  /** `random`/`pct`: independent samples; `dfs`: a count over enumerated schedules (not a sample). */
  sampling: 'random' | 'enumerated';
  /** Zero failures only: exact one-sided 95% upper bound 1 - 0.05^(1/n), and the rule of three 3/n. */
  upperBound?: number;
  ruleOfThree?: number;
}

export interface Exploration {
  strategy: Strategy;
  /** Schedules run. */
  schedules: number;
  /** Schedules asked for (explore.schedules). */
  planned: number;
  /** dfs: the bounded space was covered completely (then `schedules` is its size). */
  exhausted?: boolean;
  maxPreemptions?: number;
  depth?: number;
  /** Why it stopped before `planned`: the time budget, or (dfs) the space ran out. */
  stoppedBy: 'time' | 'exhausted' | null;
  outcomes: Partial<Record<Outcome, number>>;
  failures: number;
  failureRate: FailureRate;
  /** pct only: the guarantee (per-run find probability of a depth-d bug, and the bound on missing it every time). */
  pct?: { threads: number; steps: number; depth: number; perRun: number; missBound: number };
  firstFailure: { schedule: number; outcome: Outcome; seed: number; preemptions: number; steps: number; token: string } | null;
  /** The first failing schedule of each failing outcome, with its token. */
  firstFailures?: Partial<Record<Outcome, { schedule: number; token: string }>>;
  /** Fewest preemptions found that expose the failure (iterative preemption bounding). */
  minimalPreemptions: number | null;
  /** Every smaller preemption bound was searched to exhaustion without the failure. */
  minimalPreemptionsProven: boolean;
  /** The shrunk counterexample; the result's processes, evidence and trace are this run's. */
  shrunk: { token: string; preemptions: number; steps: number; outcome: Outcome; decisions: number; choices: number; trace: { events: number; truncated: boolean } } | null;
  /** dfs: runs that repeated a schedule of a lower preemption bound (not counted in `schedules`). */
  repeatRuns?: number;
  /** Runs spent shrinking and bounding. */
  minimiseRuns: number;
  /** Simulated steps over all schedules; chunks merged. */
  steps: number;
  chunks: number;
}
