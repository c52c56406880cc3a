// Wraps any scheduler and writes down the schedule it produces as data: the decision points,
// the deviations from the default policy (see schedulers/replay.ts) and the preemptions. Kept
// out of the strategies so that each of them stays a pure choice function, and so the hot
// path of a large exploration can run without it (a failing schedule is re-run to record it).
import { defaultChoice, type Schedule } from '../schedulers/replay.js';
import { isPreemption, type RunShape, type SchedulePoint, type Scheduler } from '../schedulers/scheduler.js';

export class RecordingScheduler implements Scheduler {
  readonly name: string;
  private deviations: number[] = [];
  private decisions = 0;
  preemptions = 0;
  /** Flat triples [virtual time, preempted thread, thread run instead] of every preemption. */
  preemptionPoints: number[] = [];

  constructor(readonly inner: Scheduler) { this.name = inner.name; }

  start(shape: RunShape): void {
    this.deviations = [];
    this.decisions = 0;
    this.preemptions = 0;
    this.preemptionPoints = [];
    this.inner.start(shape);
  }

  step(p: SchedulePoint): number {
    const usual = defaultChoice(p);
    const choice = this.inner.step(p);
    if (choice !== usual) this.deviations.push(this.decisions, choice);
    // The preempted thread of a CPU stepping out of turn is the turn CPU's (or, idle, the one it would have run).
    if (isPreemption(p, choice)) { this.preemptions++; this.preemptionPoints.push(p.now, usual, choice); }
    this.decisions++;
    return choice;
  }

  quantum(thread: number, cpu: number): number { return this.inner.quantum(thread, cpu); }

  schedule(): Schedule { return { decisions: this.decisions, deviations: this.deviations.slice() }; }
}
