// Drawing a duration from measured quantiles: the CPU stalls (stalls.ts) and the system calls
// whose time varies (syscall-cost.ts) are both given as [cumulative probability, ns] tables.
import { STEP_NS } from './syscall-cost.js';
import type { Prng } from '../prng.js';

/** [cumulative probability, ns], increasing, from 0 to 1. */
export type QuantilesNs = readonly (readonly [number, number])[];

/** A duration in steps drawn from the quantiles (log-linear between them), at least 1. */
export function drawSteps(q: QuantilesNs, prng: Prng): number {
  const u = prng.next() / 4294967296;
  let i = 1;
  while (i < q.length - 1 && q[i]![0] < u) i++;
  const [p0, n0] = q[i - 1]!, [p1, n1] = q[i]!;
  const f = p1 > p0 ? (u - p0) / (p1 - p0) : 0;
  const ns = Math.exp(Math.log(n0) + f * (Math.log(n1) - Math.log(n0)));
  return Math.max(1, Math.round(ns / STEP_NS));
}
