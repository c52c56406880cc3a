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
export type MarkKind = 'switch' | 'store' | 'read' | 'deref' | 'signal' | 'watchpoint';
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

/** A ring as an array that drops its older half when it doubles (amortised O(1), no per-item allocation). */
class Ring<T> {
  items: T[] = [];
  dropped = false;
  push(x: T): void {
    this.items.push(x);
    if (this.items.length >= 2 * RING) { this.items.splice(0, RING); this.dropped = true; }
  }
}

export class FaultStoryRecorder {
  private readonly spans = new Ring<DetailSpan>();
  private readonly marks = new Ring<DetailMark>();
  private readonly switches = new Ring<Preemption>();
  /** Latest store of each owner value (bounded: a corrupted word could take many values). */
  private readonly lastStore = new Map<string, OwnerAccess>();
  private readonly lastRead = new Map<string, OwnerAccess>();
  private readonly lastDeref = new Map<string, { t: number; at: number; addr?: string; field?: string }>();
  private pending: Omit<FaultStory, 'spans' | 'marks' | 'running' | 'complete'> | Omit<ActivityWindow, 'spans' | 'marks' | 'running' | 'complete'> | undefined;
  private story: Magnified | undefined;

  constructor(private readonly ctx: VizContext) {}

  /** True once the window is recorded: the caller may stop feeding it. */
  get done(): boolean { return this.story !== undefined; }

  span(key: string, state: LaneState, from: number, to: number): void {
    if (!this.story && to > from) this.spans.push({ key, state, from, to });
  }

  cpuChange(cpu: number, t: number, at: number, from: string, to: string): void {
    if (this.story) return;
    this.switches.push({ t, at, cpu, from, to });
    this.marks.push({ key: to, t, kind: 'switch' });
  }

  /** One event; `t` is its drawing time, `key` its thread. */
  event(e: TraceEvent, t: number, key: string): void {
    if (this.story) return;
    if (this.pending && t > this.pending.window.to) return; // the caller freezes first
    if (isOwnerWrite(e) && e.value !== undefined) {
      const value = wordKey(e.value);
      const access: OwnerAccess = { seq: e.seq, t, at: e.t, pid: e.pid, tid: e.tid, cpu: e.cpu, value: String(e.value), field: e.field!, ...(e.note ? { note: e.note } : {}) };
      this.lastStore.delete(value);
      this.lastStore.set(value, access);
      if (this.lastStore.size > MAX_VALUES) this.lastStore.delete(this.lastStore.keys().next().value!);
      this.marks.push({ key, t, kind: 'store', value: String(e.value) });
    } else if (isOwnerRead(e)) {
      this.lastRead.set(key, { seq: e.seq, t, at: e.t, pid: e.pid, tid: e.tid, cpu: e.cpu, value: String(e.value), field: e.field ?? 'owner', ...(e.note ? { note: e.note } : {}) });
      this.marks.push({ key, t, kind: 'read', value: String(e.value) });
    } else if (e.op === 'deref') {
      this.lastDeref.set(key, { t, at: e.t, ...(e.addr ? { addr: e.addr } : {}), ...(e.field ? { field: e.field } : {}) });
      this.marks.push({ key, t, kind: 'deref' });
    } else if (e.op === 'watchpoint') {
      this.marks.push({ key, t, kind: 'watchpoint' });
    } else if (e.op === 'signal') {
      this.marks.push({ key, t, kind: 'signal' });
      if (!this.pending) this.onFault(e, t, key);
    }
  }

  /** Past the window's end: keep what lies inside it, plus the states still open there. */
  maybeFreeze(t: number, open: () => OpenState[]): void {
    if (!this.pending || this.story || t <= this.pending.window.to) return;
    this.freeze(open());
  }

  /** End of trace: a fault's window ends here at the latest. */
  finish(open: () => OpenState[], activity?: { from: number; to: number }): Magnified | undefined {
    if (!this.pending && activity) {
      // as much of the window as the ring still holds
      const kept = this.spans.dropped ? (this.spans.items[0]?.from ?? activity.from) : activity.from;
      this.pending = { kind: 'activity', window: { from: Math.max(activity.from, kept), to: activity.to } };
    }
    if (this.pending && !this.story) this.freeze(open());
    return this.story;
  }

  private onFault(e: TraceEvent, t: number, key: string): void {
    const read = this.lastRead.get(key);
    if (!read) return; // a fault without a load of the owner word: nothing to link
    const store = this.lastStore.get(wordKey(read.value));
    const deref = this.lastDeref.get(key);
    const from = Math.min(store?.t ?? read.t, read.t);
    const pad = Math.max(2, Math.ceil((t - from) * 0.12));
    const storer = store ? `${store.pid}/${store.tid}` : undefined;
    const preemptions = store ? this.switches.items.filter((s) => s.t >= store.t && s.t <= t && s.from === storer) : [];
    const c = crashDetails(this.ctx, e);
    this.pending = {
      kind: 'fault',
      fault: { seq: e.seq, t, at: e.t, pid: e.pid, tid: e.tid, signal: c.signal, ...(c.function ? { function: c.function } : {}), ...(c.faultAddress ? { faultAddress: c.faultAddress } : {}), ...(e.note ? { note: e.note } : {}) },
      read, ...(store ? { store } : {}), ...(deref && deref.t >= read.t ? { deref } : {}),
      preemptions, window: { from: from - pad, to: t + pad },
    };
  }

  private freeze(open: OpenState[]): void {
    const p = this.pending!;
    const { from, to } = p.window;
    const spans = this.spans.items.filter((s) => s.to > from && s.from < to).map((s) => ({ ...s, from: Math.max(s.from, from), to: Math.min(s.to, to) }));
    for (const o of open) {
      const end = Math.min(to, o.until ?? to);
      if (o.since < end && end > from) spans.push({ key: o.key, state: o.state, from: Math.max(o.since, from), to: end });
    }
    const marks = this.marks.items.filter((m) => m.t >= from && m.t <= to);
    const earliest = this.spans.items[0]?.to ?? -Infinity;
    const complete = !this.spans.dropped || earliest <= from;
    const running = this.runningIn(from, to);
    this.story = p.kind === 'fault' ? { ...p, spans, marks, running, complete } : { ...p, spans, marks, running, complete };
  }

  /** Who ran on each CPU inside [from, to], from the CPU changes seen (a thread runs until another's event shows on its CPU). */
  private runningIn(from: number, to: number): DetailRun[] {
    const out: DetailRun[] = [];
    const on = new Map<number, { key: string; since: number }>();
    for (const c of this.switches.items) {
      if (c.t > to) break;
      const was = on.get(c.cpu);
      if (was && c.t > from) out.push({ key: was.key, cpu: c.cpu, from: Math.max(was.since, from), to: c.t });
      on.set(c.cpu, { key: c.to, since: c.t });
    }
    for (const [cpu, r] of on) if (r.since < to) out.push({ key: r.key, cpu, from: Math.max(r.since, from), to });
    return out.filter((r) => r.to > r.from);
  }
}
