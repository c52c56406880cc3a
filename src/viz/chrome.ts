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
// The fault's cause: at a fatal signal, a flow arrow (s -> f) runs from the last store of the
// owner-word value the faulting thread last loaded to that load, as in the SVG's panel.
//
// Gaps: a stored trace that lost its middle (TRACE_MAX_EVENTS) jumps in `seq`. At a jump every
// span is closed where the stored trace stops, and each thread track (and the machine's) gets a
// "no events stored" span across the missing stretch, so nobody reads it as a long hold.
//
// Cap: at most CHROME_TRACE_MAX_EVENTS output events (about 90 bytes each, so roughly 35 MB).
// Perfetto and chrome://tracing grow sluggish far beyond that. When the cap is reached every open
// span is closed, a "trace truncated" instant marks the spot, otherData.truncated is true and the
// rest of the input is not read.
import type { TraceEvent } from '../engine/trace.js';
import {
  crashDetails, isCounterWrite, isOwnerRead, isOwnerWrite, microsecondsPerTick, numericValue, ownerName,
  processLabel, threadLabel, wordKey, type VizContext,
} from './context.js';
import { SpanTracker, spanLabels, threadKey, type SpanKind } from './spans.js';

export const CHROME_TRACE_MAX_EVENTS = 400_000;
/** The Chrome pid of the pseudo-process that holds CPU lanes and counters. */
export const MACHINE_PID = 0;

export interface ChromeEvent {
  name: string; ph: 'B' | 'E' | 'i' | 'C' | 'M' | 's' | 'f'; ts: number; pid: number; tid: number;
  cat?: string; s?: 'g' | 'p' | 't'; args?: Record<string, unknown>;
  /** Flow events (s, f): the arrow's id, and f binds to the slice enclosing it. */
  id?: number; bp?: 'e';
}

export interface ChromeTraceSummary {
  inputEvents: number; outputEvents: number; truncated: boolean; truncatedAtSeq?: number; inputTruncated: boolean;
  /** Places where the input's seq jumped (events the stored trace does not hold). */
  gaps: number;
  maxEvents: number; microsecondsPerTick: number;
}

export interface ChromeTraceOptions { maxEvents?: number }

const INSTANT_OPS = new Set(['signal', 'watchpoint', 'switch', 'core_dump', 'exit', 'unpark', 'mutex_init', 'shmget', 'shmat']);

/**
 * The converter, push-based so that both a synchronous iterable (the sim's trace) and an async
 * stream (a stored trace read back from Redis) can feed it: push() each event, then finish().
 * Both return the Chrome events to write out at that point.
 */
export class ChromeTraceConverter {
  readonly maxEvents: number;
  private readonly scale: number;
  private readonly pending: ChromeEvent[] = [];
  private readonly namedPids = new Set<number>();
  private readonly namedThreads = new Set<string>();
  // Which thread each CPU lane shows as running; a lane changes when an event of another
  // thread appears on that CPU, whatever the engine's switch events say.
  private readonly onCpu = new Map<number, string>();
  private readonly tracker: SpanTracker;
  private holders = 0;
  private inputEvents = 0;
  private outputEvents = 0;
  private lastT = 0;
  private lastSeq: number | undefined;
  private gaps = 0;
  /** Owner-word stores and loads for the fault's flow arrow: the event each one last was. */
  private readonly lastStore = new Map<string | number, TraceEvent>();
  private readonly lastRead = new Map<string, { read: TraceEvent; store: TraceEvent | undefined }>();
  private flows = 0;
  private truncatedAtSeq: number | undefined;

