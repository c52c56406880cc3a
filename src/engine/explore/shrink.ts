// Shrinking a failing schedule: fewest preemptions first, then the earliest failure (not the
// shortest run: what happens after a crash is not part of the counterexample), then fewest
// recorded choices (a shorter token).
// Candidates are edits of the deviation list: drop a choice, give it to another thread, or take
// it earlier. Each candidate is replayed leniently (a choice that no longer applies is skipped)
// and recorded, so what is kept is always a schedule the machine really ran. Greedy and budgeted
// in runs (every run counts, the short ones that locate a failure too), hence deterministic:
// the same failure shrinks the same way.
import { execute } from '../sim.js';
import { SimRig } from '../rig.js';
import { outcomeOf } from '../verdict.js';
import { ReplayScheduler, type Schedule } from '../schedulers/replay.js';
import { DfsScheduler } from '../schedulers/dfs.js';
import type { Outcome } from '../outcome.js';
import type { Spec } from '../spec.js';
import { RecordingScheduler } from './recorder.js';
import { failsWithin, failureMark, stepsToFailure } from './failure-point.js';

/**
 * A failing schedule. `mark` says how far into the run the failure lies: its virtual time when
 * the run's own state tells it (the fault as the core tool noted it, the recovery, the end of a
 * hang), else (a violation, whose moment only a trace shows) the steps up to it, once located
 * (`markKind` says which). Two marks are compared only when they are of one kind.
 */
export interface Candidate { outcome: Outcome; schedule: Schedule; preemptions: number; mark: number | null; markKind: 'time' | 'steps'; runSteps: number }

/** Replay `schedule` leniently and record what actually ran (on `rig`, a machine kept for `spec`, when given). */
export function evaluate(spec: Spec, schedule: Schedule, rig?: SimRig): Candidate {
  const rec = new RecordingScheduler(new ReplayScheduler(schedule, true));
  const exec = rig ? rig.execute(spec.seed, rec) : execute(spec, { scheduler: rec });
  const outcome = outcomeOf(exec);
  const mark = failureMark(exec, outcome);
  return { outcome, schedule: rec.schedule(), preemptions: rec.preemptions, mark, markKind: mark === null ? 'steps' : 'time', runSteps: exec.machine.steps };
}

/** A candidate with its mark set (a binary search of cut runs when the run did not tell it), and the runs that took. */
export function located(spec: Spec, c: Candidate, below = c.runSteps): { c: Candidate; runs: number } {
  if (c.mark !== null) return { c, runs: 0 };
  return inSteps(spec, c, below);
}

/** The candidate with its mark in steps up to the failure (kept as is when it is already). */
function inSteps(spec: Spec, c: Candidate, below = c.runSteps): { c: Candidate; runs: number } {
  if (c.mark !== null && c.markKind === 'steps') return { c, runs: 0 };
  const at = stepsToFailure(spec, c.schedule, c.outcome, c.runSteps, below);
  return { c: { ...c, mark: at.steps, markKind: 'steps' }, runs: at.runs };
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.preemptions !== b.preemptions) return a.preemptions < b.preemptions;
  // Marks of different kinds do not compare (shrink puts both in steps before it asks).
  if (a.markKind === b.markKind && a.mark !== b.mark) return (a.mark ?? Infinity) < (b.mark ?? Infinity);
  return a.schedule.deviations.length < b.schedule.deviations.length;
}

/** Edits of deviation k: drop it, give the choice to another thread, or take it earlier (eight spread positions and the one just before). */
function* edits(s: Schedule, k: number, threads: number): Generator<Schedule> {
  const devs = s.deviations;
  const without = devs.slice(0, 2 * k).concat(devs.slice(2 * k + 2));
  yield { decisions: s.decisions, deviations: without };
  for (let t = 0; t < threads; t++) {
    if (t === devs[2 * k + 1]) continue;
    const other = devs.slice();
    other[2 * k + 1] = t;
    yield { decisions: s.decisions, deviations: other };
  }
  const at = devs[2 * k]!;
  const floor = k === 0 ? 0 : devs[2 * k - 2]! + 1;
  const tried = new Set<number>();
  for (const to of [0, 1, 2, 3, 4, 5, 6, 7].map((i) => floor + Math.floor(((at - floor) * i) / 8)).concat(at - 1)) {
    if (to < floor || to >= at || tried.has(to)) continue;
    tried.add(to);
    const moved = devs.slice();
    moved[2 * k] = to;
    yield { decisions: s.decisions, deviations: moved };
  }
}

export interface ShrinkResult { best: Candidate; runs: number }

