// The shape of a repeated run's outcome distribution and of a native/model comparison, as the
// result carries them (docs/contract.md: `distribution`, `comparison`). Types only: the runner
// (src/runner/distribution.ts, compare-run.ts) fills them in, since it owns a clock.
import type { Outcome } from './outcome.js';
import type { Result } from './result.js';
import type { TraceEvent } from './trace.js';

/** litmus7's Observation line for one outcome: always / sometimes / never, with the counts. */
export interface Observation { observed: 'always' | 'sometimes' | 'never'; positive: number; negative: number }

/** The first run that produced an outcome, in full: its result (evidence, verdict) and its trace (the last events, capped). */
export interface DistributionExample { run: number; seed: number; result: Result; trace: TraceEvent[]; traceTruncated: boolean }

export interface Distribution {
  engine: 'sim' | 'native';
  /** sim: the modelled platform; native: "host". */
  platform: string;
  /** native: the libc the runs used, e.g. {name: "glibc", version: "2.36"}. */
  libc?: { name: string; version: string };
  planned: number;
  runs: number;
  /** done: every planned run ran; time: the budget (GET /limits repeatTimeMs) ran out; cancelled. */
  stoppedBy: 'done' | 'time' | 'cancelled';
  /** sim: the seeds run, first..last (seed, seed+1, ...). */
  seeds?: { first: number; last: number };
  /** Every outcome, zero included, so "never" is stated and not implied. */
  outcomes: Record<Outcome, number>;
  observation: Record<Outcome, Observation>;
  examples: Partial<Record<Outcome, DistributionExample>>;
  /** The outcome the result's top level shows (the most severe observed, as an exploration's shrunk run). */
  shown: Outcome;
  wallMs: number;
  runsPerSecond: number;
}

export interface ComparisonClass {
  outcome: Outcome;
  native: number;
  model: number;
  observedNatively: boolean;
  /** produced by the model in its runs (an outcome it allows but rarely produces may be missed: see model.runs) */
  allowedByModel: boolean;
}

export interface Disagreement {
  outcome: Outcome;
  native: number;
  model: number;
  /** The first native run of that class: what it showed. */
  example: { run: number; summary: string; cause: string; evidence: Record<string, unknown> };
}

export interface Comparison {
  verdict: 'agree' | 'disagree' | 'no_model';
  summary: string;
  native: { platform: string; libc: { name: string; version: string }; runs: number };
  /** The simulator's platform for that libc and version (null: none is modelled), and why that one. */
  model: { platform: string | null; reason: string; runs: number; distribution: Distribution | null };
  classes: ComparisonClass[];
  /** The first disagreement, and all of them. */
  disagreement: Disagreement | null;
  disagreements: Disagreement[];
}
