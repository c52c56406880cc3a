// The few steps that explain a fault, found in the trace as it streams past: the faulting
// thread's last load of the owner word, the store that put that value there (often by a thread
// of another process, whose own address or TID means nothing to the reader), the CPU switches
// in between (the storer preempted while it held the mutex), and the fault itself. Nothing here
// knows a preset or a platform: it follows values through the owner word.
//
// The picture magnifies the window around these steps, which needs exact states at tick
// resolution while the overview is binned. So the recorder keeps a bounded ring of recent lane
// segments and marks; at the fault it knows the window and keeps recording until the window
// ends, then freezes.
import type { TraceEvent } from '../engine/trace.js';
import { crashDetails, isOwnerRead, isOwnerWrite, wordKey, type VizContext } from './context.js';
import type { LaneState } from './vocabulary.js';

/** One load or store of the owner word. `t` is drawing time, `at` the trace's own time. */
export interface OwnerAccess { seq: number; t: number; at: number; pid: number; tid: number; cpu: number; value: string; field: string; note?: string }
export interface Preemption { t: number; at: number; cpu: number; from: string; to: string }
export interface DetailSpan { key: string; state: LaneState; from: number; to: number }
export type MarkKind = 'switch';
export interface DetailMark { key: string; t: number; kind: MarkKind; value?: string }

/** A lane state still open when the window closes; `until` bounds one whose end is already known. */
export interface OpenState { key: string; state: LaneState; since: number; until?: number }

export interface FaultStory {
  kind: 'fault';
  fault: { seq: number; t: number; at: number; pid: number; tid: number; signal: string; function?: string; faultAddress?: string; note?: string };
  read: OwnerAccess;
  /** The store of the value the faulting thread read; absent when the trace never shows it. */
  store?: OwnerAccess;
  deref?: { t: number; at: number; addr?: string; field?: string };
  /** CPU switches that took the storer off its CPU between its store and the fault. */
  preemptions: Preemption[];
  window: { from: number; to: number };
  spans: DetailSpan[];
  marks: DetailMark[];
  /** When each thread ran on a CPU inside the window (a holder off its CPU is preempted or asleep). */
  running: DetailRun[];
  /** False when the ring no longer held the window's start (a very long window). */
  complete: boolean;
}

export interface DetailRun { key: string; cpu: number; from: number; to: number }

/**
 * A window with no fault to explain, magnified because the overview cannot show it: a native
 * run whose rings hold a few milliseconds of lock calls inside a much longer run (a hang).
 */
export interface ActivityWindow {
  kind: 'activity';
  window: { from: number; to: number };
  spans: DetailSpan[];
  marks: DetailMark[];
  running: DetailRun[];
  complete: boolean;
}

export type Magnified = FaultStory | ActivityWindow;

const RING = 8192;
const MAX_VALUES = 256;
const STATES: readonly LaneState[] = ['hold', 'release', 'spin', 'wait', 'parked'];

/**
 * Fixed-size rings in typed arrays: the recorder sees every lane change and CPU switch of a
 * long trace, and must not allocate per item (the collector would cost more than the drawing).
 */
class SpanRing {
  readonly lane = new Int32Array(RING); readonly state = new Uint8Array(RING);
  readonly from = new Float64Array(RING); readonly to = new Float64Array(RING);
  count = 0;
  push(lane: number, state: number, from: number, to: number): void {
    const i = this.count++ % RING;
    this.lane[i] = lane; this.state[i] = state; this.from[i] = from; this.to[i] = to;
  }
  /** Indices oldest first. */
  *indices(): Generator<number> { for (let k = Math.max(0, this.count - RING); k < this.count; k++) yield k % RING; }
  get dropped(): boolean { return this.count > RING; }
}

class SwitchRing {
  readonly t = new Float64Array(RING); readonly at = new Float64Array(RING);
  readonly cpu = new Int32Array(RING); readonly from = new Int32Array(RING); readonly to = new Int32Array(RING);
  count = 0;
  push(t: number, at: number, cpu: number, from: number, to: number): void {
    const i = this.count++ % RING;
    this.t[i] = t; this.at[i] = at; this.cpu[i] = cpu; this.from[i] = from; this.to[i] = to;
  }
  *indices(): Generator<number> { for (let k = Math.max(0, this.count - RING); k < this.count; k++) yield k % RING; }
}

/** The latest owner-word access of a kind, kept as the event itself (no copy per store). */
interface Seen { e: TraceEvent; t: number; store?: TraceEvent; storeT?: number }

