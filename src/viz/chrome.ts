// Trace events -> Chrome Trace Event Format (the JSON that Perfetto and chrome://tracing open).
//
// Layout of the output:
// - one Chrome process per traced process (named "pid 1001 app (key 0x1234, shmid 1)") and one
//   Chrome thread per traced thread ("tid 1 (ulwp 0x...)");
// - per thread, nested B/E spans from SpanTracker: waiting (with spin / parked inside), holding
//   the mutex (with the critical section inside);
// - instants for signals, watchpoint hits, context switches, the core dump, exits, unparks;
// - a "machine" process (pid 0) with a lane per CPU showing which thread ran there, and counter
//   tracks for the shared counter, the mutex_owner word and the number of holders.
//
// The converter is a generator over an iterable of events, so the caller can stream the JSON
// out (chromeTraceChunks) without building the whole document. Timestamps are microseconds:
// native `t` (ns) is divided by 1000; a sim tick is drawn as one microsecond.
//
// Cap: at most CHROME_TRACE_MAX_EVENTS output events (about 90 bytes each, so roughly 35 MB).
// Perfetto and chrome://tracing grow sluggish far beyond that. When the cap is reached every open
// span is closed, a "trace truncated" instant marks the spot, otherData.truncated is true and the
// rest of the input is not read.
import type { TraceEvent } from '../engine/trace.js';
import {
  crashDetails, isCounterWrite, isOwnerWrite, microsecondsPerTick, numericValue, ownerName,
  processLabel, threadLabel, type VizContext,
} from './context.js';
import { SPAN_LABELS, SpanTracker, threadKey, type SpanKind } from './spans.js';

export const CHROME_TRACE_MAX_EVENTS = 400_000;
/** The Chrome pid of the pseudo-process that holds CPU lanes and counters. */
export const MACHINE_PID = 0;

export interface ChromeEvent {
  name: string; ph: 'B' | 'E' | 'i' | 'C' | 'M'; ts: number; pid: number; tid: number;
  cat?: string; s?: 'g' | 'p' | 't'; args?: Record<string, unknown>;
}

export interface ChromeTraceSummary {
  inputEvents: number; outputEvents: number; truncated: boolean; truncatedAtSeq?: number; inputTruncated: boolean;
  maxEvents: number; microsecondsPerTick: number;
}

export interface ChromeTraceOptions { maxEvents?: number }

const INSTANT_OPS = new Set(['signal', 'watchpoint', 'switch', 'core_dump', 'exit', 'unpark', 'mutex_init', 'shmget', 'shmat']);

/** Yields Chrome events one at a time; returns the summary when the input is exhausted. */
export function* chromeTraceEvents(
  events: Iterable<TraceEvent>, ctx: VizContext = {}, options: ChromeTraceOptions = {},
): Generator<ChromeEvent, ChromeTraceSummary> {
  const maxEvents = Math.max(100, options.maxEvents ?? CHROME_TRACE_MAX_EVENTS);
  const scale = microsecondsPerTick(ctx);
  const ts = (t: number) => t * scale;
  const pending: ChromeEvent[] = [];
  const namedPids = new Set<number>();
  const namedThreads = new Set<string>();
  let holders = 0;

  const tracker = new SpanTracker({
    open(kind: SpanKind, pid, tid, t, cause) {
      pending.push({ name: SPAN_LABELS[kind], cat: kind, ph: 'B', ts: ts(t), pid, tid, args: { seq: cause.seq } });
      if (kind === 'hold') pending.push({ name: 'holders', ph: 'C', ts: ts(t), pid: MACHINE_PID, tid: 0, args: { holders: ++holders } });
    },
    close(kind: SpanKind, pid, tid, t) {
      pending.push({ name: SPAN_LABELS[kind], cat: kind, ph: 'E', ts: ts(t), pid, tid });
      if (kind === 'hold') pending.push({ name: 'holders', ph: 'C', ts: ts(t), pid: MACHINE_PID, tid: 0, args: { holders: --holders } });
    },
  });

  // Which thread each CPU lane shows as running; a lane changes when an event of another
  // thread appears on that CPU, whatever the engine's switch events say.
  const onCpu = new Map<number, string>();
  const cpuTid = (cpu: number) => cpu + 1;
  const nameProcess = (pid: number, name: string, sort: number) => {
    if (namedPids.has(pid)) return;
    namedPids.add(pid);
    pending.push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: 0, args: { name } });
    pending.push({ name: 'process_sort_index', ph: 'M', ts: 0, pid, tid: 0, args: { sort_index: sort } });
  };
  const nameThread = (pid: number, tid: number, name: string) => {
    const key = threadKey(pid, tid);
    if (namedThreads.has(key)) return;
    namedThreads.add(key);
    pending.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid, args: { name } });
    pending.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid, tid, args: { sort_index: tid } });
  };

  nameProcess(MACHINE_PID, 'machine (CPUs, shared memory)', -1);
  nameThread(MACHINE_PID, 0, 'shared memory');
  for (const [i, p] of (ctx.processes ?? []).entries()) {
    nameProcess(p.pid, processLabel(ctx, p.pid), i);
    for (const t of p.threads) nameThread(p.pid, t.tid, threadLabel(ctx, p.pid, t.tid));
  }

  let inputEvents = 0;
  let outputEvents = 0;
  let truncatedAtSeq: number | undefined;
  let lastT = 0;
  const closeCpuLanes = (t: number) => {
    for (const [cpu, who] of onCpu) pending.push({ name: who, cat: 'cpu', ph: 'E', ts: ts(t), pid: MACHINE_PID, tid: cpuTid(cpu) });
    onCpu.clear();
  };

  for (const e of events) {
    // Reserve room for the E events that must close whatever is open when we stop.
    const reserve = 4 * namedThreads.size + onCpu.size + 16;
    if (outputEvents + pending.length + reserve >= maxEvents) { truncatedAtSeq = e.seq; break; }
    inputEvents++;
    lastT = Math.max(lastT, e.t);
    nameProcess(e.pid, processLabel(ctx, e.pid), 1000 + e.pid);
    nameThread(e.pid, e.tid, threadLabel(ctx, e.pid, e.tid));

    if (Number.isInteger(e.cpu) && e.cpu >= 0) {
      const who = `pid ${e.pid} tid ${e.tid}`;
      const was = onCpu.get(e.cpu);
      if (was !== who) {
        nameThread(MACHINE_PID, cpuTid(e.cpu), `CPU ${e.cpu}`);
        if (was !== undefined) pending.push({ name: was, cat: 'cpu', ph: 'E', ts: ts(lastT), pid: MACHINE_PID, tid: cpuTid(e.cpu) });
        pending.push({ name: who, cat: 'cpu', ph: 'B', ts: ts(lastT), pid: MACHINE_PID, tid: cpuTid(e.cpu) });
        onCpu.set(e.cpu, who);
      }
    }

    tracker.event(e);
    if (INSTANT_OPS.has(e.op)) pending.push(instant(e, ctx, ts(lastT)));
    if (isCounterWrite(e)) {
      const value = numericValue(e.value);
      if (value !== undefined) pending.push({ name: 'shared counter', ph: 'C', ts: ts(lastT), pid: MACHINE_PID, tid: 0, args: { value } });
    } else if (isOwnerWrite(e)) {
      const owner = numericValue(e.value);
      if (owner !== undefined) pending.push({ name: 'mutex_owner', ph: 'C', ts: ts(lastT), pid: MACHINE_PID, tid: 0, args: { owner } });
    }
    outputEvents += pending.length;
    yield* pending.splice(0);
  }

  tracker.finish(lastT);
  closeCpuLanes(lastT);
  if (truncatedAtSeq !== undefined) {
    pending.push({ name: `trace truncated at event ${truncatedAtSeq} (cap ${maxEvents} Chrome events)`, ph: 'i', s: 'g', ts: ts(lastT), pid: MACHINE_PID, tid: 0 });
  }
  outputEvents += pending.length;
  yield* pending.splice(0);
  return {
    inputEvents, outputEvents, truncated: truncatedAtSeq !== undefined, inputTruncated: ctx.inputTruncated ?? false,
    maxEvents, microsecondsPerTick: scale, ...(truncatedAtSeq !== undefined ? { truncatedAtSeq } : {}),
  };
}

