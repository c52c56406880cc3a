// Seeded random scheduling, the way a time-sharing kernel on real CPUs behaves:
// - time slices: each thread put on a CPU gets a random slice (from the workload's timing, see
//   workload.ts timeSlice); when it expires, or the thread blocks, the next thread is drawn
//   uniformly from the candidates; between slice ends the current thread keeps its CPU;
// - CPUs drifting out of phase: with two or more busy CPUs, now and then (every `stallGap`
//   steps on average) the CPU whose turn it is stalls for 1..`maxStall` of its turns (a cache
//   miss, an interrupt, a TLB refill) while the others keep stepping. Lockstep CPUs would run
//   the same interleaving for every seed; real ones never stay in phase;
// - wake-up preemption: a thread woken from a sleep in the kernel (lwp_park, or a system call
//   made holding the mutex) takes the turn CPU from its running thread at once, as in Solaris's
//   time-sharing class, which raises the priority of a thread returning from a sleep (ts_slpret)
//   above that of threads that have been using the CPU. Under round-robin (Linux SCHED_RR, as
//   the native probe runs) there is no such preemption, and the next thread is the head of the
//   run queue, not a draw: SCHED_RR queues are FIFO.
import { Prng } from '../prng.js';
import { firstHomedOn, type RunShape, type SchedulePoint, type Scheduler } from './scheduler.js';

export interface RandomOptions { minSlice?: number; maxSlice?: number; stallGap?: number; maxStall?: number }

/** Mean steps between stalls, and the longest stall in turns (documented in the README). */
export const DRIFT = { stallGap: 24, maxStall: 8 } as const;

export class RandomScheduler implements Scheduler {
  readonly name = 'random';
  readonly leases = true;
  private readonly prng: Prng;
  private minSlice = 20;
  private maxSlice = 400;
  private readonly stallGap: number;
  private readonly maxStall: number;
  private untilStall = 0;
  private stallCpu = -1;
  private stallLeft = 0;
  private fifo = false;

  constructor(seed: number, private readonly options: RandomOptions = {}) {
    this.prng = new Prng(seed);
    this.stallGap = options.stallGap ?? DRIFT.stallGap;
    this.maxStall = options.maxStall ?? DRIFT.maxStall;
  }

  start(shape: RunShape): void {
    this.prng.reseed(shape.seed);
    this.minSlice = this.options.minSlice ?? shape.slice.min;
    this.maxSlice = this.options.maxSlice ?? shape.slice.max;
    this.stallLeft = 0;
    this.stallCpu = -1;
    this.fifo = shape.policy === 'round-robin';
    this.untilStall = shape.cpus > 1 ? this.prng.between(1, 2 * this.stallGap) : 0;
  }

  step(p: SchedulePoint): number {
    // Calls the machine took under the lease: each returned current after --untilStall, or
    // was a stalled turn (--stallLeft).
    this.untilStall -= p.skipped;
    this.stallLeft -= p.skippedYields;
    // Where no other CPU is busy it only keeps current until the slice ends or a thread wakes.
    p.keepAlone = true;
    const choice = this.choose(p);
    // A stall under way: the stalled CPU's next turns go to the other CPU, whatever they hold.
    if (this.stallLeft > 0) { p.yields = this.stallLeft; p.yieldCpu = this.stallCpu; }
    // Any other point with another CPU busy only counts the stall countdown down, and keeps
    // current (if it can go on, its slice lasts and nobody woke) until the next stall starts.
    if (this.untilStall > 1) p.keep = this.untilStall - 1;
    return choice;
  }

  private choose(p: SchedulePoint): number {
    const others = p.runningCount;
    if (others > 0) {
      if (this.stallLeft > 0 && p.cpu === this.stallCpu) {
        this.stallLeft--;
        return others === 1 ? p.running[0]! : p.running[this.prng.below(others)]!;
      }
      if (--this.untilStall <= 0) {
        this.untilStall = this.prng.between(1, 2 * this.stallGap);
        this.stallCpu = p.cpu;
        this.stallLeft = this.prng.between(1, this.maxStall) - 1;
        return others === 1 ? p.running[0]! : p.running[this.prng.below(others)]!;
      }
    }
    if (p.woken >= 0 && p.currentRunnable && !this.fifo) {
      for (let i = 0; i < p.readyCount; i++) if (p.ready[i] === p.woken) return p.woken;
    }
    if (p.currentRunnable && !p.sliceExpired) return p.current;
    const n = p.readyCount + (p.currentRunnable ? 1 : 0);
    if (n === 0) return p.running[this.prng.below(others)]!; // the turn CPU has nothing to run
    if (this.fifo) return p.readyCount > 0 ? headFor(p) : p.current; // current's slice ended: the head, and it goes to the tail
    const i = this.prng.below(n);
    return i < p.readyCount ? p.ready[i]! : p.current;
  }

  quantum(): number { return this.prng.between(this.minSlice, this.maxSlice); }
}

/** SCHED_RR's pick for the turn CPU: its own head (firstHomedOn), or it pulls the head of another's. */
function headFor(p: SchedulePoint): number {
  const own = firstHomedOn(p.ready, p.readyCount, p.home, p.cpu);
  return own >= 0 ? own : p.ready[0]!;
}
