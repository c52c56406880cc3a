// Fixed-size time bins that coarsen as the trace grows, so a picture of any trace length is
// built in one pass with bounded memory: when an event falls past the last bin, every pair of
// bins is merged and the bin width doubles. Each bin accumulates how long each state lasted
// in it (coverage) and how many marks (switches, watchpoint hits) fell into it.

export const BIN_COUNT = 4096;

export class TimeBins {
  /** Time units per bin; starts at one tick and doubles. */
  width = 1;
  /** Latest time covered so far, relative to origin. */
  end = 0;
  private readonly coverage: Float64Array[];
  private readonly marks: Uint32Array[];

  constructor(readonly origin: number, readonly states: number, readonly markKinds: number) {
    this.coverage = Array.from({ length: states }, () => new Float64Array(BIN_COUNT));
    this.marks = Array.from({ length: markKinds }, () => new Uint32Array(BIN_COUNT));
  }

  /** Makes sure time t (absolute) falls inside the bins, coarsening as needed. */
  reach(t: number): void {
    const rel = t - this.origin;
    while (rel >= this.width * BIN_COUNT) this.coarsen();
    if (rel > this.end) this.end = rel;
  }

  addSpan(state: number, from: number, to: number): void {
    this.reach(to);
    let a = Math.max(0, from - this.origin);
    const b = to - this.origin;
    while (a < b) {
      const bin = Math.min(BIN_COUNT - 1, Math.floor(a / this.width));
      const binEnd = (bin + 1) * this.width;
      const step = Math.min(b, binEnd) - a;
      this.coverage[state]![bin]! += step;
      a += step;
      if (step <= 0) break;
    }
  }

  addMark(kind: number, t: number): void {
    this.reach(t);
    const bin = Math.min(BIN_COUNT - 1, Math.floor((t - this.origin) / this.width));
    this.marks[kind]![bin]! += 1;
  }

  /** Bins in use: enough to cover up to `end`. */
  get used(): number { return Math.min(BIN_COUNT, Math.floor(this.end / this.width) + 1); }

  /** Brings the width up to another set of bins' width (lanes coarsen independently). */
  alignTo(width: number): void { while (this.width < width) this.coarsen(); }

  coverageOf(state: number, bin: number): number { return this.coverage[state]![bin]!; }
  marksOf(kind: number, bin: number): number { return this.marks[kind]![bin]!; }

  /** Whether any bin holds a mark of this kind. */
  hasMark(kind: number): boolean { return this.marks[kind]!.some((n) => n > 0); }

  private coarsen(): void {
    const merge = <T extends Float64Array | Uint32Array>(a: T) => {
      for (let i = 0; i < BIN_COUNT / 2; i++) a[i] = a[2 * i]! + a[2 * i + 1]!;
      a.fill(0, BIN_COUNT / 2);
    };
    this.coverage.forEach(merge);
    this.marks.forEach(merge);
    this.width *= 2;
  }
}

/**
 * The latest value of a word per bin (e.g. mutex_owner), coarsened in step with a TimeBins
 * of the same origin: a merged bin keeps the later value and the sum of the changes.
 */
export class ValueBins {
  width = 1;
  private readonly last: (string | undefined)[] = new Array(BIN_COUNT).fill(undefined);
  private readonly changes = new Uint32Array(BIN_COUNT);

  constructor(readonly origin: number) {}

  set(t: number, value: string): void {
    const rel = t - this.origin;
    while (rel >= this.width * BIN_COUNT) this.coarsen();
    const bin = Math.max(0, Math.floor(rel / this.width));
    this.last[bin] = value;
    this.changes[bin]! += 1;
  }

  /** Brings the width up to the given bins' width (they may have coarsened without us). */
  alignTo(width: number): void { while (this.width < width) this.coarsen(); }

  valueAt(bin: number): string | undefined { return this.last[bin]; }
  changesAt(bin: number): number { return this.changes[bin]!; }

  private coarsen(): void {
    for (let i = 0; i < BIN_COUNT / 2; i++) {
      this.last[i] = this.last[2 * i + 1] ?? this.last[2 * i];
      this.changes[i] = this.changes[2 * i]! + this.changes[2 * i + 1]!;
    }
    this.last.fill(undefined, BIN_COUNT / 2);
    this.changes.fill(0, BIN_COUNT / 2);
    this.width *= 2;
  }
}
