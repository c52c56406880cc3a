// Seeded random scheduling: each thread put on a CPU gets a random time slice; when it
// expires (or the thread blocks) the next thread is drawn uniformly from the candidates.
// Between slice ends the current thread keeps the CPU, as a real time-sharing kernel does.
import { Prng } from '../prng.js';
import type { RunShape, SchedulePoint, Scheduler } from './scheduler.js';

export interface RandomOptions { minSlice?: number; maxSlice?: number }

export class RandomScheduler implements Scheduler {
  readonly name = 'random';
  private readonly prng: Prng;
  private readonly minSlice: number;
  private readonly maxSlice: number;

  constructor(seed: number, options: RandomOptions = {}) {
    this.prng = new Prng(seed);
    this.minSlice = options.minSlice ?? 20;
    this.maxSlice = options.maxSlice ?? 400;
  }

  start(shape: RunShape): void { this.prng.reseed(shape.seed); }

  step(p: SchedulePoint): number {
    if (p.currentRunnable && !p.sliceExpired) return p.current;
    const n = p.readyCount + (p.currentRunnable ? 1 : 0);
    const i = this.prng.below(n);
    return i < p.readyCount ? p.ready[i]! : p.current;
  }

  quantum(): number { return this.prng.between(this.minSlice, this.maxSlice); }
}