  constructor(private readonly ctx: VizContext = {}, options: ChromeTraceOptions = {}) {
    this.maxEvents = Math.max(100, options.maxEvents ?? CHROME_TRACE_MAX_EVENTS);
    this.scale = microsecondsPerTick(ctx);
    const pending = this.pending;
    const ts = (t: number) => this.ts(t);
    const SPAN_LABELS = spanLabels(ctx);
    this.tracker = new SpanTracker({
      open: (kind: SpanKind, pid, tid, t, cause) => {
        pending.push({ name: SPAN_LABELS[kind], cat: kind, ph: 'B', ts: ts(t), pid, tid, args: { seq: cause.seq } });
        if (kind === 'hold') pending.push({ name: 'holders', ph: 'C', ts: ts(t), pid: MACHINE_PID, tid: 0, args: { holders: ++this.holders } });
      },
      close: (kind: SpanKind, pid, tid, t) => {
        pending.push({ name: SPAN_LABELS[kind], cat: kind, ph: 'E', ts: ts(t), pid, tid });
        if (kind === 'hold') pending.push({ name: 'holders', ph: 'C', ts: ts(t), pid: MACHINE_PID, tid: 0, args: { holders: --this.holders } });
      },
    });
    this.nameProcess(MACHINE_PID, 'machine (CPUs, shared memory)', -1);
    this.nameThread(MACHINE_PID, 0, 'shared memory');
    for (const [i, p] of (ctx.processes ?? []).entries()) {
      this.nameProcess(p.pid, processLabel(ctx, p.pid), i);
      for (const t of p.threads) this.nameThread(p.pid, t.tid, threadLabel(ctx, p.pid, t.tid));
    }
  }

  /** False once the cap is reached: the caller may stop reading its input. */
  get accepting(): boolean { return this.truncatedAtSeq === undefined; }

  push(e: TraceEvent): ChromeEvent[] {
    if (!this.accepting) return [];
    // Reserve room for the E events that must close whatever is open when we stop.
    // (a gap adds a span per thread and closes the CPU lanes)
    const reserve = 6 * this.namedThreads.size + 2 * this.onCpu.size + 16;
    if (this.outputEvents + this.pending.length + reserve >= this.maxEvents) { this.truncatedAtSeq = e.seq; return this.drain(); }
    const { ctx, pending } = this;
    if (this.lastSeq !== undefined && e.seq > this.lastSeq + 1) this.gap(e);
    this.lastSeq = e.seq;
    this.inputEvents++;
    this.lastT = Math.max(this.lastT, e.t);
    const at = this.ts(this.lastT);
    this.nameProcess(e.pid, processLabel(ctx, e.pid), 1000 + e.pid);
    this.nameThread(e.pid, e.tid, threadLabel(ctx, e.pid, e.tid));

    if (Number.isInteger(e.cpu) && e.cpu >= 0) {
      const who = `pid ${e.pid} tid ${e.tid}`;
      const was = this.onCpu.get(e.cpu);
      if (was !== who) {
        this.nameThread(MACHINE_PID, cpuTid(e.cpu), `CPU ${e.cpu}`);
        if (was !== undefined) pending.push({ name: was, cat: 'cpu', ph: 'E', ts: at, pid: MACHINE_PID, tid: cpuTid(e.cpu) });
        pending.push({ name: who, cat: 'cpu', ph: 'B', ts: at, pid: MACHINE_PID, tid: cpuTid(e.cpu) });
        this.onCpu.set(e.cpu, who);
      }
    }

    this.tracker.event(e);
    this.followOwner(e);
    if (INSTANT_OPS.has(e.op)) pending.push(instant(e, ctx, at));
    if (isCounterWrite(e)) {
      const value = numericValue(e.value);
      if (value !== undefined) pending.push({ name: 'shared counter', ph: 'C', ts: at, pid: MACHINE_PID, tid: 0, args: { value } });
    } else if (isOwnerWrite(e)) {
      const owner = numericValue(e.value);
      if (owner !== undefined) pending.push({ name: 'mutex_owner', ph: 'C', ts: at, pid: MACHINE_PID, tid: 0, args: { owner } });
    }
    return this.drain();
  }

  /** Closes every span still open (end of input or the cap) and returns the last events. */
  finish(): ChromeEvent[] {
    const at = this.ts(this.lastT);
    this.tracker.finish(this.lastT);
    for (const [cpu, who] of this.onCpu) this.pending.push({ name: who, cat: 'cpu', ph: 'E', ts: at, pid: MACHINE_PID, tid: cpuTid(cpu) });
    this.onCpu.clear();
    if (this.truncatedAtSeq !== undefined) {
      this.pending.push({ name: `trace truncated at event ${this.truncatedAtSeq} (cap ${this.maxEvents} Chrome events)`, ph: 'i', s: 'g', ts: at, pid: MACHINE_PID, tid: 0 });
    }
    return this.drain();
  }

