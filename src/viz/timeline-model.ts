// One pass over the trace that keeps only what the SVG timeline draws: per thread, how long
// it held / spun / slept / waited / released in every time bin; CPU switch-ins and watchpoint
// hits per bin; the mutex_owner word per bin; the few exact moments worth a marker (fatal
// signals, core dumps, exits); gaps where a stored trace lost events; and the fault story
// (store -> read -> fault) with the window around it at full resolution. Memory stays bounded
// whatever the trace length.
//
// Gaps: a stored trace over TRACE_MAX_EVENTS keeps its first and last halves and `seq` jumps
// over the middle. Nothing is known about the missing stretch, so every span ends at the gap,
// and the stretch is drawn squeezed to a small share of the picture (drawing time `t` = trace
// time minus the squeezed part); labels give the trace's own times.
import type { TraceEvent } from '../engine/trace.js';
import { TimeBins, ValueBins } from './bins.js';
import { crashDetails, isOwnerWrite, wordKey, type VizContext } from './context.js';
import { FaultStoryRecorder, type Magnified, type OpenState } from './fault-story.js';
import { SpanTracker, threadKey, type SpanKind } from './spans.js';
import type { LaneState } from './vocabulary.js';

/** Lane states, in the order the legend shows them; index = coverage slot in TimeBins. */
export const LANE_STATES = ['hold', 'release', 'spin', 'wait', 'parked'] as const satisfies readonly LaneState[];
export type { LaneState };
export const MARK_SWITCH = 0;
export const MARK_WATCHPOINT = 1;
/** Its CPU stalled (an interrupt, the VM's host): a holder kept there is why a waiter slept. */
export const MARK_STALL = 2;

const STATE_OF: Record<SpanKind, LaneState> = { cs: 'hold', hold: 'hold', spin: 'spin', parked: 'parked', wait: 'wait', release: 'release' };
/** A gap is drawn as this share of the time traced before it (at most its real length). */
const GAP_SHARE = 0.06;

export interface LaneModel {
  pid: number; tid: number; bins: TimeBins;
  /** The lane's number in the fault-story recorder. */
  index: number;
  stack: SpanKind[]; since: number;
  /** Drawing time of the lane's latest event. */
  lastSeen: number;
  /** The first non-zero value the thread stored in the owner word: its id as the mutex knows it. */
  ownerId?: string;
  /** Drawn asleep in the kernel until its process ended (native evidence.blocked). */
  asleep?: boolean;
  /** Drawing time of the lane's first event on a CPU (native: its ring's oldest record kept). */
  firstActive?: number;
}

export interface Crash { t: number; pid: number; tid: number; signal: string; function?: string; faultAddress?: string; reason?: string }
export interface Death { t: number; pid: number; how: 'core_dump' | 'exit' }
/** Events missing between two stored ones: [from, to] in drawing time, [atFrom, atTo] in trace time. */
export interface Gap { from: number; to: number; atFrom: number; atTo: number; missing: number; afterSeq: number }

export interface TimelineModel {
  origin: number; end: number; events: number;
  lanes: LaneModel[];
  owner: ValueBins;
  crashes: Crash[]; deaths: Death[];
  gaps: Gap[];
  /**
   * Per lane, a stretch whose events were overwritten: a native ring that dropped records keeps
   * a thread's latest ones, so nothing is known from its process's start to its oldest record.
   */
  laneGaps: { pid: number; tid: number; from: number; to: number }[];
  /** The window the picture magnifies: how a fault came about, or (native) the rings' lock calls. */
  story?: Magnified;
  /** True when the bins are coarser than one tick: the picture aggregates. */
  aggregated: boolean;
  ctx: VizContext;
}

const MAX_MARKERS = 64;
const MAX_GAPS = 16;

/** Push-based, so a sync trace and an async stored trace both feed it: push() each event, then finish(). */
export class TimelineModelBuilder {
  private origin: number | undefined;
  private last = 0;
  private lastSeq: number | undefined;
  /** Trace time squeezed out of the picture by gaps so far. */
  private shift = 0;
  private count = 0;
  /** Drawing times of the first and last events that ran on a CPU (native: the rings' records). */
  private firstActive: number | undefined;
  /** Drawing time of each process's first event (its set-up). */
  private readonly processStart = new Map<number, number>();
  private lastActive = 0;
  private readonly lanes = new Map<string, LaneModel>();
  private readonly crashes: Crash[] = [];
  private readonly deaths: Death[] = [];
  private readonly gaps: Gap[] = [];
  private readonly lastOnCpu = new Map<number, LaneModel>();
  /** The lane of the previous event: consecutive events are mostly one thread's. */
  private lastLane: LaneModel | undefined;
  private readonly openStatesNow = () => this.openStates();
  private owner: ValueBins | undefined;
  private readonly tracker: SpanTracker;
  private readonly story: FaultStoryRecorder;

