// From merged chunk reports to the exploration's Result: the odds, the first failure and its
// token, one shrunk counterexample per failing outcome (each with its minimal preemption
// count and token), and the result of one of them (explore.target's, else the most severe):
// its run becomes the result's processes, evidence and trace, and the verdict tells its story.
// Deterministic: everything after the merge depends only on the merged report.
import type { Trace } from '../machine/trace-buffer.js';
import type { Result } from '../result.js';
import type { Spec } from '../spec.js';
import { SEVERITY, type FailureOutcome } from '../outcome.js';
import { mergeReports, type ChunkReport, type FailureRecord } from './chunk.js';
import type { Counterexample, Exploration } from './exploration.js';
import { failureTime, stepsToFailure } from './failure-point.js';
import type { ExplorePlan } from './plan.js';
import { runSchedule, type ScheduledRun } from './run-schedule.js';
import { minimise } from './shrink.js';
import { failureRateOf, pctMissBound } from './stats.js';
import { counterexamplesText, failureText, noFailureText } from './summary.js';
import { encodeToken } from './token.js';

export interface MinimiseBudget { shrinkRuns: number; boundRuns: number }
export const DEFAULT_MINIMISE: MinimiseBudget = { shrinkRuns: 400, boundRuns: 1000 };

/** A failing outcome's first schedule, shrunk, with its token and where its failure lies. */
function counterexampleOf(specOf: (r: FailureRecord) => Spec, first: FailureRecord, budget: MinimiseBudget): { c: Counterexample; run: ScheduledRun } {
  const spec = specOf(first);
  const min = minimise(spec, { outcome: first.outcome, schedule: first.schedule, preemptions: first.preemptions, mark: null, runSteps: first.steps }, budget);
  const schedule = min.best.schedule;
  const run = runSchedule(spec, schedule);
  const outcome = run.result.verdict.outcome as FailureOutcome; // the shrunk schedule fails the same way (shrink keeps only such)
  const runSteps = run.result.stats.steps;
  const c: Counterexample = {
    outcome,
    token: encodeToken({ strategy: 'shrunk', seed: first.seed, scheduleIndex: first.index, spec, schedule }),
    preemptions: min.best.preemptions, preemptionsProven: min.proven,
    steps: stepsToFailure(spec, schedule, outcome, runSteps).steps, failureAt: failureTime(run.exec, run.trace, outcome), runSteps,
    decisions: schedule.decisions, choices: schedule.deviations.length / 2,
    foundAt: first.index, minimiseRuns: min.runs,
  };
  return { c, run };
}

export function finishExploration(spec: Spec, plan: ExplorePlan, reports: readonly ChunkReport[], budget: MinimiseBudget = DEFAULT_MINIMISE): { result: Result; trace: Trace } {
  const m = mergeReports(reports);
  const target = spec.explore?.target;
  const exploration: Exploration = {
    strategy: plan.strategy, schedules: m.ran, planned: plan.schedules,
    ...(plan.strategy === 'dfs' ? { exhausted: m.exhausted, provenWithinBound: m.exhausted && m.failures === 0, maxPreemptions: plan.maxPreemptions, repeatRuns: m.repeatRuns } : {}),
    ...(plan.strategy === 'pct' ? { depth: plan.depth } : {}),
    ...(target !== undefined ? { target } : {}),
    // A cap stopped it unless the caller did (time, cancel) or the dfs space ran out.
    stoppedBy: m.stoppedBy ?? (m.exhausted ? 'exhausted' : 'schedules'),
    outcomes: m.outcomes, failures: m.failures, failureRate: failureRateOf(plan.strategy, m.failures, m.ran, m.exhausted),
    firstFailure: null, counterexamples: {}, minimalPreemptions: null, minimalPreemptionsProven: false, shrunk: null,
    minimiseRuns: 0, steps: m.steps, chunks: reports.length,
  };
  if (plan.strategy === 'pct') {
    const g = pctMissBound(plan.threads, plan.pctSteps, plan.depth, m.ran);
    exploration.pct = { threads: plan.threads, steps: plan.pctSteps, depth: plan.depth, perRun: g.perRun, missBound: g.missBound };
  }
  const base = { ...spec };
  delete base.explore;
  const f = m.firstFailure;

  if (!f) {
    const run = runSchedule({ ...base }, { decisions: 0, deviations: [] });
    run.result.verdict.summary = `exploration: ${noFailureText(exploration, spec)}. This result shows the default schedule: ${run.result.verdict.summary}`;
    run.result.exploration = exploration;
    return { result: run.result, trace: run.trace };
  }

  const specOf = (r: FailureRecord): Spec => (r.seed === spec.seed ? base : { ...base, seed: r.seed });
  const tokenOf = (r: FailureRecord) => encodeToken({ strategy: plan.strategy, seed: r.seed, scheduleIndex: r.index, spec: specOf(r), schedule: r.schedule });
  exploration.firstFailure = { schedule: f.index, outcome: f.outcome, seed: f.seed, preemptions: f.preemptions, steps: stepsToFailure(specOf(f), f.schedule, f.outcome, f.steps).steps, token: tokenOf(f) };
  exploration.firstFailures = Object.fromEntries(Object.values(m.firstByOutcome).map((r) => [r.outcome, { schedule: r.index, token: tokenOf(r) }]));
  // One shrunk counterexample per failing outcome, most severe first; the result shows the
  // target's when it was found, else the most severe one's.
  const found = SEVERITY.filter((o) => m.firstByOutcome[o] !== undefined);
  const shown = target !== undefined && found.includes(target) ? target : found[0]!;
  let shownRun: ScheduledRun | null = null;
  for (const outcome of found) {
    const { c, run } = counterexampleOf(specOf, m.firstByOutcome[outcome]!, budget);
    exploration.counterexamples[outcome] = c;
    exploration.minimiseRuns += c.minimiseRuns;
    if (outcome === shown) shownRun = run;
  }
  const c = exploration.counterexamples[shown]!;
  const run = shownRun!;
  exploration.minimalPreemptions = c.preemptions;
  exploration.minimalPreemptionsProven = c.preemptionsProven;
  exploration.shrunk = { ...c, trace: { ...run.result.trace } };
  run.result.verdict.summary = `exploration: ${failureText(exploration, spec)}. ${counterexamplesText(exploration, c)}: ${run.result.verdict.summary}`;
  run.result.exploration = exploration;
  return { result: run.result, trace: run.trace };
}
