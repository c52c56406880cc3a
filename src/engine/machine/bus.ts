// Memory accesses of simulated threads, in the address space of the thread's OWN process.
// Each call is one memory access (the step programs make one per step). Addresses are
// virtual; the attached System V segment is the fast path, private memory is looked up in
// the mappings. An unmapped address makes a load return -1 (FAULT) with faultAddress set:
// the caller then delivers SIGSEGV (expected outcomes are values, not exceptions).
// Stores into the segment are reported to the watch (the watchpoint tool) with whether the
// kernel made them; when a trace is on, every access is also a `read` / `write` event naming
// the field and the function. Atomic instructions (xchg, swap, cas, add) are counted, so a
// test can tell a plain load-and-store path from an atomic one.
import { OP, type TraceBuffer } from './trace-buffer.js';
import type { SimProcess, SimThread } from './process.js';
import type { Segment } from './memory.js';

export const FAULT = -1;
const TWO32 = 4294967296;

/**
 * Who is told about stores to the watched word. The bus calls it; the watchpoint tool
 * implements it (an interface here, so the bus does not import the tool that imports the machine).
 */
export interface StoreWatch {
  /** A store by thread t overlapping the watched word; `kernel` when the kernel made it on t's behalf. */
  store(bus: MemoryBus, t: SimThread, value: number, kernel: boolean): void;
}

export class MemoryBus {
  /** Virtual clock (ticks: every CPU executes one step per tick). */
  now = 0;
  /** Trace rows, or null when the run has no trace (then nothing is recorded). */
  tr: TraceBuffer | null = null;
  faultAddress = 0;
  /** Atomic instructions executed (xchg8, swap32, cas32, add32). */
  atomics = 0;
  /**
   * True while a step runs kernel code (lwp_mutex_timedlock, lwp_mutex_wakeup, robust-list
   * clean-up): procfs watchpoints do not fire on the kernel's own accesses (lwp_sobj.c turns
   * them off around them with watch_disable_addr, pr_mappage in the 2005 code).
   */
  kernel = false;
  // The watchpoint tool's word, as a segment and a byte range in it.
  watch: StoreWatch | null = null;
  watchSegment: Segment | null = null;
  watchLo = -1;
  watchHi = -1;

  /** Intern a field or function name for trace events (0 when the trace is off). */
  name(s: string): number { return this.tr ? this.tr.intern(s) : 0; }

  /** Aligned 32-bit word of private memory at va, FAULT when unmapped (0 where nothing is backed). */
  private privateLoad32(p: SimProcess, va: number): number {
    const m = p.space.find(va);
    if (!m) return FAULT;
    if (m.backing === null) return 0;
    const i = (va - (m.base ?? m.start)) >> 2;
    const u = m.backing.u32;
    return i >= 0 && i < u.length ? u[i]! : 0;
  }

  /** 32-bit load (aligned); `op` lets callers trace it as owner_read / deref (a 32-bit pointer). */
  load32(t: SimThread, va: number, field: number, fn: number, op: number = OP.read): number {
    const p = t.proc;
    const off = va - p.shmStart;
    let v: number;
    if (off >= 0 && off < p.shmSize) v = p.shm!.u32[off >>> 2]!;
    else {
      v = this.privateLoad32(p, va - (va & 3));
      if (v === FAULT) { this.faultAddress = va; if (this.tr !== null && op !== OP.read) this.tr.push(op, t.gtid, t.cpu, this.now, va, NaN, NaN, field, fn); return FAULT; }
    }
    if (this.tr !== null) this.tr.push(op, t.gtid, t.cpu, this.now, va, v, NaN, field, fn, op !== OP.read);
    return v;
  }

  /** 8-bit load. */
  load8(t: SimThread, va: number, field: number, fn: number): number {
    const p = t.proc;
    const off = va - p.shmStart;
    let v: number;
    if (off >= 0 && off < p.shmSize) v = p.shm!.u8[off]!;
    else {
      const w = this.privateLoad32(p, va - (va & 3));
      if (w === FAULT) { this.faultAddress = va; return FAULT; }
      v = (w >>> ((va & 3) * 8)) & 0xff;
    }
    if (this.tr !== null) this.tr.push(OP.read, t.gtid, t.cpu, this.now, va, v, NaN, field, fn);
    return v;
  }

  /** 64-bit load of a pointer (little-endian); `op` lets callers trace it as owner_read / deref. */
  load64(t: SimThread, va: number, field: number, fn: number, op: number = OP.read): number {
    const p = t.proc;
    const off = va - p.shmStart;
    let v: number;
    if (off >= 0 && off + 8 <= p.shmSize) { const u = p.shm!.u32; v = u[off >>> 2]! + u[(off >>> 2) + 1]! * TWO32; }
    else {
      const lo = this.privateLoad32(p, va);
      if (lo === FAULT) { this.faultAddress = va; if (this.tr !== null) this.tr.push(op, t.gtid, t.cpu, this.now, va, NaN, NaN, field, fn); return FAULT; }
      v = lo + this.privateLoad32(p, va + 4) * TWO32;
    }
    if (this.tr !== null) this.tr.push(op, t.gtid, t.cpu, this.now, va, v, NaN, field, fn, true);
    return v;
  }