  constructor(private readonly ctx: VizContext = {}) {
    this.story = new FaultStoryRecorder(ctx);
    this.tracker = new SpanTracker({
      open: (kind, pid, tid, t) => { const l = this.lane(pid, tid); this.transition(l, t, () => l.stack.push(kind)); },
      close: (_kind, pid, tid, t) => { const l = this.lane(pid, tid); this.transition(l, t, () => l.stack.pop()); },
    });
  }

  push(e: TraceEvent): void {
    if (this.origin === undefined) this.start(e.t);
    if (this.lastSeq !== undefined && e.seq > this.lastSeq + 1) this.gap(e);
    this.lastSeq = e.seq;
    this.count++;
    const t = Math.max(this.last, e.t - this.shift);
    this.last = t;
    this.story.maybeFreeze(t, this.openStatesNow);
    const cached = this.lastLane;
    const l = cached !== undefined && cached.pid === e.pid && cached.tid === e.tid ? cached : this.lane(e.pid, e.tid);
    this.lastLane = l;
    l.bins.reach(t);
    if (!this.processStart.has(e.pid)) this.processStart.set(e.pid, t);
    if (e.op === 'signal') this.blockedUntil(e.pid, t);
    l.lastSeen = t;
    if (e.cpu >= 0 && e.op !== 'signal' && e.op !== 'exit') { this.firstActive ??= t; this.lastActive = t; l.firstActive ??= t; }
    this.tracker.event(this.shift > 0 ? { ...e, t } : e);

    // cpu -1: set-up work outside any CPU (shmget, core dumps), not a switch
    const prev = e.cpu >= 0 ? this.lastOnCpu.get(e.cpu) : undefined;
    if (e.op === 'switch' || (prev !== undefined && prev !== l)) l.bins.addMark(MARK_SWITCH, t);
    if (e.cpu >= 0 && prev !== l && e.op !== 'signal' && e.op !== 'exit') this.story.cpuChange(e.cpu, t, e.t, prev?.index ?? -1, l.index);
    if (e.cpu >= 0 && prev !== l) this.lastOnCpu.set(e.cpu, l);
    // a thread that dies leaves its CPU idle until another thread's event shows there
    if ((e.op === 'signal' || e.op === 'exit') && e.cpu >= 0) { this.lastOnCpu.delete(e.cpu); this.story.cpuChange(e.cpu, t, e.t, l.index, -1); }
    if (e.op === 'watchpoint') l.bins.addMark(MARK_WATCHPOINT, t);
    if (e.op === 'stall') l.bins.addMark(MARK_STALL, t);
    if (isOwnerWrite(e) && e.value !== undefined) {
      this.owner!.set(t, String(e.value));
      if (l.ownerId === undefined && wordKey(e.value) !== '0') l.ownerId = String(e.value);
    }
    this.story.event(e, t, l.index);
    if (e.op === 'signal' && this.crashes.length < MAX_MARKERS) {
      const reason = e.note?.startsWith('killed by') ? { reason: e.note } : {};
      this.crashes.push({ t, pid: e.pid, tid: e.tid, ...crashDetails(this.ctx, e), ...reason });
    }
    if ((e.op === 'core_dump' || e.op === 'exit') && this.deaths.length < MAX_MARKERS && !this.deaths.some((d) => d.pid === e.pid)) {
      if (e.op === 'core_dump' || isProcessExit(e, this.ctx)) this.deaths.push({ t, pid: e.pid, how: e.op });
    }
  }

  finish(): TimelineModel {
    if (this.origin === undefined) this.start(0);
    this.blockedUntil(undefined, this.last);
    const story = this.story.finish(this.openStatesNow, this.activityWindow());
    this.tracker.finish(this.last);
    const all = [...this.lanes.values()];
    const width = Math.max(this.owner!.width, ...all.map((l) => l.bins.width));
    for (const l of all) l.bins.alignTo(width);
    this.owner!.alignTo(width);
    return {
      origin: this.origin!, end: this.last, events: this.count, lanes: all, owner: this.owner!,
      crashes: this.crashes, deaths: this.deaths, gaps: this.gaps, laneGaps: this.laneGaps(all), ...(story ? { story } : {}), aggregated: width > 1, ctx: this.ctx,
    };
  }

  private start(t: number): void {
    this.origin = t;
    this.last = t;
    this.owner = new ValueBins(t);
    // Lanes for every thread the result knows, even if the trace never shows it.
    for (const p of this.ctx.processes ?? []) for (const th of p.threads) this.lane(p.pid, th.tid);
  }

  /** `seq` jumped: end every span at the last stored event and squeeze the missing stretch. */
  private gap(e: TraceEvent): void {
    const atFrom = this.last + this.shift;
    const real = Math.max(0, e.t - atFrom);
    const drawn = Math.min(real, Math.max(1, Math.round((this.last - this.origin!) * GAP_SHARE)));
    this.tracker.gap(this.last);
    this.lastOnCpu.clear();
    if (this.gaps.length < MAX_GAPS) {
      this.gaps.push({ from: this.last, to: this.last + drawn, atFrom, atTo: e.t, missing: e.seq - this.lastSeq! - 1, afterSeq: this.lastSeq! });
    }
    this.shift += real - drawn;
    for (const l of this.lanes.values()) l.bins.reach(this.last + drawn);
  }

