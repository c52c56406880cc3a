// The compact trace: one row per event in parallel typed arrays (no object per event while
// the machine runs). `Trace` turns rows into TraceEvent objects only when someone reads them.
// When the trace is off the machine holds no buffer at all and every emit site is skipped.
import { TRACE_OPS, type TraceEvent } from '../trace.js';
import { hex } from './memory.js';

/** Op codes: indices into TRACE_OPS. */
export const OP = Object.fromEntries(TRACE_OPS.map((op, i) => [op, i])) as { readonly [K in (typeof TRACE_OPS)[number]]: number };

/** Thread identity as the trace prints it. */
export interface TraceThread { pid: number; tid: number }

/** Rows beyond this are dropped and the trace reports truncated (memory bound for long runs). */
export const TRACE_MAX_EVENTS = 8_000_000;

/** Values that are addresses print as hex; other values print as numbers. */
const VALUE_NUM = 0, VALUE_HEX = 1, VALUE_NONE = 2;
/**
 * Flags in a row's `who` word beside the value kind. value and old are 32-bit columns: every
 * value the models trace is an unsigned 32-bit integer (bytes, words, 32-bit addresses,
 * counts), and a trace of millions of events spends much of its time writing fresh memory
 * (bench:engine with the trace on: 35% was first touches of new chunks), so a row is 24 bytes
 * and not 32 with two Float64 columns. Any other number (negative, fractional, -0, above
 * 2^32 - 1) is kept exactly in a side table (WIDE); OLD_NONE stands for old = NaN (none).
 */
const VALUE_WIDE = 1 << 18, OLD_NONE = 1 << 19, OLD_WIDE = 1 << 20;

/** An unsigned 32-bit integer, what a value or old column holds: x === x >>> 0, and not -0 (told apart by 1 / x). */
const fitsColumn = (x: number): boolean => x === x >>> 0 && (x !== 0 || 1 / x > 0);

const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
const NO_ADDR = 0xffffffff;

/**
 * Rows of the first chunk before it first grows. A full chunk is 1.5 MB of zeroed memory: most
 * runs (a tiny service experiment logs ~20 events) would spend far longer allocating it than
 * simulating, so the first chunk starts small and doubles up to CHUNK.
 */
const FIRST_ROWS = 256;

/** One block of rows. Rows live in chunks of CHUNK rows: a new chunk never copies earlier ones. */
class Chunk {
  /** op | cpu << 8 | field << 16 | note << 24 */
  readonly meta: Uint32Array;
  /** thread (int16) | value kind << 16 | VALUE_WIDE | OLD_NONE | OLD_WIDE */
  readonly who: Int32Array;
  /** Virtual time and address fit 32 bits (addresses are 32-bit in this model; NO_ADDR = none). */
  readonly time: Uint32Array;
  readonly addr: Uint32Array;
  /** Unsigned 32-bit values; see VALUE_WIDE for the others. */
  readonly value: Uint32Array;
  readonly old: Uint32Array;

  constructor(readonly rows: number) {
    // All six columns in one ArrayBuffer: each backing store is memory outside V8's heap that
    // its background threads must account for and sweep, and a service worker runs thousands
    // of tiny simulations a second (bench/api.ts part 2).
    const buffer = new ArrayBuffer(rows * 24);
    this.value = new Uint32Array(buffer, 0, rows); this.old = new Uint32Array(buffer, rows * 4, rows);
    this.meta = new Uint32Array(buffer, rows * 8, rows); this.who = new Int32Array(buffer, rows * 12, rows);
    this.time = new Uint32Array(buffer, rows * 16, rows); this.addr = new Uint32Array(buffer, rows * 20, rows);
  }

  /** A copy with twice the rows (at most CHUNK). */
  grown(): Chunk {
    const c = new Chunk(Math.min(this.rows * 2, CHUNK));
    c.meta.set(this.meta); c.who.set(this.who); c.time.set(this.time);
    c.addr.set(this.addr); c.value.set(this.value); c.old.set(this.old);
    return c;
  }
}

export class TraceBuffer {
  length = 0;
  truncated = false;
  private readonly chunks: Chunk[] = [];
  private cur: Chunk | null = null;
  /** Rows that fit before push must call makeRoom: the end of the current chunk, or the cap. */
  private room = 0;
  /** String tables for fields and notes (function names); index 0 = none. */
  readonly strings: string[] = [''];
  private readonly stringIds = new Map<string, number>([['', 0]]);
  /** Rare free-text notes, by row. */
  private readonly texts = new Map<number, string>();
  /** Values that are not unsigned 32-bit integers (VALUE_WIDE, OLD_WIDE), by 2 * row (+ 1 for old). */
  private readonly wide = new Map<number, number>();

  constructor(private readonly max = TRACE_MAX_EVENTS) {}

