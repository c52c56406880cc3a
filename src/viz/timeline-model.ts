// One pass over the trace that keeps only what the SVG timeline draws: per thread, how long
// it held / spun / was parked / waited in every time bin; CPU switch-ins and watchpoint hits
// per bin; the mutex_owner word per bin; and the few exact moments worth a marker (fatal
// signals, core dumps, exits). Memory stays bounded whatever the trace length.
import type { TraceEvent } from '../engine/trace.js';
import { TimeBins, ValueBins } from './bins.js';
import { crashDetails, isOwnerWrite, type VizContext } from './context.js';
import { SpanTracker, threadKey, type SpanKind } from './spans.js';

/** Lane states, in the order the legend shows them; index = coverage slot in TimeBins. */
export const LANE_STATES = ['hold', 'spin', 'parked', 'wait'] as const;
export type LaneState = (typeof LANE_STATES)[number];
export const MARK_SWITCH = 0;
export const MARK_WATCHPOINT = 1;

const STATE_OF: Record<SpanKind, LaneState> = { cs: 'hold', hold: 'hold', spin: 'spin', parked: 'parked', wait: 'wait' };

export interface LaneModel {
  pid: number; tid: number; bins: TimeBins;
  stack: SpanKind[]; since: number;
}

export interface Crash { t: number; pid: number; tid: number; signal: string; function?: string; faultAddress?: string }
export interface Death { t: number; pid: number; how: 'core_dump' | 'exit' }

export interface TimelineModel {
  origin: number; end: number; events: number;
  lanes: LaneModel[];
  owner: ValueBins;
  crashes: Crash[]; deaths: Death[];
  /** True when the bins are coarser than one tick: the picture aggregates. */
  aggregated: boolean;
  ctx: VizContext;
}

const MAX_MARKERS = 64;

/** Push-based, so a sync trace and an async stored trace both feed it: push() each event, then finish(). */
export class TimelineModelBuilder {
  private origin: number | undefined;
  private last = 0;
  private count = 0;
  private readonly lanes = new Map<string, LaneModel>();
  private readonly crashes: Crash[] = [];
  private readonly deaths: Death[] = [];
  private readonly lastOnCpu = new Map<number, string>();
  private owner: ValueBins | undefined;
  private readonly tracker: SpanTracker;

  constructor(private readonly ctx: VizContext = {}) {
    this.tracker = new SpanTracker({
      open: (kind, pid, tid, t) => { const l = this.lane(pid, tid); this.transition(l, t, () => l.stack.push(kind)); },
      close: (_kind, pid, tid, t) => { const l = this.lane(pid, tid); this.transition(l, t, () => l.stack.pop()); },
    });
  }

  push(e: TraceEvent): void {
    if (this.origin === undefined) this.start(e.t);
    this.count++;
    const t = Math.max(this.last, e.t);
    this.last = t;
    const l = this.lane(e.pid, e.tid);
    l.bins.reach(t);
    this.tracker.event(e);

    const who = threadKey(e.pid, e.tid);
    // cpu -1: set-up work outside any CPU (shmget, core dumps), not a switch
    const prev = e.cpu >= 0 ? this.lastOnCpu.get(e.cpu) : undefined;
    if (e.op === 'switch' || (prev !== undefined && prev !== who)) l.bins.addMark(MARK_SWITCH, t);
    if (e.cpu >= 0) this.lastOnCpu.set(e.cpu, who);
    if (e.op === 'watchpoint') l.bins.addMark(MARK_WATCHPOINT, t);
    if (isOwnerWrite(e) && e.value !== undefined) this.owner!.set(t, String(e.value));
    if (e.op === 'signal' && this.crashes.length < MAX_MARKERS) this.crashes.push({ t, pid: e.pid, tid: e.tid, ...crashDetails(this.ctx, e) });
    if ((e.op === 'core_dump' || e.op === 'exit') && this.deaths.length < MAX_MARKERS && !this.deaths.some((d) => d.pid === e.pid)) {
      if (e.op === 'core_dump' || isProcessExit(e, this.ctx)) this.deaths.push({ t, pid: e.pid, how: e.op });
    }
  }

  finish(): TimelineModel {
    this.tracker.finish(this.last);
    if (this.origin === undefined) this.start(0);
    const all = [...this.lanes.values()];
    const width = Math.max(this.owner!.width, ...all.map((l) => l.bins.width));
    for (const l of all) l.bins.alignTo(width);
    this.owner!.alignTo(width);
    return {
      origin: this.origin!, end: this.last, events: this.count, lanes: all, owner: this.owner!,
      crashes: this.crashes, deaths: this.deaths, aggregated: width > 1, ctx: this.ctx,
    };
  }

  private start(t: number): void {
    this.origin = t;
    this.last = t;
    this.owner = new ValueBins(t);
    // Lanes for every thread the result knows, even if the trace never shows it.
    for (const p of this.ctx.processes ?? []) for (const th of p.threads) this.lane(p.pid, th.tid);
  }

  private lane(pid: number, tid: number): LaneModel {
    const key = threadKey(pid, tid);
    let l = this.lanes.get(key);
    if (!l) {
      l = { pid, tid, bins: new TimeBins(this.origin ?? 0, LANE_STATES.length, 2), stack: [], since: this.last };
      this.lanes.set(key, l);
    }
    return l;
  }

  // The innermost open span decides what the lane shows; record the state that just ended.
  private transition(l: LaneModel, t: number, change: () => void): void {
    const before = l.stack[l.stack.length - 1];
    if (before !== undefined && t > l.since) l.bins.addSpan(LANE_STATES.indexOf(STATE_OF[before]), l.since, t);
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