export class FaultStoryRecorder {
  private readonly spans = new SpanRing();
  private readonly switches = new SwitchRing();
  /** Lane keys by index ("pid/tid"), as the builder registered them. */
  private readonly keys: string[] = [];
  /**
   * Latest store of each owner value, keyed by the value as the event spells it (normalised
   * only at the fault: a store and a load may spell one value differently, 1001 and "0x3e9").
   * Bounded: a corrupted word could take many values.
   */
  private readonly lastStore = new Map<string | number, Seen>();
  private readonly lastRead = new Map<number, Seen>();
  private readonly lastDeref = new Map<number, Seen>();
  private pending: Omit<FaultStory, 'spans' | 'marks' | 'running' | 'complete'> | Omit<ActivityWindow, 'spans' | 'marks' | 'running' | 'complete'> | undefined;
  private story: Magnified | undefined;
  /** Drawing time past which nothing is recorded any more (the window's end, once known). */
  private until = Infinity;

  constructor(private readonly ctx: VizContext) {}

  /** A lane's index for the other calls. */
  register(key: string): number { this.keys.push(key); return this.keys.length - 1; }

  /** True once the window is recorded, or the trace went past it: nothing more to feed. */
  get closed(): boolean { return this.story !== undefined; }

  span(lane: number, state: LaneState, from: number, to: number): void {
    if (this.story === undefined && to > from) this.spans.push(lane, STATES.indexOf(state), from, to);
  }

  cpuChange(cpu: number, t: number, at: number, from: number, to: number): void {
    if (this.story === undefined) this.switches.push(t, at, cpu, from, to);
  }

  /** One event; `t` is its drawing time, `lane` its thread's index. Only owner-word accesses, derefs and signals matter. */
  event(e: TraceEvent, t: number, lane: number): void {
    if (this.story !== undefined || t > this.until) return;
    const op = e.op;
    if (op === 'write') {
      if (!isOwnerWrite(e) || e.value === undefined) return;
      const value = e.value;
      const seen = this.lastStore.get(value);
      if (seen) { seen.e = e; seen.t = t; return; }
      if (this.lastStore.size >= MAX_VALUES) this.lastStore.delete(this.lastStore.keys().next().value!);
      this.lastStore.set(value, { e, t });
    } else if (op === 'owner_read' || op === 'read') {
      if (!isOwnerRead(e)) return;
      let seen = this.lastRead.get(lane);
      if (seen) { seen.e = e; seen.t = t; } else { seen = { e, t }; this.lastRead.set(lane, seen); }
      // the store this load sees, as it was at the load (later stores of the value do not count)
      const store = this.lastStore.get(e.value!) ?? this.storeSpelledOtherwise(e.value!);
      seen.store = store?.e; seen.storeT = store?.t;
    } else if (op === 'deref') {
      const seen = this.lastDeref.get(lane);
      if (seen) { seen.e = e; seen.t = t; } else this.lastDeref.set(lane, { e, t });
    } else if (op === 'signal' && !this.pending) {
      this.onFault(e, t, lane);
    }
  }

  /** Past the window's end: keep what lies inside it, plus the states still open there. */
  maybeFreeze(t: number, open: () => OpenState[]): void {
    if (t > this.until && this.pending && !this.story) this.freeze(open());
  }

  /** End of trace: a fault's window ends here at the latest. */
  finish(open: () => OpenState[], activity?: { from: number; to: number }): Magnified | undefined {
    if (!this.pending && activity) {
      // as much of the window as the ring still holds
      const oldest = this.spans.dropped ? this.spans.from[this.spans.count % RING]! : activity.from;
      this.pending = { kind: 'activity', window: { from: Math.max(activity.from, oldest), to: activity.to } };
    }
    if (this.pending && !this.story) this.freeze(open());
    return this.story;
  }

  /** The latest store of a value the store spelled differently (1001 against "0x3e9"). */
  private storeSpelledOtherwise(value: string | number): Seen | undefined {
    const wanted = wordKey(value);
    let found: Seen | undefined;
    for (const [v, seen] of this.lastStore) if (wordKey(v) === wanted && (!found || seen.e.seq > found.e.seq)) found = seen;
    return found;
  }

  private access(seen: Seen): OwnerAccess {
    const e = seen.e;
    return { seq: e.seq, t: seen.t, at: e.t, pid: e.pid, tid: e.tid, cpu: e.cpu, value: String(e.value), field: e.field ?? 'owner', ...(e.note ? { note: e.note } : {}) };
  }