  /** Index of a field / function name in the string table (call once per name, not per event). */
  intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) { id = this.strings.length; this.strings.push(s); this.stringIds.set(s, id); }
    return id;
  }

  /**
   * Append one event. addr < 0 = none; value/old are numbers unless valueIsAddress (then hex);
   * pass NaN for absent value/old. field and note are interned ids (0 = none, < 256).
   */
  push(op: number, thread: number, cpu: number, t: number, addr: number, value: number, old: number, field: number, note: number, valueIsAddress?: boolean): void {
    const i = this.length;
    // One comparison on the way of every event; chunk growth and the cap are in makeRoom, so
    // that push stays small enough for V8 to inline into the memory accesses that call it.
    if (i >= this.room && !this.makeRoom(i)) return;
    const c = this.cur!;
    const j = i & CHUNK_MASK;
    c.meta[j] = op | ((cpu & 0xff) << 8) | (field << 16) | (note << 24);
    let who = (thread & 0xffff) | ((value !== value ? VALUE_NONE : valueIsAddress === true ? VALUE_HEX : VALUE_NUM) << 16);
    if (fitsColumn(value)) c.value[j] = value;
    else if (value === value) { who |= VALUE_WIDE; this.wide.set(2 * i, value); }
    if (fitsColumn(old)) c.old[j] = old;
    else if (old !== old) who |= OLD_NONE;
    else { who |= OLD_WIDE; this.wide.set(2 * i + 1, old); }
    c.who[j] = who;
    c.time[j] = t; c.addr[j] = addr < 0 ? NO_ADDR : addr;
    this.length = i + 1;
  }

  /** Row i does not fit the current chunk (or is past the cap): a new or grown chunk, or false when truncated. */
  private makeRoom(i: number): boolean {
    if (i >= this.max) { this.truncated = true; return false; }
    const j = i & CHUNK_MASK;
    let c = this.cur;
    if (j === 0 || c === null) { c = new Chunk(this.chunks.length === 0 ? FIRST_ROWS : CHUNK); this.chunks.push(c); }
    else { c = c.grown(); this.chunks[this.chunks.length - 1] = c; }
    this.cur = c;
    this.room = Math.min(this.max, i - j + c.rows);
    return true;
  }

  /** Attach a free-text note to the last event pushed. */
  text(s: string): void { if (this.length > 0 && !this.truncated) this.texts.set(this.length - 1, s); }

  toTrace(threads: readonly TraceThread[]): Trace { return new Trace(this, threads); }

  /** Row i as a TraceEvent (used by Trace). */
  event(i: number, threads: readonly TraceThread[]): TraceEvent {
    const c = this.chunks[i >>> CHUNK_BITS]!;
    const j = i & CHUNK_MASK;
    const meta = c.meta[j]!;
    const whoWord = c.who[j]!;
    const th = (whoWord << 16) >> 16;
    const who = th >= 0 ? threads[th]! : { pid: 0, tid: 0 };
    const cpu = (meta >>> 8) & 0xff;
    const e: TraceEvent = { seq: i, t: c.time[j]!, cpu: cpu === 255 ? -1 : cpu, pid: who.pid, tid: who.tid, op: TRACE_OPS[meta & 0xff]! };
    const a = c.addr[j]!;
    if (a !== NO_ADDR) e.addr = hex(a);
    const field = (meta >>> 16) & 0xff;
    if (field) e.field = this.strings[field]!;
    const k = (whoWord >>> 16) & 3;
    if (k !== VALUE_NONE) {
      const v = whoWord & VALUE_WIDE ? this.wide.get(2 * i)! : c.value[j]!;
      e.value = k === VALUE_HEX ? hex(v) : v;
    }
    if (!(whoWord & OLD_NONE)) {
      const o = whoWord & OLD_WIDE ? this.wide.get(2 * i + 1)! : c.old[j]!;
      e.old = k === VALUE_HEX ? hex(o) : o;
    }
    const fn = meta >>> 24;
    const text = this.texts.get(i);
    if (fn || text) e.note = fn ? (text ? `${this.strings[fn]}: ${text}` : this.strings[fn]!) : text!;
    return e;
  }
}

/** The trace of one run: iterable TraceEvents with a length; events are built on demand. */
export class Trace implements Iterable<TraceEvent> {
  constructor(private readonly buffer: TraceBuffer | null, private readonly threads: readonly TraceThread[]) {}
  get length(): number { return this.buffer ? this.buffer.length : 0; }
  get truncated(): boolean { return this.buffer ? this.buffer.truncated : false; }
  at(i: number): TraceEvent { if (!this.buffer || i < 0 || i >= this.buffer.length) throw new RangeError(`trace has no event ${i}`); return this.buffer.event(i, this.threads); }
  *[Symbol.iterator](): Iterator<TraceEvent> { for (let i = 0; i < this.length; i++) yield this.buffer!.event(i, this.threads); }
  /** NDJSON, one event per line (what the CLI writes with --trace). */
  *ndjson(): Generator<string> { for (const e of this) yield JSON.stringify(e) + '\n'; }
}

export const EMPTY_TRACE = new Trace(null, []);
