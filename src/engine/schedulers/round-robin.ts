// Round-robin with a fixed quantum: the head of the run queue runs next when the current
// thread's slice expires or it blocks. No randomness; useful as a baseline and in tests.
import type { SchedulePoint, Scheduler } from './scheduler.js';

export class RoundRobinScheduler implements Scheduler {
  readonly name = 'round-robin';
  constructor(private readonly slice = 100) {}
  start(): void {}
  step(p: SchedulePoint): number {
    if (p.currentRunnable && (!p.sliceExpired || p.readyCount === 0)) return p.current;
    return p.readyCount > 0 ? p.ready[0]! : p.current;
  }
  quantum(): number { return this.slice; }
}