  private onFault(e: TraceEvent, t: number, lane: number): void {
    const seenRead = this.lastRead.get(lane);
    if (!seenRead) return; // a fault without a load of the owner word: nothing to link
    const read = this.access(seenRead);
    const seenStore: Seen | undefined = seenRead.store ? { e: seenRead.store, t: seenRead.storeT! } : undefined;
    const store = seenStore ? this.access(seenStore) : undefined;
    const seenDeref = this.lastDeref.get(lane);
    const deref = seenDeref && seenDeref.t >= read.t
      ? { t: seenDeref.t, at: seenDeref.e.t, ...(seenDeref.e.addr ? { addr: seenDeref.e.addr } : {}), ...(seenDeref.e.field ? { field: seenDeref.e.field } : {}) }
      : undefined;
    const from = Math.min(store?.t ?? read.t, read.t);
    const pad = Math.max(2, Math.ceil((t - from) * 0.12));
    const storer = store ? this.keys.indexOf(`${store.pid}/${store.tid}`) : -1;
    const preemptions: Preemption[] = [];
    const sw = this.switches;
    if (store) {
      for (const i of sw.indices()) {
        if (sw.t[i]! >= store.t && sw.t[i]! <= t && sw.from[i] === storer && sw.to[i]! >= 0) {
          preemptions.push({ t: sw.t[i]!, at: sw.at[i]!, cpu: sw.cpu[i]!, from: this.keys[sw.from[i]!]!, to: this.keys[sw.to[i]!]! });
        }
      }
    }
    const c = crashDetails(this.ctx, e);
    this.pending = {
      kind: 'fault',
      fault: { seq: e.seq, t, at: e.t, pid: e.pid, tid: e.tid, signal: c.signal, ...(c.function ? { function: c.function } : {}), ...(c.faultAddress ? { faultAddress: c.faultAddress } : {}), ...(e.note ? { note: e.note } : {}) },
      read, ...(store ? { store } : {}), ...(deref ? { deref } : {}),
      preemptions, window: { from: from - pad, to: t + pad },
    };
    this.until = t + pad;
  }

  private freeze(open: OpenState[]): void {
    const p = this.pending!;
    const { from, to } = p.window;
    const r = this.spans;
    const spans: DetailSpan[] = [];
    for (const i of r.indices()) {
      if (r.to[i]! > from && r.from[i]! < to) spans.push({ key: this.keys[r.lane[i]!]!, state: STATES[r.state[i]!]!, from: Math.max(r.from[i]!, from), to: Math.min(r.to[i]!, to) });
    }
    for (const o of open) {
      const end = Math.min(to, o.until ?? to);
      if (o.since < end && end > from) spans.push({ key: o.key, state: o.state, from: Math.max(o.since, from), to: end });
    }
    const sw = this.switches;
    const marks: DetailMark[] = [];
    for (const i of sw.indices()) if (sw.to[i]! >= 0 && sw.t[i]! >= from && sw.t[i]! <= to) marks.push({ key: this.keys[sw.to[i]!]!, t: sw.t[i]!, kind: 'switch' });
    const complete = !r.dropped || r.to[r.count % RING]! <= from;
    const running = this.runningIn(from, to);
    this.story = p.kind === 'fault' ? { ...p, spans, marks, running, complete } : { ...p, spans, marks, running, complete };
  }

  /** Who ran on each CPU inside [from, to], from the CPU changes seen (a thread runs until another's event shows on its CPU). */
  private runningIn(from: number, to: number): DetailRun[] {
    const out: DetailRun[] = [];
    const on = new Map<number, { key: string; since: number }>();
    const sw = this.switches;
    for (const i of sw.indices()) {
      const t = sw.t[i]!;
      if (t > to) break;
      const was = on.get(sw.cpu[i]!);
      if (was && t > from) out.push({ key: was.key, cpu: sw.cpu[i]!, from: Math.max(was.since, from), to: t });
      if (sw.to[i]! < 0) on.delete(sw.cpu[i]!); // the CPU went idle
      else on.set(sw.cpu[i]!, { key: this.keys[sw.to[i]!]!, since: t });
    }
    for (const [cpu, run] of on) if (run.since < to) out.push({ key: run.key, cpu, from: Math.max(run.since, from), to });
    return out.filter((x) => x.to > x.from);
  }
}
