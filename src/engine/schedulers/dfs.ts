// Exhaustive, stateless depth-first search over schedules with a preemption bound (the
// iterative context bounding of CHESS): most concurrency bugs need at most two preempting
// switches, and bounding them makes the space finite and small enough to cover.
//
// Stateless: nothing of a run is kept but the path of choices. Each run replays the path's
// prefix, then takes the default (option 0) at every new point. After the run, `advance()`
// moves to the next path: the deepest point that still has an untried option within the
// bound gets its next option and everything below it is forgotten. When no such point is
// left, the bounded space is exhausted and every leaf was run exactly once.
//
// Options at a point, in order: option 0 is the default (keep the current thread, or the head
// of the run queue when the current one cannot run); then, when the turn CPU's thread can run,
// the threads of the other CPUs (CPU order) and the ready threads (run-queue order); when it
// cannot, the other ready threads and then the threads of the other CPUs. A preemption is
// what scheduler.ts isPreemption says: a switch away from a thread that could continue, or a
// CPU stepping out of turn (on several CPUs every such phase shift costs one of the bound).
import type { SchedulePoint, Scheduler } from './scheduler.js';

const NO_SLICE = 0x3fffffff;

export class DfsScheduler implements Scheduler {
  readonly name = 'dfs';
  /** Per depth: option taken, options available, preemptions used before this point, first preempting option. */
  private chosen = new Int32Array(1024);
  private options = new Int32Array(1024);
  private preemptedBefore = new Int32Array(1024);
  private freeBelow = new Int32Array(1024);
  /** Depth of the path fixed for the next run (points below it take option 0). */
  private prefix = 0;
  private depth = 0;
  private preemptions = 0;
  private done = false;

  constructor(readonly maxPreemptions: number) {}

  start(): void { this.depth = 0; this.preemptions = 0; }

  step(p: SchedulePoint): number {
    // Before a step of pure work the search does not branch: a switch there reaches the same
    // interleavings of shared accesses as a switch before the thread's next visible step
    // (partial-order reduction; only the timing of timed sleeps can differ).
    if (p.currentRunnable && p.local) return p.current;
    const d = this.depth++;
    if (d === this.chosen.length) this.grow();
    const runnable = p.currentRunnable;
    const rc = p.readyCount, oc = p.runningCount;
    const count = (runnable ? 1 : 0) + oc + rc;
    const option = d < this.prefix ? this.chosen[d]! : 0;
    this.chosen[d] = option;
    this.options[d] = count;
    this.preemptedBefore[d] = this.preemptions;
    // Options from `free` on are preemptions; below it, they are choices at a blocking point.
    const free = runnable ? 1 : rc;
    this.freeBelow[d] = free;
    if (option >= free) this.preemptions++;
    if (option >= count) throw new Error(`dfs: the path asks for option ${option} of ${count} at depth ${d}: the run is not deterministic`);
    if (runnable) return option === 0 ? p.current : option <= oc ? p.running[option - 1]! : p.ready[option - 1 - oc]!;
    return option < rc ? p.ready[option]! : p.running[option - rc]!;
  }

  quantum(): number { return NO_SLICE; }

  /** Decision points of the last run. */
  get points(): number { return this.depth; }

  /** Move to the next unexplored path; false when the bounded space is exhausted. */
  advance(): boolean {
    for (let d = this.depth - 1; d >= 0; d--) {
      const next = this.chosen[d]! + 1;
      if (next >= this.options[d]!) continue;
      if (next >= this.freeBelow[d]! && this.preemptedBefore[d]! + 1 > this.maxPreemptions) continue;
      this.chosen[d] = next;
      this.prefix = d + 1;
      return true;
    }
    this.done = true;
    return false;
  }

  get exhausted(): boolean { return this.done; }

  private grow(): void {
    const n = this.chosen.length * 2;
    const g = <T extends Int32Array | Uint8Array>(a: T, b: T): T => { b.set(a); return b; };
    this.chosen = g(this.chosen, new Int32Array(n));
    this.options = g(this.options, new Int32Array(n));
    this.preemptedBefore = g(this.preemptedBefore, new Int32Array(n));
    this.freeBelow = g(this.freeBelow, new Int32Array(n));
  }
}
