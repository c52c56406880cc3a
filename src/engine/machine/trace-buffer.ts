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

export class TraceBuffer {
  length = 0;
  truncated = false;
  private cap = 4096;
  private op = new Uint8Array(this.cap);
  private thread = new Int16Array(this.cap);
  private cpu = new Uint8Array(this.cap);
  private time = new Float64Array(this.cap);
  private addr = new Float64Array(this.cap);
  private value = new Float64Array(this.cap);
  private old = new Float64Array(this.cap);
  private field = new Uint8Array(this.cap);
  private note = new Uint8Array(this.cap);
  private kind = new Uint8Array(this.cap);
  /** String tables for fields and notes (function names); index 0 = none. */
  readonly strings: string[] = [''];
  private readonly stringIds = new Map<string, number>([['', 0]]);
  /** Rare free-text notes, by row. */
  private readonly texts = new Map<number, string>();

  constructor(private readonly max = TRACE_MAX_EVENTS) {}

  /** Index of a field / function name in the string table (call once per name, not per event). */
  intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) { id = this.strings.length; this.strings.push(s); this.stringIds.set(s, id); }
    return id;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Uint8Array | Int16Array | Float64Array>(a: T): T => { const b = new (a.constructor as any)(cap); b.set(a); return b; };
    this.op = g(this.op); this.thread = g(this.thread); this.cpu = g(this.cpu); this.time = g(this.time);
    this.addr = g(this.addr); this.value = g(this.value); this.old = g(this.old); this.field = g(this.field);
    this.note = g(this.note); this.kind = g(this.kind);
    this.cap = cap;
  }

  /**
   * Append one event. addr < 0 = none; value/old are numbers unless valueIsAddress (then hex);
   * pass NaN for absent value/old. field and note are interned ids (0 = none).
   */
  push(op: number, thread: number, cpu: number, t: number, addr: number, value: number, old: number, field: number, note: number, valueIsAddress = false): void {
    const i = this.length;
    if (i >= this.max) { this.truncated = true; return; }
    if (i === this.cap) this.grow();
    this.op[i] = op; this.thread[i] = thread; this.cpu[i] = cpu < 0 ? 255 : cpu; this.time[i] = t;
    this.addr[i] = addr; this.value[i] = value; this.old[i] = old; this.field[i] = field; this.note[i] = note;
    this.kind[i] = Number.isNaN(value) ? VALUE_NONE : valueIsAddress ? VALUE_HEX : VALUE_NUM;
    this.length = i + 1;
  }

  /** Attach a free-text note to the last event pushed. */
  text(s: string): void { if (this.length > 0 && !this.truncated) this.texts.set(this.length - 1, s); }

  toTrace(threads: readonly TraceThread[]): Trace { return new Trace(this, threads); }

  /** Row i as a TraceEvent (used by Trace). */
  event(i: number, threads: readonly TraceThread[]): TraceEvent {
    const th = this.thread[i]!;
    const who = th >= 0 ? threads[th]! : { pid: 0, tid: 0 };
    const e: TraceEvent = { seq: i, t: this.time[i]!, cpu: this.cpu[i] === 255 ? -1 : this.cpu[i]!, pid: who.pid, tid: who.tid, op: TRACE_OPS[this.op[i]!]! };
    const a = this.addr[i]!;
    if (a >= 0) e.addr = hex(a);
    if (this.field[i]) e.field = this.strings[this.field[i]!]!;
    const k = this.kind[i];
    if (k !== VALUE_NONE) e.value = k === VALUE_HEX ? hex(this.value[i]!) : this.value[i]!;
    const o = this.old[i]!;
    if (!Number.isNaN(o)) e.old = k === VALUE_HEX ? hex(o) : o;
    const fn = this.note[i]!;
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
