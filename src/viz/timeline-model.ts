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

export function buildTimelineModel(events: Iterable<TraceEvent>, ctx: VizContext = {}): TimelineModel {
  let origin: number | undefined;
  let last = 0;
  let count = 0;
  const lanes = new Map<string, LaneModel>();
  const crashes: Crash[] = [];
  const deaths: Death[] = [];
  const lastOnCpu = new Map<number, string>();
  let owner: ValueBins | undefined;

  const lane = (pid: number, tid: number): LaneModel => {
    const key = threadKey(pid, tid);
    let l = lanes.get(key);
    if (!l) {
      l = { pid, tid, bins: new TimeBins(origin ?? 0, LANE_STATES.length, 2), stack: [], since: last };
      lanes.set(key, l);
    }
    return l;
  };
  // Lanes for every thread the result knows, even if the trace never shows it.
  const declare = () => { for (const p of ctx.processes ?? []) for (const t of p.threads) lane(p.pid, t.tid); };

  // The innermost open span decides what the lane shows; record the state that just ended.
  const transition = (l: LaneModel, t: number, change: () => void) => {
    const before = l.stack[l.stack.length - 1];
    if (before !== undefined && t > l.since) l.bins.addSpan(LANE_STATES.indexOf(STATE_OF[before]), l.since, t);
    change();
    l.since = t;
  };
  const tracker = new SpanTracker({
    open(kind, pid, tid, t) { const l = lane(pid, tid); transition(l, t, () => l.stack.push(kind)); },
    close(_kind, pid, tid, t) { const l = lane(pid, tid); transition(l, t, () => l.stack.pop()); },
  });

  for (const e of events) {
    if (origin === undefined) { origin = e.t; owner = new ValueBins(origin); declare(); }
    count++;
    const t = Math.max(last, e.t);
    last = t;
    const l = lane(e.pid, e.tid);
    l.bins.reach(t);
    tracker.event(e);

    const who = threadKey(e.pid, e.tid);
    if (e.op === 'switch' || (Number.isInteger(e.cpu) && lastOnCpu.has(e.cpu) && lastOnCpu.get(e.cpu) !== who)) {
      l.bins.addMark(MARK_SWITCH, t);
    }
    lastOnCpu.set(e.cpu, who);
    if (e.op === 'watchpoint') l.bins.addMark(MARK_WATCHPOINT, t);
    if (isOwnerWrite(e) && e.value !== undefined) owner!.set(t, String(e.value));
    if (e.op === 'signal' && crashes.length < MAX_MARKERS) crashes.push({ t, pid: e.pid, tid: e.tid, ...crashDetails(ctx, e) });
    if ((e.op === 'core_dump' || e.op === 'exit') && deaths.length < MAX_MARKERS && !deaths.some((d) => d.pid === e.pid)) {
      if (e.op === 'core_dump' || isProcessExit(e, ctx)) deaths.push({ t, pid: e.pid, how: e.op });
    }
  }
  tracker.finish(last);
  if (origin === undefined) { origin = 0; owner = new ValueBins(0); declare(); }

  const all = [...lanes.values()];
  const width = Math.max(owner!.width, ...all.map((l) => l.bins.width));
  for (const l of all) l.bins.alignTo(width);
  owner!.alignTo(width);
  return { origin, end: last, events: count, lanes: all, owner: owner!, crashes, deaths, aggregated: width > 1, ctx };
}

/** An exit event ends the process when it is the last thread standing or the process was signaled. */
function isProcessExit(e: TraceEvent, ctx: VizContext): boolean {
  const p = ctx.processes?.find((x) => x.pid === e.pid);
  if (!p) return e.note === 'process' || e.field === 'process';
  return p.exit.kind !== 'exited' || p.threads.length === 1;
}
