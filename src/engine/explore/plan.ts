// What an exploration will run, fixed before the first schedule so that schedule i depends on
// the spec, the seed and i alone: that is what lets chunks run anywhere and merge exactly.
import { execute } from '../sim.js';
import { ReplayScheduler } from '../schedulers/replay.js';
import { RandomScheduler } from '../schedulers/random.js';
import { PctScheduler } from '../schedulers/pct.js';
import type { Scheduler } from '../schedulers/scheduler.js';
import type { Spec, Strategy } from '../spec.js';

export interface ExplorePlan {
  strategy: Strategy;
  /** Schedules to run (explore.schedules). */
  schedules: number;
  depth: number;
  maxPreemptions: number;
  /** pct: k, the length in steps of a run under the default policy (measured once). */
  pctSteps: number;
  threads: number;
}

/** The default policy as a scheduler: keep the current thread, else the head of the run queue. */
export function defaultScheduler(): Scheduler { return new ReplayScheduler({ decisions: 0, deviations: [] }, true); }

export function planExploration(spec: Spec): ExplorePlan {
  const e = spec.explore;
  if (!e) throw new Error('planExploration: the spec has no explore block');
  const threads = spec.processes.reduce((n, p) => n + p.threads, 0);
  const pctSteps = e.strategy === 'pct' ? execute(spec, { scheduler: defaultScheduler() }).machine.steps : 0;
  return { strategy: e.strategy, schedules: e.schedules, depth: e.depth, maxPreemptions: e.maxPreemptions, pctSteps, threads };
}

/** Seed of schedule i: schedule 0 is the spec's own run; the others are well mixed (splitmix32 finaliser). */
export function scheduleSeed(seed: number, i: number): number {
  if (i === 0) return seed >>> 0;
  let z = (seed ^ Math.imul(i, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Spec and scheduler of schedule i of a random or pct exploration. */
export function scheduleOf(spec: Spec, plan: ExplorePlan, i: number): { spec: Spec; scheduler: Scheduler } {
  const seed = scheduleSeed(spec.seed, i);
  return { spec: seed === spec.seed ? spec : { ...spec, seed }, scheduler: schedulerFor(plan, seed) };
}

/** The scheduler of a random or pct schedule whose seed is `seed` (see scheduleSeed). */
export function schedulerFor(plan: ExplorePlan, seed: number): Scheduler {
  if (plan.strategy === 'pct') return new PctScheduler(seed, { depth: plan.depth, steps: plan.pctSteps });
  if (plan.strategy === 'random') return new RandomScheduler(seed);
  throw new Error(`scheduleOf: ${plan.strategy} schedules are not addressed by index`);
}
