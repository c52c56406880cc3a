// Turns the flat trace (one event per step) into per-thread spans: waiting for the mutex,
// spinning, parked, holding it, inside the critical section. Both the Chrome trace and the
// SVG timeline are drawn from these spans, so they agree on what a thread was doing.
//
// Spans on one thread are kept as a stack so they always nest: `wait` holds `spin` or
// `parked`; `hold` holds `cs`. Closing a span closes everything opened inside it first,
// which is what keeps B/E balanced per thread even when a trace ends mid-story (a crash, a
// hang, a truncated trace).
//
// `release` is the unlock path after the `unlock` event: usually two or three steps, but on
// Solaris mutex_unlock_queue spins while mutex_spinners > 0, and a spinner that died left it
// at 1 for good. The unlock path's last event is only known once the thread does something
// else, so a release closes late, at the time of its last event.
import type { TraceEvent } from '../engine/trace.js';
import type { VizContext } from './context.js';
import { vocabulary } from './vocabulary.js';

export type SpanKind = 'wait' | 'spin' | 'parked' | 'hold' | 'cs' | 'release';

/** Span names in the platform's vocabulary (Chrome trace). */
export function spanLabels(ctx: VizContext): Record<SpanKind, string> {
  const v = vocabulary(ctx);
  return { wait: v.states.wait, spin: v.states.spin, parked: v.states.parked, hold: v.states.hold, cs: v.criticalSection, release: v.states.release };
}

/** Identifies a thread across processes: Solaris tids restart at 1 in every process. */
export const threadKey = (pid: number, tid: number): string => `${pid}/${tid}`;

export interface SpanListener {
  open(kind: SpanKind, pid: number, tid: number, t: number, cause: TraceEvent): void;
  close(kind: SpanKind, pid: number, tid: number, t: number): void;
}

// Ops a thread can log while parked without having been woken: a watchpoint that another
// store tripped, or a repeated park. Anything else (even being switched onto a CPU) means it
// runs again.
const KEEPS_PARKED = new Set<string>(['park', 'watchpoint']);
// Ops that belong to the adaptive spin loop when they happen while the thread waits.
const SPIN_OPS = new Set<string>(['spin', 'owner_read', 'deref']);
// Ops that continue an unlock path (loads and stores of the mutex words, waking a sleeper).
// A switch neither continues nor ends it: a thread can be preempted mid-release.
const RELEASE_OPS = new Set<string>(['read', 'write', 'watchpoint', 'unpark']);

interface ThreadState {
  pid: number; tid: number; stack: SpanKind[]; releaseEnd: number;
  /** The unlock event, until the unlock path shows a step of its own (no empty releases). */
  unlocked: TraceEvent | undefined;
}

export class SpanTracker {
  private readonly threads = new Map<string, ThreadState>();
  private lastT = 0;

  constructor(private readonly listener: SpanListener) {}

  /** The time of the latest event seen: where spans still open at the end are closed. */
  get lastTime(): number { return this.lastT; }

  /** Threads seen so far, in order of first appearance. */
  get seenThreads(): { pid: number; tid: number }[] {
    return [...this.threads.values()].map(({ pid, tid }) => ({ pid, tid }));
  }

  event(e: TraceEvent): void {
    // Engines log in order; a clock that steps back would still have to draw forwards.
    const t = Math.max(e.t, this.lastT);
    this.lastT = t;
    const th = this.thread(e.pid, e.tid);
    const has = (k: SpanKind) => th.stack.includes(k);

    if (th.unlocked !== undefined || th.stack[th.stack.length - 1] === 'release') {
      if (RELEASE_OPS.has(e.op)) {
        if (th.unlocked !== undefined) { this.open(th, 'release', Math.max(th.releaseEnd, th.unlocked.t), th.unlocked); th.unlocked = undefined; }
        th.releaseEnd = t;
        return;
      }
      if (e.op === 'switch') return;
      th.unlocked = undefined;
      this.close(th, 'release', th.releaseEnd);
    }
    if (!KEEPS_PARKED.has(e.op)) this.close(th, 'parked', t);
    switch (e.op) {
      case 'lock':
        this.close(th, 'spin', t);
        if (!has('wait')) this.open(th, 'wait', t, e);
        break;
      case 'spin': case 'owner_read': case 'deref':
        if (e.op === 'spin' && !has('wait')) this.open(th, 'wait', t, e);
        if (has('wait') && SPIN_OPS.has(e.op) && !has('spin')) this.open(th, 'spin', t, e);
        break;
      case 'park':
        this.close(th, 'spin', t);
        if (!has('wait')) this.open(th, 'wait', t, e);
        if (!has('parked')) this.open(th, 'parked', t, e);
        break;
      case 'acquired':
        this.close(th, 'wait', t);
        if (!has('hold')) this.open(th, 'hold', t, e);
        break;
      case 'cs_enter':
        if (!has('cs')) this.open(th, 'cs', t, e);
        break;
      case 'cs_exit':
        this.close(th, 'cs', t);
        break;
      case 'unlock':
        this.close(th, 'hold', t);
        th.unlocked = e;
        th.releaseEnd = t;
        break;
      case 'exit':
      case 'signal':
        // A thread stops where it takes a (fatal) signal; the rest of its process follows at
        // the core dump or exit.
        this.closeAll(th, t);
        break;
      case 'core_dump':
        // The process is gone once its core is written: none of its threads runs on.
        for (const other of this.threads.values()) if (other.pid === e.pid) this.closeAll(other, t);
        break;
      default:
        break;
    }
  }

  /** Closes every span still open, at the last time seen (or at `t`); a release ends at its last event. */
  finish(t = this.lastT): void {
    for (const th of this.threads.values()) this.closeAll(th, t);
  }

  /**
   * Events are missing from here on (a stored trace that lost its middle): nobody can say what
   * a thread did across the gap, so every span ends where the known trace ends.
   */
  gap(t = this.lastT): void { this.finish(t); }

  /** Where a thread's open release ends so far (its last unlock-path event), if one is open. */
  releaseEnd(pid: number, tid: number): number | undefined {
    const th = this.threads.get(threadKey(pid, tid));
    return th && th.stack[th.stack.length - 1] === 'release' ? th.releaseEnd : undefined;
  }

  /** Moves the clock (after a gap, the next events come from later). */
  advance(t: number): void { if (t > this.lastT) this.lastT = t; }

  private thread(pid: number, tid: number): ThreadState {
    const key = threadKey(pid, tid);
    let th = this.threads.get(key);
    if (!th) { th = { pid, tid, stack: [], releaseEnd: 0, unlocked: undefined }; this.threads.set(key, th); }
    return th;
  }

  private open(th: ThreadState, kind: SpanKind, t: number, cause: TraceEvent): void {
    th.stack.push(kind);
    this.listener.open(kind, th.pid, th.tid, t, cause);
  }

  private close(th: ThreadState, kind: SpanKind, t: number): void {
    const at = th.stack.lastIndexOf(kind);
    if (at < 0) return;
    while (th.stack.length > at) this.listener.close(th.stack.pop()!, th.pid, th.tid, t);
  }

  private closeAll(th: ThreadState, t: number): void {
    th.unlocked = undefined;
    if (th.stack[th.stack.length - 1] === 'release') this.close(th, 'release', Math.min(t, th.releaseEnd));
    while (th.stack.length > 0) this.listener.close(th.stack.pop()!, th.pid, th.tid, t);
  }
}