function instant(e: TraceEvent, ctx: VizContext, at: number): ChromeEvent {
  const base = { ph: 'i' as const, ts: at, pid: e.pid, tid: e.tid, cat: e.op };
  const extras: Record<string, unknown> = { seq: e.seq, cpu: e.cpu };
  for (const k of ['addr', 'field', 'value', 'old', 'note'] as const) if (e[k] !== undefined) extras[k] = e[k];
  switch (e.op) {
    case 'signal': {
      const c = crashDetails(ctx, e);
      const where = [c.function && `in ${c.function}`, c.faultAddress && `at ${c.faultAddress}`].filter(Boolean).join(' ');
      return { ...base, s: 'p', name: `${c.signal}${where ? ' ' + where : ''}`, args: { ...extras, ...c } };
    }
    case 'core_dump': return { ...base, s: 'p', name: `core dump of pid ${e.pid}`, args: extras };
    case 'watchpoint': {
      const owner = e.value !== undefined ? ownerName(ctx, e.value as string | number) : undefined;
      return { ...base, s: 't', name: `watchpoint ${e.field ?? ''}`.trim(), args: owner ? { ...extras, ownerIs: owner } : extras };
    }
    case 'switch': return { ...base, s: 't', name: `switch (cpu ${e.cpu})`, args: extras };
    default: return { ...base, s: 't', name: e.op, args: extras };
  }
}

/** The whole document as text pieces, for streaming to a file or an HTTP response. */
export function* chromeTraceChunks(
  events: Iterable<TraceEvent>, ctx: VizContext = {}, options: ChromeTraceOptions = {},
): Generator<string, ChromeTraceSummary> {
  const gen = chromeTraceEvents(events, ctx, options);
  yield '{"traceEvents":[\n';
  let flushed = false;
  let batch: string[] = [];
  const flush = () => { const text = (flushed ? ',\n' : '') + batch.join(',\n'); flushed = true; batch = []; return text; };
  for (;;) {
    const step = gen.next();
    if (step.done) {
      if (batch.length) yield flush();
      const summary = step.value;
      const unit = ctx.engine === 'native' ? ',"displayTimeUnit":"ns"' : '';
      yield `\n]${unit},"otherData":${JSON.stringify({ generator: 'mutexlab', ...summary, title: ctx.title ?? '' })}}\n`;
      return summary;
    }
    batch.push(JSON.stringify(step.value));
    // Batching keeps the number of chunks (and writes) small without holding the whole file.
    if (batch.length === 512) yield flush();
  }
}

/** The whole document as one string (tests, small traces). */
export function chromeTraceJson(events: Iterable<TraceEvent>, ctx: VizContext = {}, options: ChromeTraceOptions = {}): string {
  let out = '';
  for (const chunk of chromeTraceChunks(events, ctx, options)) out += chunk;
  return out;
}
