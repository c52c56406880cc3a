// The stored trace is capped at a number of events: beyond it the first half and the last half
// are kept (the start explains the set-up, the end the failure) and the middle is counted.
import type { TraceEvent } from '../engine/trace.js';

export class TraceCap {
  readonly head: TraceEvent[] = [];
  private readonly tail: TraceEvent[];
  private tailStart = 0;
  private tailCount = 0;
  total = 0;

  constructor(private readonly maxEvents: number) {
    this.tail = new Array(Math.floor(maxEvents / 2));
  }

  push(e: TraceEvent): void {
    this.total++;
    if (this.head.length < this.maxEvents - this.tail.length) { this.head.push(e); return; }
    if (this.tail.length === 0) return;
    // ring buffer of the most recent events
    const slot = (this.tailStart + this.tailCount) % this.tail.length;
    this.tail[slot] = e;
    if (this.tailCount < this.tail.length) this.tailCount++;
    else this.tailStart = (this.tailStart + 1) % this.tail.length;
  }

  get truncated(): boolean { return this.total > this.head.length + this.tailCount; }
  get stored(): number { return this.head.length + this.tailCount; }

  /** The kept events in order. */
  *events(): Generator<TraceEvent> {
    yield* this.head;
    for (let i = 0; i < this.tailCount; i++) yield this.tail[(this.tailStart + i) % this.tail.length]!;
  }
}
