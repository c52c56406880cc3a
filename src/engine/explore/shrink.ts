// Shrinking a failing schedule: fewest preemptions first, then fewest steps (then fewest
// recorded choices, for a shorter token). Candidates are edits of the deviation list: drop a
// choice, or take it earlier. Each candidate is replayed leniently (a choice that no longer
// applies is skipped) and recorded, so what is kept is always a schedule the machine really
// ran. Greedy and budgeted in runs, hence deterministic: the same failure shrinks the same way.
import { execute } from '../sim.js';
import { SimRig } from '../rig.js';
import { outcomeOf } from '../verdict.js';
import { ReplayScheduler, type Schedule } from '../schedulers/replay.js';
import { DfsScheduler } from '../schedulers/dfs.js';
import type { Outcome } from '../outcome.js';
import type { Spec } from '../spec.js';
import { RecordingScheduler } from './recorder.js';

export interface Candidate { outcome: Outcome; schedule: Schedule; preemptions: number; steps: number }

/** Replay `schedule` leniently and record what actually ran (on `rig`, a machine kept for `spec`, when given). */
export function evaluate(spec: Spec, schedule: Schedule, rig?: SimRig): Candidate {
  const rec = new RecordingScheduler(new ReplayScheduler(schedule, true));
  const exec = rig ? rig.execute(spec.seed, rec) : execute(spec, { scheduler: rec });
  return { outcome: outcomeOf(exec), schedule: rec.schedule(), preemptions: rec.preemptions, steps: exec.machine.steps };
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.preemptions !== b.preemptions) return a.preemptions < b.preemptions;
  if (a.steps !== b.steps) return a.steps < b.steps;
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

export function shrink(spec: Spec, failing: Candidate, budget: number, rig: SimRig = new SimRig(spec)): ShrinkResult {
  let best = failing;
  let runs = 0;
  const threads = spec.processes.reduce((n, p) => n + p.threads, 0);
  for (let improved = true; improved && runs < budget;) {
    improved = false;
    const n = best.schedule.deviations.length / 2;
    outer: for (let k = n - 1; k >= 0; k--) {
      for (const cand of edits(best.schedule, k, threads)) {
        if (runs >= budget) break outer;
        runs++;
        const c = evaluate(spec, cand, rig);
        if (c.outcome === failing.outcome && better(c, best)) { best = c; improved = true; break outer; }
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
    if (outcomeOf(exec) === target) return { found: { outcome: target, schedule: rec.schedule(), preemptions: rec.preemptions, steps: exec.machine.steps }, exhausted: false, runs };
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
  const rig = new SimRig(spec); // every run below is of this spec: one machine, reset between runs
  let { best, runs } = shrink(spec, failing, budget.shrinkRuns, rig);
  let proven = true;
  for (let bound = 0; bound < best.preemptions; bound++) {
    const s = searchBounded(spec, bound, failing.outcome, budget.boundRuns, rig);
    runs += s.runs;
    if (s.found) {
      const again = shrink(spec, s.found, budget.shrinkRuns, rig);
      runs += again.runs;
      if (better(again.best, best)) best = again.best;
      break;
    }
    if (!s.exhausted) proven = false;
  }
  return { best, minimalPreemptions: best.preemptions, proven, runs };
}
