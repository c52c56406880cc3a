// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
// ASPLOS 2010). Each thread gets a distinct random priority from d..d+n-1; d-1 change points
// are drawn uniformly from the k steps of a run; the highest-priority thread that can run
// always runs, and when the run reaches the i-th change point the running thread's priority
// drops to d-i, below every initial priority. A bug of depth d (d ordering constraints) is
// then found by one run with probability at least 1 / (n * k^(d-1)).
//
// k is the expected length of a run in steps; it must be fixed before the exploration (the
// explorer measures one run) so that schedule i depends on the seed and i alone.
import { Prng } from '../prng.js';
import type { RunShape, SchedulePoint, Scheduler } from './scheduler.js';

const NO_SLICE = 0x3fffffff;

export interface PctOptions { depth: number; steps: number }

export class PctScheduler implements Scheduler {
  readonly name = 'pct';
  private priority = new Float64Array(0);
  /** Change points as machine step counts, ascending. */
  private changeAt: number[] = [];
  private nextChange = 0;
  /** The thread that took the last step: a change point lowers the thread that was running. */
  private last = -1;

  constructor(private readonly seed: number, private readonly options: PctOptions) {}

  start(shape: RunShape): void {
    const prng = new Prng(this.seed);
    const n = shape.threads;
    const d = Math.max(1, this.options.depth);
    // Random permutation of priorities d .. d+n-1 (Fisher-Yates).
    const prios = Array.from({ length: n }, (_, i) => d + i);
    for (let i = n - 1; i > 0; i--) { const j = prng.below(i + 1); const x = prios[i]!; prios[i] = prios[j]!; prios[j] = x; }
    this.priority = Float64Array.from(prios);
    const k = Math.max(1, this.options.steps);
    this.changeAt = [];
    for (let i = 1; i < d; i++) this.changeAt.push(1 + prng.below(k));
    // The i-th change point (in draw order) lowers to d-i; keep that pairing after sorting.
    this.changeLevel = this.changeAt.map((_, i) => d - 1 - i);
    const order = this.changeAt.map((_, i) => i).sort((a, b) => this.changeAt[a]! - this.changeAt[b]! || a - b);
    this.changeAt = order.map((i) => this.changeAt[i]!);
    this.changeLevel = order.map((i) => this.changeLevel[i]!);
    this.nextChange = 0;
    this.last = -1;
  }

  private changeLevel: number[] = [];

  step(p: SchedulePoint): number {
    // Apply every change point the run has passed to the thread that was running.
    // (the thread that took the last step, on whichever CPU).
    while (this.nextChange < this.changeAt.length && p.steps >= this.changeAt[this.nextChange]!) {
      const victim = this.last;
      if (victim >= 0) this.priority[victim] = this.changeLevel[this.nextChange]!;
      this.nextChange++;
    }
    // PCT runs one thread at a time whatever the CPU count: the highest priority among the turn
    // CPU's thread, the threads of the other CPUs and the run queue takes the step.
    let best = p.currentRunnable ? p.current : -1;
    let bestPriority = best >= 0 ? this.priority[best]! : -Infinity;
    for (let i = 0; i < p.runningCount; i++) {
      const t = p.running[i]!;
      const pr = this.priority[t]!;
      if (pr > bestPriority) { best = t; bestPriority = pr; }
    }
    for (let i = 0; i < p.readyCount; i++) {
      const t = p.ready[i]!;
      const pr = this.priority[t]!;
      if (pr > bestPriority) { best = t; bestPriority = pr; }
    }
    this.last = best;
    return best;
  }

  quantum(): number { return NO_SLICE; }
}