  private followOwner(e: TraceEvent): void {
    if (isOwnerWrite(e) && e.value !== undefined) {
      if (this.lastStore.size >= 256 && !this.lastStore.has(e.value)) this.lastStore.delete(this.lastStore.keys().next().value!);
      this.lastStore.set(e.value, e);
    } else if (isOwnerRead(e)) {
      this.lastRead.set(threadKey(e.pid, e.tid), { read: e, store: this.lastStore.get(e.value!) ?? this.storeOf(e.value!) });
    } else if (e.op === 'signal' && this.flows < 16) {
      const seen = this.lastRead.get(threadKey(e.pid, e.tid));
      if (!seen?.store) return;
      const { read, store } = seen;
      const id = ++this.flows;
      const name = `owner value ${String(read.value)}: stored by pid ${store.pid} tid ${store.tid}, loaded by pid ${read.pid} tid ${read.tid}`;
      this.pending.push({ name, cat: 'owner', ph: 's', id, ts: this.ts(store.t), pid: store.pid, tid: store.tid, args: { storeSeq: store.seq, readSeq: read.seq, faultSeq: e.seq } });
      this.pending.push({ name, cat: 'owner', ph: 'f', bp: 'e', id, ts: this.ts(read.t), pid: read.pid, tid: read.tid });
    }
  }

  /** A store of the value spelled otherwise (1001 against "0x3e9"). */
  private storeOf(value: string | number): TraceEvent | undefined {
    const key = wordKey(value);
    let found: TraceEvent | undefined;
    for (const [v, e] of this.lastStore) if (wordKey(v) === key && (!found || e.seq > found.seq)) found = e;
    return found;
  }

  /**
   * Events are missing before e: close everything at the last stored event and mark the missing
   * stretch on every thread track and on the machine's, as a span of its own.
   */
  private gap(e: TraceEvent): void {
    const from = this.ts(this.lastT);
    const to = this.ts(Math.max(this.lastT, e.t));
    const missing = e.seq - this.lastSeq! - 1;
    this.tracker.gap(this.lastT);
    for (const [cpu, who] of this.onCpu) this.pending.push({ name: who, cat: 'cpu', ph: 'E', ts: from, pid: MACHINE_PID, tid: cpuTid(cpu) });
    this.onCpu.clear();
    this.gaps++;
    const name = `no events stored (${missing} events missing: the stored trace keeps its first and last halves)`;
    const args = { missing, afterSeq: this.lastSeq, beforeSeq: e.seq };
    for (const key of new Set([...this.namedThreads, threadKey(MACHINE_PID, 0)])) {
      const [pid, tid] = key.split('/').map(Number) as [number, number];
      if (pid === MACHINE_PID && tid !== 0) continue;
      this.pending.push({ name, cat: 'gap', ph: 'B', ts: from, pid, tid, args });
      this.pending.push({ name, cat: 'gap', ph: 'E', ts: to, pid, tid });
    }
  }

  summary(): ChromeTraceSummary {
    return {
      inputEvents: this.inputEvents, outputEvents: this.outputEvents, truncated: this.truncatedAtSeq !== undefined, gaps: this.gaps,
      inputTruncated: this.ctx.inputTruncated ?? false, maxEvents: this.maxEvents, microsecondsPerTick: this.scale,
      ...(this.truncatedAtSeq !== undefined ? { truncatedAtSeq: this.truncatedAtSeq } : {}),
    };
  }

  private ts(t: number): number { return t * this.scale; }

  private drain(): ChromeEvent[] {
    this.outputEvents += this.pending.length;
    return this.pending.splice(0);
  }

