// The stored trace is capped at a number of events: beyond it the first half and the last half
// are kept (the start explains the set-up, the end the failure) and the middle is counted.
import type { TraceEvent } from '../engine/trace.js';

export class TraceCap {
  readonly head: TraceEvent[] = [];
  /** Ring buffer of the most recent events, made only once the head is full (most runs never fill it). */
  private tail: TraceEvent[] | null = null;
  private readonly tailSize: number;
  private readonly headSize: number;
  private tailStart = 0;
  private tailCount = 0;
  total = 0;

  constructor(maxEvents: number) {
    this.tailSize = Math.floor(maxEvents / 2);
    this.headSize = maxEvents - this.tailSize;
  }

  push(e: TraceEvent): void {
    this.total++;
    if (this.head.length < this.headSize) { this.head.push(e); return; }
    if (this.tailSize === 0) return;
    const tail = this.tail ??= [];
    if (this.tailCount < this.tailSize) { tail.push(e); this.tailCount++; return; }
    tail[this.tailStart] = e;
    this.tailStart = (this.tailStart + 1) % this.tailSize;
  }

  get truncated(): boolean { return this.total > this.head.length + this.tailCount; }
  get stored(): number { return this.head.length + this.tailCount; }

  /** The kept events in order. */
  *events(): Generator<TraceEvent> {
    yield* this.head;
    for (let i = 0; i < this.tailCount; i++) yield this.tail![(this.tailStart + i) % this.tailSize]!;
  }
}
