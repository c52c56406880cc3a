// From merged chunk reports to the exploration's Result: the odds, the first failure and its
// token, the minimal preemption count, the shrunk counterexample (whose run becomes the
// result's processes, evidence and trace), and a verdict that speaks of that schedule.
// Deterministic: everything after the merge depends only on the merged report.
import type { Trace } from '../machine/trace-buffer.js';
import type { Result } from '../result.js';
import type { Spec } from '../spec.js';
import type { Schedule } from '../schedulers/replay.js';
import { mergeReports, type ChunkReport, type FailureRecord } from './chunk.js';
import type { Exploration, FailureRate } from './exploration.js';
import type { ExplorePlan } from './plan.js';
import { runSchedule } from './run-schedule.js';
import { minimise } from './shrink.js';
import { pctMissBound, wilson, zeroFailureBound } from './stats.js';
import { encodeToken } from './token.js';

export interface MinimiseBudget { shrinkRuns: number; boundRuns: number }
export const DEFAULT_MINIMISE: MinimiseBudget = { shrinkRuns: 400, boundRuns: 1000 };

const pct = (x: number) => `${(100 * x).toPrecision(3)}%`;

function rateOf(plan: ExplorePlan, failures: number, n: number): FailureRate {
  const w = wilson(failures, n);
  const rate: FailureRate = { ...w, method: 'wilson', sampling: plan.strategy === 'dfs' ? 'enumerated' : 'random' };
  if (failures === 0) { const z = zeroFailureBound(n); rate.upperBound = z.upper; rate.ruleOfThree = z.ruleOfThree; }
  return rate;
}

export function finishExploration(spec: Spec, plan: ExplorePlan, reports: readonly ChunkReport[], budget: MinimiseBudget = DEFAULT_MINIMISE): { result: Result; trace: Trace } {
  const m = mergeReports(reports);
  const exploration: Exploration = {
    strategy: plan.strategy, schedules: m.ran, planned: plan.schedules,
    ...(plan.strategy === 'dfs' ? { exhausted: m.exhausted, maxPreemptions: plan.maxPreemptions, repeatRuns: m.repeatRuns } : {}),
    ...(plan.strategy === 'pct' ? { depth: plan.depth } : {}),
    stoppedBy: m.stoppedBy ?? (m.exhausted ? 'exhausted' : null),
    outcomes: m.outcomes, failures: m.failures, failureRate: rateOf(plan, m.failures, m.ran),
    firstFailure: null, minimalPreemptions: null, minimalPreemptionsProven: false, shrunk: null,
    minimiseRuns: 0, steps: m.steps, chunks: reports.length,
  };
  if (plan.strategy === 'pct') {
    const g = pctMissBound(plan.threads, plan.pctSteps, plan.depth, m.ran);
    exploration.pct = { threads: plan.threads, steps: plan.pctSteps, depth: plan.depth, perRun: g.perRun, missBound: g.missBound };
  }
  const base = { ...spec };
  delete base.explore;
  const f = m.firstFailure;
  const covered = plan.strategy === 'dfs'
    ? `${m.ran} schedules with at most ${plan.maxPreemptions} preemptions${m.exhausted ? ' (the whole bounded space)' : ` (not the whole bounded space: explore.schedules = ${plan.schedules}${m.stoppedBy === 'time' ? ', or the time budget,' : ''} stopped it)`}`
    : `${m.ran} ${plan.strategy} schedules${m.stoppedBy === 'time' ? ` (of ${plan.schedules} planned: the time budget ran out)` : ''}`;

  if (!f) {
    const run = runSchedule({ ...base }, { decisions: 0, deviations: [] });
    const r = exploration.failureRate;
    const odds = plan.strategy === 'dfs' && m.exhausted
      ? 'no schedule within the bound fails'
      : `the failure probability per run is below ${pct(r.upperBound ?? r.high)} (95% one-sided)` + (exploration.pct ? `; if a depth-${plan.depth} bug existed, PCT would have missed it every time with probability at most ${exploration.pct.missBound.toPrecision(3)}` : '');
    run.result.verdict.summary = `exploration: no failure in ${covered}; ${odds}. This result shows the default schedule: ${run.result.verdict.summary}`;
    run.result.exploration = exploration;
    return { result: run.result, trace: run.trace };
  }

  const specOf = (r: FailureRecord): Spec => (r.seed === spec.seed ? base : { ...base, seed: r.seed });
  const tokenOf = (r: FailureRecord) => encodeToken({ strategy: plan.strategy, seed: r.seed, scheduleIndex: r.index, spec: specOf(r), schedule: r.schedule });
  exploration.firstFailure = { schedule: f.index, outcome: f.outcome, seed: f.seed, preemptions: f.preemptions, steps: f.steps, token: tokenOf(f) };
  exploration.firstFailures = Object.fromEntries(Object.values(m.firstByOutcome).map((r) => [r.outcome, { schedule: r.index, token: tokenOf(r) }]));
  // The failure to explain and shrink: the most frequent kind (the first seen on a tie).
  const primary = Object.values(m.firstByOutcome).sort((a, b) => (m.outcomes[b.outcome] ?? 0) - (m.outcomes[a.outcome] ?? 0) || a.index - b.index)[0]!;
  const runSpec = specOf(primary);
  const min = minimise(runSpec, { outcome: primary.outcome, schedule: primary.schedule, preemptions: primary.preemptions, steps: primary.steps }, budget);
  const shrunk: Schedule = min.best.schedule;
  const run = runSchedule(runSpec, shrunk);
  exploration.minimalPreemptions = min.minimalPreemptions;
  exploration.minimalPreemptionsProven = min.proven;
  exploration.minimiseRuns = min.runs;
  exploration.shrunk = {
    token: encodeToken({ strategy: 'shrunk', seed: primary.seed, scheduleIndex: primary.index, spec: runSpec, schedule: shrunk }),
    preemptions: min.best.preemptions, steps: run.result.stats.steps, outcome: run.result.verdict.outcome,
    decisions: shrunk.decisions, choices: shrunk.deviations.length / 2, trace: { ...run.result.trace },
  };
  const r = exploration.failureRate;
  run.result.verdict.summary = `exploration: ${m.failures} of ${covered} failed (${Object.entries(m.outcomes).filter(([k]) => k !== 'ok').map(([k, v]) => `${v} ${k}`).join(', ')}): failure rate ${pct(r.estimate)} (95% interval ${pct(r.low)} to ${pct(r.high)}). `
    + `The smallest counterexample found needs ${min.best.preemptions} preemption${min.best.preemptions === 1 ? '' : 's'}${min.proven ? ' (no schedule with fewer fails this way)' : ''} and ${run.result.stats.steps} steps: ${run.result.verdict.summary}`;
  run.result.exploration = exploration;
  return { result: run.result, trace: run.trace };
}
