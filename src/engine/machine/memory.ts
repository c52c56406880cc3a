// Address spaces and the bytes behind them. A System V segment is one Uint8Array shared by
// every process that attaches it (real bytes: the mutex_t and the counter); per-process
// private memory (thread structures, schedctl pages) has its own arrays, so the same
// virtual address in two processes can hold different data, or be unmapped in one of them.
import type { Mapping as MappingReport } from '../result.js';

export const PAGE = 4096;

export function hex(n: number): string { return '0x' + n.toString(16); }

/** Memory a mapping is backed by (little-endian, x86). */
export class Backing {
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  constructor(size: number) { this.u8 = new Uint8Array(size); this.u32 = new Uint32Array(this.u8.buffer); }
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
  /** Bytes behind the mapping; null = mapped but reads as zero and ignores nothing we model. */
  backing: Backing | null;
  segment?: Segment;
}

export class AddressSpace {
  readonly mappings: MappingEntry[] = [];

  map(m: MappingEntry): MappingEntry {
    this.mappings.push(m);
    this.mappings.sort((a, b) => a.start - b.start);
    return m;
  }

  find(va: number): MappingEntry | undefined {
    for (const m of this.mappings) if (va >= m.start && va < m.end) return m;
    return undefined;
  }

  /** First fit, searching downward from `below`, for `size` bytes (how shmat picks an address). */
  firstFitBelow(below: number, size: number): number {
    let top = below;
    const sorted = [...this.mappings].sort((a, b) => b.start - a.start);
    for (const m of sorted) {
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
