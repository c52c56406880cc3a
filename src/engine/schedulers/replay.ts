// Replay: follows a recorded schedule. A schedule is stored as its deviations from the
// default policy (keep the current thread while it can run, otherwise take the head of the
// run queue), so a run with two preemptions is a handful of numbers however long it is.
// A recorded choice that is not possible at its point (the spec or the engine changed) is a
// divergence: the scheduler falls back to the default, notes the first divergence, and the
// caller reports it as an error value. `lenient` mode (used by shrinking) skips such choices
// silently: a shrinking candidate is allowed to drop deviations that no longer apply.
import type { SchedulePoint, Scheduler } from './scheduler.js';

/** A schedule as data: decision points taken, and where (and to whom) it left the default. */
export interface Schedule {
  /** Number of decision points (calls to step) of the recorded run. */
  decisions: number;
  /** Flat pairs [decisionIndex, thread, decisionIndex, thread, ...], indices ascending. */
  deviations: number[];
}

export interface Divergence { at: number; reason: string }

/** The default policy every schedule is written against: lockstep CPUs, no preemption. */
export function defaultChoice(p: SchedulePoint): number {
  return p.currentRunnable ? p.current : p.ready[0]!;
}

/** Whether `thread` may run at this point. */
export function canRun(p: SchedulePoint, thread: number): boolean {
  if (p.currentRunnable && thread === p.current) return true;
  for (let i = 0; i < p.runningCount; i++) if (p.running[i] === thread) return true;
  for (let i = 0; i < p.readyCount; i++) if (p.ready[i] === thread) return true;
  return false;
}

/** The quantum replay hands out: never consulted for choices, kept large so nothing expires. */
const REPLAY_QUANTUM = 0x3fffffff;

export class ReplayScheduler implements Scheduler {
  readonly name = 'replay';
  private index = 0;
  private next = 0;
  private first: Divergence | null = null;

  constructor(private readonly schedule: Schedule, private readonly lenient = false) {}

  start(): void { this.index = 0; this.next = 0; this.first = null; }

  step(p: SchedulePoint): number {
    const i = this.index++;
    const devs = this.schedule.deviations;
    if (this.next < devs.length && devs[this.next] === i) {
      const thread = devs[this.next + 1]!;
      this.next += 2;
      if (canRun(p, thread)) return thread;
      this.diverge(i, `decision ${i}: the schedule runs thread ${thread}, which cannot run there`);
    }
    if (i >= this.schedule.decisions) this.diverge(i, `the run has more decision points than the ${this.schedule.decisions} recorded`);
    return defaultChoice(p);
  }

  quantum(): number { return REPLAY_QUANTUM; }

  /** After the run: the first divergence, if the run did not follow the schedule exactly. */
  divergence(): Divergence | null {
    if (this.first || this.lenient) return this.first;
    if (this.index < this.schedule.decisions) return { at: this.index, reason: `the run ended after ${this.index} decision points, the schedule recorded ${this.schedule.decisions}` };
    if (this.next < this.schedule.deviations.length) return { at: this.index, reason: `${(this.schedule.deviations.length - this.next) / 2} recorded choices were never reached` };
    return null;
  }

  private diverge(at: number, reason: string): void {
    if (!this.lenient && this.first === null) this.first = { at, reason };
  }
}