/** Shrink `failing` (whose mark must be set: see located). */
export function shrink(spec: Spec, failing: Candidate, budget: number, rig: SimRig = new SimRig(spec)): ShrinkResult {
  let best = failing;
  let runs = 0;
  // Is c, which fails the same way, better than best? Fewer preemptions decide at once. With as
  // many, compare marks when both are times the runs told; otherwise compare in steps: one run
  // cut just before best's failure says first whether locating c's is worth it.
  const improves = (c: Candidate): Candidate | null => {
    if (c.preemptions > best.preemptions) return null;
    if (c.preemptions < best.preemptions) { const l = located(spec, c); runs += l.runs; return l.c; }
    if (c.mark !== null && c.markKind === 'time' && best.markKind === 'time') return better(c, best) ? c : null;
    const b = inSteps(spec, best);
    runs += b.runs;
    best = b.c;
    const bestSteps = best.mark!;
    runs++;
    if (bestSteps <= 1 || !failsWithin(spec, c.schedule, c.outcome, bestSteps - 1, c.runSteps)) return null;
    const l = inSteps(spec, { ...c, mark: null }, bestSteps - 1);
    runs += l.runs;
    return l.c;
  };
  const threads = spec.processes.reduce((n, p) => n + p.threads, 0);
  for (let improved = true; improved && runs < budget;) {
    improved = false;
    const n = best.schedule.deviations.length / 2;
    outer: for (let k = n - 1; k >= 0; k--) {
      for (const cand of edits(best.schedule, k, threads)) {
        if (runs >= budget) break outer;
        runs++;
        const c = evaluate(spec, cand, rig);
        const kept = c.outcome === failing.outcome ? improves(c) : null;
        if (kept) { best = kept; improved = true; break outer; }
      }
    }
  }
  return { best, runs };
}

export interface BoundedSearch { found: Candidate | null; exhausted: boolean; runs: number }

/** Depth-first search with at most `bound` preemptions for a run ending in `target`. */
export function searchBounded(spec: Spec, bound: number, target: Outcome, cap: number, rig: SimRig = new SimRig(spec)): BoundedSearch {
  const dfs = new DfsScheduler(bound);
  const rec = new RecordingScheduler(dfs);
  for (let runs = 1; runs <= cap; runs++) {
    const exec = rig.execute(spec.seed, rec);
    if (outcomeOf(exec) === target) return { found: { outcome: target, schedule: rec.schedule(), preemptions: rec.preemptions, mark: null, markKind: 'steps', runSteps: exec.machine.steps }, exhausted: false, runs };
    if (!dfs.advance()) return { found: null, exhausted: true, runs };
  }
  return { found: null, exhausted: false, runs: cap };
}

export interface Minimised { best: Candidate; minimalPreemptions: number; proven: boolean; runs: number }

/**
 * The smallest counterexample this budget can find: shrink the failure, then ask iterative
 * preemption bounding whether fewer preemptions expose the same outcome (bounds 0, 1, ...
 * below the shrunk count); a hit is shrunk again. `proven` says every smaller bound was
 * searched to exhaustion, so no schedule with fewer preemptions fails this way.
 */
export function minimise(spec: Spec, failing: Candidate, budget: { shrinkRuns: number; boundRuns: number }): Minimised {
  const rig = new SimRig(spec); // every full-length run below is of this spec: one machine, reset between runs
  // Run the failure once more on the rig: its mark then comes in the unit the candidates' do.
  const start = located(spec, evaluate(spec, failing.schedule, rig));
  start.runs++;
  let { best, runs } = shrink(spec, start.c, budget.shrinkRuns, rig);
  runs += start.runs;
  // One budget for all the bounds together: a schedule from pct or random can carry thousands
  // of preemptions, and a budget per bound would then mean thousands of searches. A bound whose
  // space the budget cannot exhaust ends the search: every larger bound's space contains it.
  let proven = true;
  let boundLeft = budget.boundRuns;
  for (let bound = 0; bound < best.preemptions; bound++) {
    if (boundLeft <= 0) { proven = false; break; }
    const s = searchBounded(spec, bound, failing.outcome, boundLeft, rig);
    runs += s.runs;
    boundLeft -= s.runs;
    if (s.found) {
      const found = located(spec, evaluate(spec, s.found.schedule, rig));
      runs++;
      const again = shrink(spec, found.c, budget.shrinkRuns, rig);
      runs += found.runs + again.runs;
      if (better(again.best, best)) best = again.best;
      break;
    }
    if (!s.exhausted) { proven = false; break; }
  }
  return { best, minimalPreemptions: best.preemptions, proven, runs };
}
