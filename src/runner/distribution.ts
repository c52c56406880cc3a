// Collects the runs of a repeat into a Distribution (src/engine/distribution.ts): outcome counts,
// litmus7-style observations, the first run of every outcome in full, and the wall time.
import { OUTCOME_RANK } from '../engine/outcome-rank.js';
import { OUTCOMES, type Outcome } from '../engine/outcome.js';
import type { Distribution, DistributionExample, Observation } from '../engine/distribution.js';
import type { Result } from '../engine/result.js';
import type { TraceEvent } from '../engine/trace.js';

/** Events an example keeps (the last ones: where a run ends is where its failure is). */
export const EXAMPLE_TRACE_MAX = 1000;

export class DistributionBuilder {
  private readonly counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  private readonly firsts = new Map<Outcome, { run: number; result: Result; trace: TraceEvent[] }>();
  runs = 0;
  failures = 0;

  /** Whether this outcome has no example yet (then add() wants the run's trace). */
  wantsExample(outcome: Outcome): boolean { return !this.firsts.has(outcome); }

  add(run: number, result: Result, trace?: Iterable<TraceEvent>): void {
    const outcome = result.verdict.outcome;
    this.counts[outcome]++;
    this.runs++;
    if (outcome !== 'ok') this.failures++;
    if (!this.firsts.has(outcome)) this.firsts.set(outcome, { run, result, trace: trace ? [...trace] : [] });
  }

  /** The most severe outcome seen (OUTCOME_RANK), and its run with the whole trace: the result's top level. */
  shown(): { outcome: Outcome; result: Result; trace: TraceEvent[] } | null {
    for (const o of OUTCOME_RANK) {
      const f = this.firsts.get(o);
      if (f) return { outcome: o, result: f.result, trace: f.trace };
    }
    return null;
  }

  finish(head: Pick<Distribution, 'engine' | 'platform' | 'planned' | 'stoppedBy'> & Partial<Pick<Distribution, 'libc' | 'seeds'>>, wallMs: number): Distribution {
    const observation = Object.fromEntries(OUTCOMES.map((o) => [o, observe(this.counts[o], this.runs)])) as Record<Outcome, Observation>;
    const examples: Partial<Record<Outcome, DistributionExample>> = {};
    for (const o of OUTCOMES) {
      const f = this.firsts.get(o);
      if (!f) continue;
      const trace = f.trace.length > EXAMPLE_TRACE_MAX ? f.trace.slice(-EXAMPLE_TRACE_MAX) : f.trace;
      examples[o] = { run: f.run, seed: f.result.seed, result: f.result, trace, traceTruncated: trace.length < f.trace.length || f.result.trace.truncated };
    }
    const ms = Math.round(wallMs * 1000) / 1000;
    return {
      ...head, runs: this.runs, outcomes: { ...this.counts }, observation, examples,
      shown: this.shown()?.outcome ?? 'ok',
      wallMs: ms, runsPerSecond: ms > 0 ? Math.round((this.runs / ms) * 1000 * 10) / 10 : 0,
    };
  }
}

/** litmus7: Always when every run showed it, Never when none did, else Sometimes. */
export function observe(positive: number, runs: number): Observation {
  const observed = positive === 0 ? 'never' : positive === runs ? 'always' : 'sometimes';
  return { observed, positive, negative: runs - positive };
}
