// The odds: how often the spec fails, with a 95% interval, and what zero failures still allow.
import type { Strategy } from '../spec.js';
import type { FailureRate, SampledRate } from './exploration.js';

/** Two-sided 95% normal quantile. */
const Z95 = 1.959963984540054;

export interface Interval { estimate: number; low: number; high: number; confidence: number }

/**
 * Wilson score interval for `failures` of `n` (Wilson 1927): unlike the normal interval it
 * stays inside [0, 1] and behaves at 0 and n failures.
 */
export function wilson(failures: number, n: number, z = Z95): Interval {
  if (n === 0) return { estimate: 0, low: 0, high: 1, confidence: 0.95 };
  const p = failures / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and n failures the bound is exactly 0 (resp. 1); rounding would leave a 1e-19 there.
  return { estimate: p, low: failures === 0 ? 0 : Math.max(0, centre - half), high: failures === n ? 1 : Math.min(1, centre + half), confidence: 0.95 };
}

/**
 * With zero failures in n independent runs: the exact one-sided 95% upper bound on the
 * failure probability, 1 - 0.05^(1/n) (Clopper-Pearson), and its rule-of-three shorthand 3/n.
 */
export function zeroFailureBound(n: number): { upper: number; ruleOfThree: number; confidence: number } {
  if (n === 0) return { upper: 1, ruleOfThree: 1, confidence: 0.95 };
  return { upper: 1 - Math.pow(0.05, 1 / n), ruleOfThree: Math.min(1, 3 / n), confidence: 0.95 };
}

/**
 * PCT's guarantee: one run finds a given bug of depth d with probability at least
 * 1 / (n k^(d-1)); after `runs` runs without finding it, the chance that such a bug exists
 * but was missed every time is at most (1 - that)^runs.
 */
export function pctMissBound(threads: number, steps: number, depth: number, runs: number): { perRun: number; missBound: number } {
  const perRun = 1 / (Math.max(1, threads) * Math.pow(Math.max(1, steps), Math.max(0, depth - 1)));
  return { perRun, missBound: Math.pow(1 - perRun, runs) };
}

/**
 * The failure rate as the strategy can honestly state it: random and pct sample independent
 * schedules, so theirs is an estimate with a Wilson interval (and, with zero failures, the
 * exact and rule-of-three upper bounds). dfs enumerates: its figure is an exact count over the
 * schedules it ran, with no interval (a prefix of an enumeration is not a random sample, and
 * the whole bounded space is not a sample at all).
 */
export function failureRateOf(strategy: Strategy, failures: number, n: number, exhausted: boolean): FailureRate {
  if (strategy === 'dfs') return { method: 'count', sampling: 'enumerated', failures, schedules: n, fraction: n === 0 ? 0 : failures / n, exhausted };
  const w = wilson(failures, n);
  const rate: SampledRate = { method: 'wilson', sampling: 'random', estimate: w.estimate, low: w.low, high: w.high, confidence: w.confidence };
  if (failures === 0) { const z = zeroFailureBound(n); rate.upperBound = z.upper; rate.ruleOfThree = z.ruleOfThree; }
  return rate;
}