  private watched(t: SimThread, off: number, size: number, value: number): void {
    if (t.proc.segment === this.watchSegment && off < this.watchHi && off + size > this.watchLo) this.watch!.store(this, t, value, this.kernel);
  }

  store32(t: SimThread, va: number, value: number, field: number, fn: number): void {
    const p = t.proc;
    const off = va - p.shmStart;
    if (off >= 0 && off < p.shmSize) {
      const u = p.shm!.u32;
      if (this.tr !== null) this.tr.push(OP.write, t.gtid, t.cpu, this.now, va, value >>> 0, u[off >>> 2]!, field, fn);
      u[off >>> 2] = value;
      if (this.watch !== null) this.watched(t, off, 4, value);
    } else this.storePrivate32(t, va, value);
  }

  store8(t: SimThread, va: number, value: number, field: number, fn: number): void {
    const p = t.proc;
    const off = va - p.shmStart;
    if (off >= 0 && off < p.shmSize) {
      const u = p.shm!.u8;
      if (this.tr !== null) this.tr.push(OP.write, t.gtid, t.cpu, this.now, va, value & 0xff, u[off]!, field, fn);
      u[off] = value;
      if (this.watch !== null) this.watched(t, off, 1, value);
    }
  }

  /** 64-bit store of a pointer (mutex_owner). */
  store64(t: SimThread, va: number, value: number, field: number, fn: number): void {
    const p = t.proc;
    const off = va - p.shmStart;
    if (off >= 0 && off + 8 <= p.shmSize) {
      const u = p.shm!.u32;
      const i = off >>> 2;
      if (this.tr !== null) this.tr.push(OP.write, t.gtid, t.cpu, this.now, va, value, u[i]! + u[i + 1]! * TWO32, field, fn, true);
      u[i] = value % TWO32;
      u[i + 1] = Math.floor(value / TWO32);
      if (this.watch !== null) this.watched(t, off, 8, value);
    }
  }

  /** Atomic byte exchange (xchgb): set_lock_byte is xchg8(lock byte, 1). Returns the old byte. */
  xchg8(t: SimThread, va: number, value: number, field: number, fn: number): number {
    const p = t.proc;
    this.atomics++;
    const off = va - p.shmStart;
    const u = p.shm!.u8;
    const old = u[off]!;
    u[off] = value;
    if (this.tr !== null) this.tr.push(OP.write, t.gtid, t.cpu, this.now, va, value, old, field, fn);
    if (this.watch !== null) this.watched(t, off, 1, value);
    return old;
  }

  /** Atomic 32-bit exchange (swap32). Returns the old word. */
  swap32(t: SimThread, va: number, value: number, field: number, fn: number): number {
    const p = t.proc;
    this.atomics++;
    const off = va - p.shmStart;
    const u = p.shm!.u32;
    const old = u[off >>> 2]!;
    u[off >>> 2] = value;
    if (this.tr !== null) this.tr.push(OP.write, t.gtid, t.cpu, this.now, va, value >>> 0, old, field, fn);
    if (this.watch !== null) this.watched(t, off, 4, value);
    return old;
  }

  /** Atomic 32-bit compare-and-swap. Returns the old word (equal to `expected` on success). */
  cas32(t: SimThread, va: number, expected: number, value: number, field: number, fn: number): number {
    const p = t.proc;
    this.atomics++;
    const off = va - p.shmStart;
    const u = p.shm!.u32;
    const old = u[off >>> 2]!;
    if (old === expected >>> 0) {
      u[off >>> 2] = value;
      if (this.watch !== null) this.watched(t, off, 4, value);
    }
    if (this.tr !== null) this.tr.push(old === expected >>> 0 ? OP.write : OP.read, t.gtid, t.cpu, this.now, va, old === expected >>> 0 ? value >>> 0 : old, old, field, fn);
    return old;
  }

  /** Atomic 32-bit add (incr32 / decr32). Returns the new word. */
  add32(t: SimThread, va: number, delta: number, field: number, fn: number): number {
    const p = t.proc;
    this.atomics++;
    const off = va - p.shmStart;
    const u = p.shm!.u32;
    const old = u[off >>> 2]!;
    const v = (old + delta) >>> 0;
    u[off >>> 2] = v;
    if (this.tr !== null) this.tr.push(OP.write, t.gtid, t.cpu, this.now, va, v, old, field, fn);
    if (this.watch !== null) this.watched(t, off, 4, v);
    return v;
  }

  private storePrivate32(t: SimThread, va: number, value: number): void {
    const m = t.proc.space.find(va);
    if (!m?.backing) return;
    const i = (va - (m.base ?? m.start)) >> 2;
    if (i >= 0 && i < m.backing.u32.length) m.backing.u32[i] = value;
  }
}
