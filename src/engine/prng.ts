// The engine's only source of randomness: a small seeded generator (splitmix32 mixing a
// 32-bit counter). Schedulers receive one; nothing in src/engine draws unseeded random numbers.
export class Prng {
  private state: number;
  constructor(seed: number) { this.state = seed >>> 0; }

  /** Start over from `seed` (as a new Prng(seed) would). */
  reseed(seed: number): void { this.state = seed >>> 0; }

  /** Next uniformly distributed unsigned 32-bit integer. */
  next(): number {
    let z = (this.state = (this.state + 0x9e3779b9) | 0);
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform integer in [0, n). */
  below(n: number): number { return n <= 1 ? 0 : Math.floor((this.next() / 4294967296) * n); }

  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number { return lo + this.below(hi - lo + 1); }
}
