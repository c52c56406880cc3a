// Address spaces and the bytes behind them. A System V segment is one Uint8Array shared by
// every process that attaches it (real bytes: the mutex_t and the counter); per-process
// private memory (thread structures, schedctl pages) has its own arrays, so the same
// virtual address in two processes can hold different data, or be unmapped in one of them.
import type { Mapping as MappingReport } from '../result.js';

export const PAGE = 4096;

export function hex(n: number): string { return '0x' + n.toString(16); }

/** Memory a mapping is backed by (little-endian, x86); size is a multiple of 8. */
export class Backing {
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  constructor(size: number, buffer?: ArrayBuffer, byteOffset = 0) {
    this.u8 = new Uint8Array(buffer ?? new ArrayBuffer(size), byteOffset, size);
    this.u32 = new Uint32Array(this.u8.buffer, byteOffset, size >>> 2);
  }
}

/**
 * All the bytes of one run in one ArrayBuffer (a run is set up thousands of times a second
 * in an exploration: one allocation instead of one per mapping). Falls back to fresh
 * buffers when the estimate was short.
 */
export class Arena {
  private used = 0;
  private readonly buffer: ArrayBuffer;
  private readonly bytes: Uint8Array;
  /** Some backing did not fit and got its own buffer (then snapshot() does not cover it). */
  spilled = false;
  constructor(bytes: number) { this.buffer = new ArrayBuffer(bytes); this.bytes = new Uint8Array(this.buffer); }
  take(size: number): Backing {
    const n = Math.ceil(size / 8) * 8;
    if (this.used + n > this.bytes.length) { this.spilled = true; return new Backing(n); }
    const b = new Backing(n, this.buffer, this.used);
    this.used += n;
    return b;
  }

  /** A copy of every byte handed out so far (a machine's memory right after set-up). */
  snapshot(): Uint8Array { return this.bytes.slice(0, this.used); }

  /** Put back the bytes of a snapshot(); the Backings keep pointing at the same memory. */
  restore(image: Uint8Array): void { this.bytes.set(image); }
}

export interface Segment {
  shmid: number;
  key: string;
  size: number;
  backing: Backing;
  creatorPid: number;
  attached: number[];
}

export interface MappingEntry {
  start: number;
  end: number;
  kind: MappingReport['kind'];
  name?: string;
  /** Bytes behind the mapping; null = mapped but holds nothing we model (reads as zero). */
  backing: Backing | null;
  /** Address of the backing's first byte (default: start); addresses outside the backing read as zero. */
  base?: number;
  segment?: Segment;
}

export class AddressSpace {
  readonly mappings: MappingEntry[] = [];

  /** Add a mapping, keeping them sorted by address. */
  map(m: MappingEntry): MappingEntry {
    const ms = this.mappings;
    let i = ms.length;
    while (i > 0 && ms[i - 1]!.start > m.start) i--;
    ms.splice(i, 0, m);
    return m;
  }

  find(va: number): MappingEntry | undefined {
    for (const m of this.mappings) if (va >= m.start && va < m.end) return m;
    return undefined;
  }

  /** First fit, searching downward from `below`, for `size` bytes (how shmat picks an address). */
  firstFitBelow(below: number, size: number): number {
    let top = below;
    for (let i = this.mappings.length - 1; i >= 0; i--) {
      const m = this.mappings[i]!;
      if (m.start >= top) continue;
      if (m.end <= top - size) return top - size;
      top = Math.min(top, m.start);
    }
    return top - size;
  }

  report(): MappingReport[] {
    return this.mappings.map((m) => {
      const r: MappingReport = { start: hex(m.start), end: hex(m.end), kind: m.kind };
      if (m.name) r.name = m.name;
      if (m.segment) { r.key = m.segment.key; r.shmid = m.segment.shmid; }
      return r;
    });
  }
}
