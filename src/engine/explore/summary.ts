// The exploration's verdict summary in words. It claims what the strategy can support and no
// more: dfs states exact counts (and, when it covered the whole bounded space, a proof within
// that bound); random and pct state an estimate with its interval; a search that was cut short
// says what cut it.
import type { Spec } from '../spec.js';
import type { Counterexample, Exploration, StopReason } from './exploration.js';

const pct = (x: number) => `${(100 * x).toPrecision(3)}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function stopText(stop: StopReason, spec: Spec): string {
  const e = spec.explore!;
  switch (stop) {
    case 'schedules': return `the schedule cap (explore.schedules = ${e.schedules})`;
    case 'time': return `the time budget (explore.timeMs = ${e.timeMs})`;
    case 'cancelled': return 'a cancel';
    case 'exhausted': return 'the end of the bounded space';
  }
}

/** "2530 schedules with at most 2 preemptions (the whole bounded space)", "1000 random schedules". */
export function coverage(x: Exploration, spec: Spec): string {
  if (x.strategy === 'dfs') {
    return `${plural(x.schedules, 'schedule')} with at most ${plural(x.maxPreemptions ?? 0, 'preemption')}`
      + (x.exhausted ? ' (the whole bounded space)' : ` (not the whole bounded space: ${stopText(x.stoppedBy, spec)} stopped the search)`);
  }
  return `${plural(x.schedules, `${x.strategy} schedule`)}${x.stoppedBy === 'time' || x.stoppedBy === 'cancelled' ? ` (of ${x.planned} planned: ${stopText(x.stoppedBy, spec)} stopped it)` : ''}`;
}

/** What a clean exploration allows one to say. */
export function noFailureText(x: Exploration, spec: Spec): string {
  if (x.strategy === 'dfs') {
    return x.exhausted
      ? `proven within the bound: none of the ${plural(x.schedules, 'schedule')} with at most ${plural(x.maxPreemptions ?? 0, 'preemption')} fails (dfs enumerated the whole bounded space; schedules with more preemptions were not run)`
      : `no failure in the first ${coverage(x, spec)}; this covers only the schedules enumerated`;
  }
  const r = x.failureRate;
  const bound = r.method === 'wilson' ? ` the failure probability per run is below ${pct(r.upperBound ?? r.high)} (95% one-sided; rule of three ${pct(r.ruleOfThree ?? r.high)})` : '';
  const guarantee = x.pct
    ? `; PCT's guarantee (Burckhardt et al. 2010): one run finds a given bug of depth ${x.pct.depth} with probability at least 1/(n k^(d-1)) = ${x.pct.perRun.toPrecision(3)} (n = ${x.pct.threads} threads, k = ${x.pct.steps} steps), so such a bug would have been missed in every run with probability at most ${x.pct.missBound.toPrecision(3)}`
    : '';
  return `no failure in ${coverage(x, spec)}:${bound}${guarantee}`;
}

/** "1445 of 2530 schedules ... failed (1445 crash, ...): exactly 57.1% of the bounded space". */
export function failureText(x: Exploration, spec: Spec): string {
  const breakdown = Object.entries(x.outcomes).filter(([k]) => k !== 'ok').map(([k, v]) => `${v} ${k}`).join(', ');
  const r = x.failureRate;
  const odds = r.method === 'count'
    ? (r.exhausted
      ? `exactly ${pct(r.fraction)} of the schedules within the bound fail (an exact count over the whole bounded space, not an estimate)`
      : `${pct(r.fraction)} of the schedules enumerated (a count over the part of the search that ran, not an estimate of a rate)`)
    : `failure rate ${pct(r.estimate)} (95% Wilson interval ${pct(r.low)} to ${pct(r.high)})`;
  return `${x.failures} of ${coverage(x, spec)} failed (${breakdown}): ${odds}`;
}

function counterexampleText(c: Counterexample): string {
  return `${c.outcome} with ${plural(c.preemptions, 'preemption')}${c.preemptionsProven ? ' (no fewer can)' : ''}, failing at step ${c.steps} (t=${c.failureAt})`;
}

/** The counterexamples found, and which one this result shows (and why that one). */
export function counterexamplesText(x: Exploration, shown: Counterexample): string {
  const all = Object.values(x.counterexamples);
  const list = all.length === 1 ? `The smallest counterexample found: ${counterexampleText(shown)}` : `Smallest counterexamples found: ${all.map(counterexampleText).join('; ')}`;
  const why = x.target === undefined ? (all.length > 1 ? ' (the most severe found)' : '')
    : x.target === shown.outcome ? ' (explore.target)' : ` (no ${x.target} was found, the target; this is the most severe found)`;
  const rest = shown.runSteps > shown.steps ? `; the run went on to step ${shown.runSteps}` : '';
  return `${list}. This result shows the ${shown.outcome}${why}${rest}`;
}
