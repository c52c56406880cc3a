// CPU stalls: the moments a real CPU stops running the thread it holds, for an interrupt, a
// kernel thread, or (on a virtual machine) the host descheduling the vCPU. A thread stalled
// inside its critical section keeps the mutex for microseconds; that is what lets a waiter's
// FUTEX_WAIT find the lock still held after the system call's entry, and so what makes lost
// wake-ups happen at all between two processes on two CPUs. A model without stalls never loses
// one there (seen when the model was compared with native musl runs).
//
// The figures are measured, not fitted: `npm run bench:stalls` under SCHED_RR (chrt -r 1, as
// the native probe runs) on this project's 2-vCPU host, three runs at load 0.7-1.0: 740 to 2170
// stalls of more than 1 us per second per CPU (about 1000), lengths p10 1.2-2.0 us, p25 1.7-3.0,
// p50 2.8-16, p75 13-49, p90 43-64, p99 84-254 us. (The longest, 42-54 ms once a second, is the
// kernel throttling real-time tasks to 95% of the CPU; it is left out: a run of the probe ends
// well within the other 950 ms.) A platform's kernel names its model (PlatformDefinition.stalls);
// the Solaris and illumos models have none: there are no figures for their hardware.
import { STEP_NS } from './syscall-cost.js';
import type { Prng } from '../prng.js';
import { drawSteps, type QuantilesNs } from './quantiles.js';

export interface StallModel {
  /** Where the figures come from, for the README and the trace. */
  readonly source: string;
  /** Stalls per second of CPU time, on each CPU. */
  readonly perSecond: number;
  /** Stall length quantiles, [cumulative probability, ns], increasing, from 0 to 1. */
  readonly quantilesNs: QuantilesNs;
}

/** This host's stalls (bench:stalls, see above): rounded middles of the three runs. */
export const HOST_STALLS: StallModel = {
  source: 'bench:stalls on the 2-vCPU host under SCHED_RR',
  perSecond: 1000,
  quantilesNs: [[0, 1000], [0.1, 1700], [0.25, 2200], [0.5, 8000], [0.75, 40_000], [0.9, 55_000], [0.99, 100_000], [1, 250_000]],
};

/** Mean steps between two stalls of one CPU. */
export function meanGapSteps(model: StallModel): number { return 1e9 / model.perSecond / STEP_NS; }

/** Steps until the next stall: exponentially distributed (stalls arrive independently). */
export function nextGap(model: StallModel, prng: Prng): number {
  const u = (prng.next() + 1) / 4294967297; // (0, 1)
  return Math.max(1, Math.round(-Math.log(u) * meanGapSteps(model)));
}

/** A stall's length in steps, drawn from the quantiles (log-linear between them). */
export function stallLength(model: StallModel, prng: Prng): number {
  return drawSteps(model.quantilesNs, prng);
}