  private nameProcess(pid: number, name: string, sort: number): void {
    if (this.namedPids.has(pid)) return;
    this.namedPids.add(pid);
    this.pending.push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: 0, args: { name } });
    this.pending.push({ name: 'process_sort_index', ph: 'M', ts: 0, pid, tid: 0, args: { sort_index: sort } });
  }

  private nameThread(pid: number, tid: number, name: string): void {
    const key = threadKey(pid, tid);
    if (this.namedThreads.has(key)) return;
    this.namedThreads.add(key);
    this.pending.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid, args: { name } });
    this.pending.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid, tid, args: { sort_index: tid } });
  }
}

const cpuTid = (cpu: number) => cpu + 1;

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

/**
 * Serialises Chrome events into the JSON document piece by piece: begin(), add() per batch,
 * end(summary). Pieces are batched so a stream gets few, large writes.
 */
class ChromeJsonWriter {
  private first = true;
  constructor(private readonly ctx: VizContext) {}
  begin(): string { return '{"traceEvents":[\n'; }
  add(events: ChromeEvent[]): string {
    if (events.length === 0) return '';
    const text = (this.first ? '' : ',\n') + events.map((e) => JSON.stringify(e)).join(',\n');
    this.first = false;
    return text;
  }
  end(summary: ChromeTraceSummary): string {
    const unit = this.ctx.engine === 'native' ? ',"displayTimeUnit":"ns"' : '';
    return `\n]${unit},"otherData":${JSON.stringify({ generator: 'mutexlab', ...summary, title: this.ctx.title ?? '' })}}\n`;
  }
}

const BATCH = 256;

/** The whole document as text pieces, for streaming to a file or an HTTP response. */
/**
 * The streaming state both entry points share: events go in one at a time, JSON text comes out
 * in batches of BATCH Chrome events. Sync and async callers only differ in how they iterate.
 */
class ChromeTraceStream {
  private readonly conv: ChromeTraceConverter;
  private readonly out: ChromeJsonWriter;
  private batch: ChromeEvent[] = [];

  constructor(ctx: VizContext, options: ChromeTraceOptions) {
    this.conv = new ChromeTraceConverter(ctx, options);
    this.out = new ChromeJsonWriter(ctx);
  }

  begin(): string { return this.out.begin(); }
  get accepting(): boolean { return this.conv.accepting; }

  /** Text to emit once a batch is full, else undefined. */
  push(e: TraceEvent): string | undefined {
    this.batch.push(...this.conv.push(e));
    if (this.batch.length < BATCH) return undefined;
    const text = this.out.add(this.batch);
    this.batch = [];
    return text;
  }

  /** The remaining events and the closing text. */
  finish(): { tail: string; end: string; summary: ChromeTraceSummary } {
    this.batch.push(...this.conv.finish());
    const tail = this.out.add(this.batch);
    const summary = this.conv.summary();
    return { tail, end: this.out.end(summary), summary };
  }
}

export function* chromeTraceChunks(
  events: Iterable<TraceEvent>, ctx: VizContext = {}, options: ChromeTraceOptions = {},
): Generator<string, ChromeTraceSummary> {
  const stream = new ChromeTraceStream(ctx, options);
  yield stream.begin();
  for (const e of events) {
    const text = stream.push(e);
    if (text !== undefined) yield text;
    if (!stream.accepting) break;
  }
  const { tail, end, summary } = stream.finish();
  yield tail;
  yield end;
  return summary;
}

/** The same from an async source (a stored trace streamed back from Redis). */
export async function* chromeTraceChunksAsync(
  events: AsyncIterable<TraceEvent>, ctx: VizContext = {}, options: ChromeTraceOptions = {},
): AsyncGenerator<string, ChromeTraceSummary> {
  const stream = new ChromeTraceStream(ctx, options);
  yield stream.begin();
  for await (const e of events) {
    const text = stream.push(e);
    if (text !== undefined) yield text;
    if (!stream.accepting) break;
  }
  const { tail, end, summary } = stream.finish();
  yield tail;
  yield end;
  return summary;
}

/** The whole document as one string (tests, small traces). */
export function chromeTraceJson(events: Iterable<TraceEvent>, ctx: VizContext = {}, options: ChromeTraceOptions = {}): string {
  let out = '';
  for (const chunk of chromeTraceChunks(events, ctx, options)) out += chunk;
  return out;
}