  /**
   * Threads the native run found blocked in the kernel at the end (evidence.blocked): the rings
   * stop at their last lock call, so they are drawn asleep from their last event until the
   * supervisor's signal ends their process (pid), or the trace ends (pid undefined).
   */
  private blockedUntil(pid: number | undefined, t: number): void {
    for (const b of this.ctx.blocked ?? []) {
      if (pid !== undefined && b.pid !== pid) continue;
      const l = this.lanes.get(threadKey(b.pid, b.tid));
      if (!l || l.stack.length > 0 || l.asleep) continue;
      l.asleep = true;
      const from = l.lastSeen;
      if (t > from) {
        l.bins.addSpan(LANE_STATES.indexOf('parked'), from, t);
        this.story.span(l.index, 'parked', from, t);
      }
    }
  }

  private laneGaps(lanes: LaneModel[]): TimelineModel['laneGaps'] {
    if (this.ctx.engine !== 'native' || !this.ctx.inputTruncated) return [];
    const started = new Map<number, number>();
    for (const [pid, t] of this.processStart) started.set(pid, t);
    return lanes.filter((l) => l.firstActive !== undefined && l.firstActive > (started.get(l.pid) ?? this.origin!))
      .map((l) => ({ pid: l.pid, tid: l.tid, from: started.get(l.pid) ?? this.origin!, to: l.firstActive! }));
  }

  /**
   * Natively the rings keep a few milliseconds of lock calls, often inside a much longer run
   * (a hang waits for the supervisor): when that activity is under a tenth of the picture, the
   * picture magnifies it.
   */
  private activityWindow(): { from: number; to: number } | undefined {
    if (this.ctx.engine !== 'native' || this.firstActive === undefined) return undefined;
    const active = this.lastActive - this.firstActive;
    if (!(active > 0) || active > 0.1 * (this.last - this.origin!)) return undefined;
    const pad = Math.max(1, active * 0.03);
    return { from: this.firstActive - pad, to: this.lastActive + pad };
  }

  private openStates(): OpenState[] {
    const out: OpenState[] = [];
    for (const l of this.lanes.values()) {
      const top = l.stack[l.stack.length - 1];
      if (top === undefined) continue;
      // a release ends at its last unlock-path event, whatever comes later
      const until = top === 'release' ? this.tracker.releaseEnd(l.pid, l.tid) : undefined;
      out.push({ key: threadKey(l.pid, l.tid), state: STATE_OF[top], since: l.since, ...(until !== undefined ? { until } : {}) });
    }
    return out;
  }

  private lane(pid: number, tid: number): LaneModel {
    const key = threadKey(pid, tid);
    let l = this.lanes.get(key);
    if (!l) {
      l = { pid, tid, index: this.story.register(key), bins: new TimeBins(this.origin ?? 0, LANE_STATES.length, 3), stack: [], since: this.last, lastSeen: this.last };
      this.lanes.set(key, l);
    }
    return l;
  }

  // The innermost open span decides what the lane shows; record the state that just ended.
  private transition(l: LaneModel, t: number, change: () => void): void {
    const before = l.stack[l.stack.length - 1];
    if (before !== undefined && t > l.since) {
      const state = STATE_OF[before];
      l.bins.addSpan(LANE_STATES.indexOf(state), l.since, t);
      this.story.span(l.index, state, l.since, t);
    }
    change();
    l.since = t;
  }
}

export function buildTimelineModel(events: Iterable<TraceEvent>, ctx: VizContext = {}): TimelineModel {
  const builder = new TimelineModelBuilder(ctx);
  for (const e of events) builder.push(e);
  return builder.finish();
}

export async function buildTimelineModelAsync(events: AsyncIterable<TraceEvent>, ctx: VizContext = {}): Promise<TimelineModel> {
  const builder = new TimelineModelBuilder(ctx);
  for await (const e of events) builder.push(e);
  return builder.finish();
}

/** An exit event ends the process when it is the last thread standing or the process was signaled. */
function isProcessExit(e: TraceEvent, ctx: VizContext): boolean {
  const p = ctx.processes?.find((x) => x.pid === e.pid);
  if (!p) return e.note === 'process' || e.field === 'process';
  return p.exit.kind !== 'exited' || p.threads.length === 1;
}

/** Trace time of a drawing time: adds back what the gaps before it squeezed out. */
export function traceTimeOf(m: TimelineModel, t: number): number | undefined {
  let shift = 0;
  for (const g of m.gaps) {
    if (t < g.from) break;
    if (t < g.to) return undefined; // inside a gap: no single trace time
    shift += (g.atTo - g.atFrom) - (g.to - g.from);
  }
  return t + shift;
}
