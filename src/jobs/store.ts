// The experiment record store: the one place that reads and writes experiment records in Redis
// (the API and the worker both go through it). Records outlive BullMQ's job retention: they
// expire after RESULT_TTL. Listing is newest-first over sorted sets (see keys.ts) and costs
// O(log n + page) per page, whatever the total.
import { Readable } from 'node:stream';
import type { RedisClient } from './redis.js';
import type { RunProgress } from '../engine/engine.js';
import type { Spec } from '../engine/spec.js';
import { FACET_FILTERS, FACETS, FILTERS, keys, STATUSES, type FilterName } from './keys.js';
import { scripts, type ScriptName } from './scripts.js';

export type Status = (typeof STATUSES)[number];
export const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

export interface ExperimentError { code: string; message: string }

export interface ExperimentRecord {
  id: string;
  status: Status;
  spec: Spec;
  /** The replay token a POST {"replay": TOKEN} gave (the spec is the token's); null otherwise. */
  replay: string | null;
  queuedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  progress: unknown;
  result: unknown;
  error: ExperimentError | null;
  outcome: string | null;
  attempts: number;
  version: number;
  trace: { events: number; stored: number; truncated: boolean; bytes: number } | null;
}

export interface ExperimentSummary {
  id: string; status: Status; outcome: string | null; platform: string; mutexType: string; engine: string;
  summary: string | null; queuedAt: number; startedAt: number | null; finishedAt: number | null;
}

export type CreateOutcome =
  | { kind: 'created' | 'existing' | 'idempotency_mismatch' | 'idempotency_in_flight'; id: string }
  | { kind: 'full' };

export interface StoredTrace { gzip: Buffer; events: number; stored: number; truncated: boolean }

/** What BEGIN answered; `specJson` is the spec as stored (the engine thread takes it as text). */
export type Begun = { kind: 'run'; spec: Spec; specJson: string; replay: string | null } | { kind: 'skip'; status: string } | { kind: 'gone' };

function begun(kind: string, value: string | undefined, replay?: string): Begun {
  if (kind === 'run') return { kind, spec: JSON.parse(value!) as Spec, specJson: value!, replay: replay || null };
  if (kind === 'skip') return { kind, status: value! };
  return { kind: 'gone' };
}

/**
 * A result to store: the object, or its verdict with the whole result already as JSON text
 * (`resultJson`, from a group's engine thread). `metrics` are MetricsRecorder.completeArgs,
 * counted only if it is stored.
 */
export interface Completed { id: string; result: { verdict: { outcome: string; summary: string } }; resultJson?: string; trace: StoredTrace; metrics?: string[] }

type Arg = string | number | Buffer;

/** COMPLETE's values of one result: result, outcome, summary, trace, then the 4 metric values ('' when not counted). */
function completeArgs({ result, resultJson, trace, metrics }: Completed): Arg[] {
  const m = metrics && metrics.length === 7 ? [metrics[1]!, metrics[3]!, metrics[5]!, metrics[6]!] : ['', '', '', ''];
  return [resultJson ?? JSON.stringify(result), result.verdict.outcome, result.verdict.summary,
    trace.gzip, trace.events, trace.stored, trace.truncated ? 1 : 0, ...m];
}

/** The metric keys among MetricsRecorder.completeArgs (finished counter, engines set, duration histogram), or none. */
const metricKeysOf = (metrics: string[] | undefined): string[] => (metrics && metrics.length === 7 ? [metrics[0]!, metrics[2]!, metrics[4]!] : []);

export type Filters = Partial<Record<FilterName, string>>;

/** Newest-first page: `next` is an opaque cursor, absent on the last page. */
export interface Page { items: ExperimentSummary[]; next: string | null }

/** Entries one list call looks at before it returns a (possibly short) page with a cursor. */
const SCAN_BUDGET = 1000;
const SUMMARY_FIELDS = ['status', 'outcome', 'platform', 'mutexType', 'engine', 'verdictSummary', 'queuedAt', 'startedAt', 'finishedAt'] as const;
const TRACE_CHUNK = 256 * 1024;

type Scripted = RedisClient & Record<string, (...args: Arg[]) => Promise<unknown>>;

const num = (v: string | undefined | null): number | null => (v === undefined || v === null || v === '' ? null : Number(v));

export class CursorError extends Error {}

/** One entry of an index a listing walks, and which index it came from. */
interface IndexEntry { id: string; score: string; index: string }

export function encodeCursor(score: string): string { return Buffer.from(`v1:${score}`).toString('base64url'); }
export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = /^v1:(\d{1,20})$/.exec(text);
  if (!m) throw new CursorError('is not a cursor this service gave out');
  return m[1]!;
}

export class ExperimentStore {
  readonly keys: ReturnType<typeof keys>;
  private readonly redis: Scripted;

  /** idx:status:* of every status, in STATUSES order (the scripts' status_keys). */
  private readonly statusKeys: string[];

  /**
   * Largest gzip trace stored for one experiment (TRACE_MAX_BYTES); a bigger one is not kept:
   * the result is, with `trace.truncated` and no trace bytes. 0: no limit.
   */
  traceMaxBytes = 0;

  constructor(redis: RedisClient, readonly prefix: string, readonly ttlSeconds: number) {
    this.keys = keys(prefix);
    this.statusKeys = STATUSES.map((s) => this.keys.index('status', s));
    // one definition per connection (several stores may share it); the number of keys is given
    // per call, since the batch scripts take a variable number
    for (const [name, lua] of Object.entries(scripts())) {
      if (!(`mutexlab${name}` in redis)) redis.defineCommand(`mutexlab${name}`, { lua });
    }
    this.redis = redis as Scripted;
  }

  private call(name: ScriptName, keys: string[], args: Arg[]): Promise<unknown> {
    return this.redis[`mutexlab${name}`]!(keys.length, ...keys, ...args);
  }

  /** A one-record script (lua/includes/single.lua): its keys, then `extraKeys`; id, ttl, channel, then `args`. */
  private run(name: ScriptName, id: string, extraKeys: string[], ...args: Arg[]): Promise<unknown> {
    return this.call(name, [this.keys.record(id), this.keys.events(id), ...this.statusKeys, ...extraKeys], [id, this.ttlSeconds, this.keys.eventChannel, ...args]);
  }

  async create(id: string, spec: Spec, opts: { maxQueued: number; idempotencyKey?: string; bodyHash?: string; replay?: string }): Promise<CreateOutcome> {
    const idemKey = opts.idempotencyKey ? this.keys.idempotency(opts.idempotencyKey) : this.keys.record(id);
    // The record an Idempotency-Key points to is read first, so that the script is given its key;
    // the script answers 'retry' if the key moved in between, and it is read again.
    let seen = opts.idempotencyKey ? await this.idempotencyTarget(idemKey) : '';
    for (let attempt = 0; ; attempt++) {
      const [kind, existing] = (await this.run('CREATE', id, [
        this.keys.facet(spec), this.keys.seq, idemKey, seen ? this.keys.record(seen) : this.keys.record(id), this.keys.idempotencyPending,
      ], JSON.stringify(spec), spec.platform, spec.mutexType, spec.engine, opts.maxQueued, opts.idempotencyKey ? '1' : '', opts.bodyHash ?? '', opts.replay ?? '', seen)) as [string, string];
      if (kind === 'retry' && attempt < 5) { seen = existing; continue; }
      if (kind === 'retry') throw new Error('the Idempotency-Key kept changing while it was read');
      return kind === 'full' ? { kind: 'full' } : { kind: kind as 'created', id: existing };
    }
  }

  /** The experiment id an Idempotency-Key's entry names, or ''. */
  private async idempotencyTarget(key: string): Promise<string> {
    const v = await this.redis.get(key);
    return v === null ? '' : (/^[a-z]+\|[0-9a-f]*\|(.+)$/.exec(v)?.[1] ?? '');
  }

  /**
   * Records many experiments in one script (admission.ts): for each, in order, true when
   * recorded, false when refused because the queue already holds `maxQueued` experiments.
   */
  async createMany(entries: readonly { id: string; spec: Spec; job?: string }[], maxQueued: number): Promise<boolean[]> {
    const keyList = [this.keys.seq, ...this.statusKeys];
    const args: Arg[] = [this.ttlSeconds, this.keys.eventChannel, maxQueued, entries.length];
    for (const { id, spec, job } of entries) {
      keyList.push(this.keys.record(id), this.keys.facet(spec));
      args.push(id, JSON.stringify(spec), spec.platform, spec.mutexType, spec.engine, job && job !== id ? job : '');
    }
    const created = (await this.call('CREATE_MANY', keyList, args)) as number[];
    return created.map((c) => c === 1);
  }

  async confirmQueued(id: string, idempotencyKey?: string, bodyHash?: string): Promise<void> {
    if (!idempotencyKey) return;
    await this.call('CONFIRM', [this.keys.idempotency(idempotencyKey), this.keys.idempotencyPending], [id, this.ttlSeconds, bodyHash ?? '']);
  }

  /** Undo a create whose job could not be queued, so no record waits forever. */
  async abandon(id: string, idempotencyKey?: string): Promise<void> {
    await this.delete(id);
    if (idempotencyKey) {
      const key = this.keys.idempotency(idempotencyKey);
      await this.redis.multi().del(key).zrem(this.keys.idempotencyPending, key).exec();
    }
  }

  async begin(id: string, worker: string): Promise<Begun> {
    const [kind, value, replay] = (await this.run('BEGIN', id, [], worker)) as [string, string?, string?];
    return begun(kind, value, replay);
  }

  /** BEGIN for several experiments at once (a window of a group job), in order. */
  async beginMany(ids: readonly string[], worker: string): Promise<Begun[]> {
    const keyList = [...this.statusKeys];
    for (const id of ids) keyList.push(this.keys.record(id), this.keys.events(id));
    const flat = (await this.call('BEGIN_MANY', keyList, [this.ttlSeconds, this.keys.eventChannel, worker, ids.length, ...ids])) as string[];
    return ids.map((_, i) => begun(flat[2 * i]!, flat[2 * i + 1]));
  }

  /**
   * Stores the result unless one is already stored or the experiment was cancelled: true if
   * stored. `metrics` (MetricsRecorder.completeArgs) are counted in the same script, only if stored.
   */
  async complete(id: string, result: Completed['result'], trace: StoredTrace, metrics: string[] = []): Promise<boolean> {
    const item = { id, result, trace: this.withinQuota(trace), metrics };
    return (await this.run('COMPLETE', id, [this.keys.index('outcome', result.verdict.outcome), this.keys.trace(id), ...metricKeysOf(metrics), this.keys.traceBytes, this.keys.traceBytesExpiry], ...completeArgs(item))) === 1;
  }

  /** The trace as stored: none at all (truncated) beyond traceMaxBytes. */
  private withinQuota(trace: StoredTrace): StoredTrace {
    if (this.traceMaxBytes <= 0 || trace.gzip.length <= this.traceMaxBytes) return trace;
    return { gzip: Buffer.alloc(0), events: trace.events, stored: 0, truncated: true };
  }

  /** Bytes of stored traces over all experiments (TRACE_STORE_MAX_BYTES counts these). */
  async storedTraceBytes(): Promise<number> {
    return Number(await this.redis.get(this.keys.traceBytes) ?? 0);
  }

  /** COMPLETE for several results at once (a window of a group job): stored or not, in order. */
  async completeMany(items: readonly Completed[]): Promise<boolean[]> {
    const keyList = [...this.statusKeys];
    const args: Arg[] = [this.ttlSeconds, this.keys.eventChannel, items.length];
    for (const item of items) {
      const record = this.keys.record(item.id);
      const counted = metricKeysOf(item.metrics);
      // a result not counted still fills its three metric key slots, with its own record's key
      keyList.push(record, this.keys.events(item.id), this.keys.index('outcome', item.result.verdict.outcome), this.keys.trace(item.id),
        ...(counted.length === 3 ? counted : [record, record, record]));
      args.push(item.id, ...completeArgs({ ...item, trace: this.withinQuota(item.trace) }));
    }
    keyList.push(this.keys.traceBytes, this.keys.traceBytesExpiry);
    return ((await this.call('COMPLETE_MANY', keyList, args)) as number[]).map((s) => s === 1);
  }

  async fail(id: string, error: ExperimentError): Promise<boolean> {
    return (await this.run('FAIL', id, [], JSON.stringify(error))) === 1;
  }

  async requeue(id: string, reason: string): Promise<boolean> {
    return (await this.run('REQUEUE', id, [], reason)) === 1;
  }

  /** Typed: GET /experiments/{id} serialises what is stored here through the progress schema. */
  async progress(id: string, progress: RunProgress): Promise<void> {
    await this.run('PROGRESS', id, [], JSON.stringify(progress));
  }

  /**
   * One chunk's running totals of a chunked exploration; the record's progress becomes the sum
   * over all chunks of `planned` (the whole exploration's schedules). Idempotent per chunk.
   */
  async chunkProgress(id: string, chunk: { index: number; done: number; failures: number }, whole: { planned: number; strategy: string }): Promise<void> {
    await this.run('CHUNK_PROGRESS', id, [this.keys.chunks(id)], chunk.index, chunk.done, chunk.failures, whole.planned, whole.strategy);
  }

  async cancel(id: string): Promise<{ kind: 'cancelled'; previous: Status } | { kind: 'finished'; status: Status } | { kind: 'gone' }> {
    const [kind, status] = (await this.run('CANCEL', id, [], this.keys.cancelChannel)) as [string, Status?];
    if (kind === 'cancelled') return { kind, previous: status! };
    if (kind === 'finished') return { kind, status: status! };
    return { kind: 'gone' };
  }

  async delete(id: string): Promise<boolean> {
    // the index keys come from the record's fields: read them, and read again if they changed
    for (let attempt = 0; attempt < 5; attempt++) {
      const [status, outcome, platform, mutexType, engine] = await this.redis.hmget(this.keys.record(id), 'status', 'outcome', 'platform', 'mutexType', 'engine');
      if (!status) return false;
      const deleted = await this.run('DELETE', id, [
        outcome ? this.keys.index('outcome', outcome) : this.keys.record(id),
        this.keys.facet({ platform: platform ?? '', mutexType: mutexType ?? '', engine: engine ?? '' }), this.keys.trace(id), this.keys.chunks(id),
        this.keys.traceBytes, this.keys.traceBytesExpiry,
      ], outcome ?? '', platform ?? '', mutexType ?? '', engine ?? '');
      if (deleted !== -1) return deleted === 1;
    }
    throw new Error(`experiment ${id} kept changing while it was deleted`);
  }

  async get(id: string): Promise<ExperimentRecord | undefined> {
    const h = await this.redis.hgetall(this.keys.record(id));
    if (!h.status) return undefined;
    return {
      id,
      status: h.status as Status,
      spec: JSON.parse(h.spec!) as Spec,
      replay: h.replay || null,
      queuedAt: Number(h.queuedAt),
      startedAt: num(h.startedAt),
      finishedAt: num(h.finishedAt),
      progress: h.progress ? JSON.parse(h.progress) : null,
      result: h.result ? JSON.parse(h.result) : null,
      error: h.error ? (JSON.parse(h.error) as ExperimentError) : null,
      outcome: h.outcome ?? null,
      attempts: Number(h.attempts ?? 0),
      version: Number(h.version ?? 1),
      trace: h.traceEvents === undefined ? null : {
        events: Number(h.traceEvents), stored: Number(h.traceStored), truncated: h.traceTruncated === '1', bytes: Number(h.traceBytes),
      },
    };
  }

  /** The version alone, for cheap If-None-Match checks. */
  async version(id: string): Promise<number | undefined> {
    const v = await this.redis.hget(this.keys.record(id), 'version');
    return v === null ? undefined : Number(v);
  }

  /**
   * The gzip trace as a stream of chunks read with GETRANGE, so neither the compressed nor the
   * decompressed trace is ever held whole in memory. Undefined when there is none.
   */
  async traceStream(id: string): Promise<Readable | undefined> {
    const key = this.keys.trace(id);
    const size = await this.redis.strlen(key);
    if (size === 0) return undefined;
    let offset = 0;
    const redis = this.redis;
    return new Readable({
      async read() {
        try {
          if (offset >= size) { this.push(null); return; }
          const chunk = await redis.getrangeBuffer(key, offset, Math.min(offset + TRACE_CHUNK, size) - 1);
          offset += TRACE_CHUNK;
          this.push(chunk.length > 0 ? chunk : null);
        } catch (err) { this.destroy(err as Error); }
      },
    });
  }

  /**
   * The index keys whose union holds every record matching `filters` (the filters are checked
   * on the records as well): the status or outcome index named, the facets that agree with the
   * platform, mutexType and engine named, or the five status indexes (every record is in
   * exactly one). A walk reads a batch from each key of its group for every batch it keeps, so
   * reading costs about (keys x entries) of the group per match found, and the cheapest group
   * by that measure is walked: engine=sim fits 24 facets holding nearly every record, and the
   * status indexes walk it faster (bench/listing.ts).
   */
  private async sourcesFor(filters: Filters): Promise<string[]> {
    const options: string[][] = [];
    if (filters.status !== undefined) options.push([this.keys.index('status', filters.status)]);
    if (filters.outcome !== undefined) options.push([this.keys.index('outcome', filters.outcome)]);
    if (FACET_FILTERS.some((f) => filters[f] !== undefined)) {
      options.push(FACETS.filter((facet) => FACET_FILTERS.every((f) => filters[f] === undefined || filters[f] === facet[f])).map((f) => this.keys.facet(f)));
      options.push(this.statusKeys);
    }
    if (options.length === 0) return this.statusKeys;
    // one index alone costs no more than the five status indexes it is part of
    if (options.length === 1) return options[0]!;
    const pipe = this.redis.pipeline();
    for (const option of options) for (const key of option) pipe.zcard(key);
    const cards = (await pipe.exec())!.map(([err, v]) => { if (err) throw err; return v as number; });
    let at = 0;
    const costs = options.map((option) => {
      const entries = cards.slice(at, at += option.length).reduce((sum, n) => sum + n, 0);
      return option.length * entries;
    });
    return options[costs.indexOf(Math.min(...costs))]!;
  }

  /**
   * Newest first. It walks the group of indexes sourcesFor picks, merged by score, and checks
   * every filter on the records, looking at no more than SCAN_BUDGET
   * entries per call: a page can come back short but with a `next` cursor, and a call never
   * costs more than that budget.
   */
  async list(limit: number, cursor: string | undefined, filters: Filters): Promise<Page> {
    const active = FILTERS.filter((f) => filters[f] !== undefined);
    const sources = await this.sourcesFor(filters);
    let max = cursor === undefined ? '+inf' : `(${decodeCursor(cursor)}`;
    const items: ExperimentSummary[] = [];
    let scanned = 0;
    while (scanned < SCAN_BUDGET) {
      const batch = Math.min(Math.max(limit * 2, 50), SCAN_BUDGET - scanned);
      const { entries, exhausted } = await this.newestBelow(sources, max, batch);
      if (entries.length === 0) return { items, next: null };
      const pipe = this.redis.pipeline();
      for (const e of entries) pipe.hmget(this.keys.record(e.id), ...SUMMARY_FIELDS);
      // a pipeline answers each command's error in place instead of rejecting: raise it (a
      // Redis timeout here is a 503 like any other), never read a missing row as a record
      const rows = (await pipe.exec())!.map(([err, v]) => { if (err) throw err; return v as (string | null)[]; });
      const stale: IndexEntry[] = [];
      for (let i = 0; i < entries.length; i++) {
        scanned++;
        const [status, outcome, platform, mutexType, engine, summary, queuedAt, startedAt, finishedAt] = rows[i]!;
        if (!status) { stale.push(entries[i]!); continue; }
        const row = { status, outcome, platform, mutexType, engine } as Record<FilterName, string | null>;
        if (active.every((f) => row[f] === filters[f])) {
          items.push({
            id: entries[i]!.id, status: status as Status, outcome: outcome ?? null, platform: platform!, mutexType: mutexType!, engine: engine!,
            summary: summary ?? null, queuedAt: Number(queuedAt), startedAt: num(startedAt), finishedAt: num(finishedAt),
          });
        }
        if (items.length === limit) {
          await this.dropStale(stale);
          return { items, next: encodeCursor(entries[i]!.score) };
        }
      }
      // records expire on their own; their index entries are dropped when a listing meets them
      await this.dropStale(stale);
      max = `(${entries[entries.length - 1]!.score}`;
      if (exhausted) return { items, next: null };
    }
    return { items, next: encodeCursor(max.slice(1)) };
  }

  /**
   * The `count` newest entries below `max` of all `sources` together. Read in one MULTI, so a
   * record that changes status meanwhile is seen in exactly one status index; scores are unique
   * and a record keeps its score, so the pages of one walk never overlap. `exhausted`: nothing
   * older is left in any source.
   */
  private async newestBelow(sources: readonly string[], max: string, count: number): Promise<{ entries: IndexEntry[]; exhausted: boolean }> {
    const read = sources.length === 1 ? this.redis.pipeline() : this.redis.multi();
    for (const key of sources) read.zrange(key, max, '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, count, 'WITHSCORES');
    const answers = (await read.exec())!.map(([err, v]) => { if (err) throw err; return v as string[]; });
    const entries: IndexEntry[] = [];
    answers.forEach((flat, k) => { for (let i = 0; i < flat.length; i += 2) entries.push({ id: flat[i]!, score: flat[i + 1]!, index: sources[k]! }); });
    // scores are integers below 2^53 (ms * 1000 + seq), so Number compares them exactly
    entries.sort((a, b) => Number(b.score) - Number(a.score));
    return { entries: entries.slice(0, count), exhausted: entries.length < count };
  }

  private async dropStale(stale: readonly IndexEntry[]): Promise<void> {
    if (stale.length === 0) return;
    const pipe = this.redis.pipeline();
    for (const e of stale) pipe.zrem(e.index, e.id);
    await pipe.exec();
  }

  /**
   * Lowest index score of a live record: scores are creation ms * 1000 + seq and a record
   * expires ttlSeconds after its creation, so entries below it name expired records (which the
   * reaper trims). Counting from it makes every count one of live records at once.
   */
  liveFrom(now = Date.now()): string {
    return String((now - this.ttlSeconds * 1000) * 1000);
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const from = this.liveFrom();
    const counts = await Promise.all(STATUSES.map((s) => this.redis.zcount(this.keys.index('status', s), from, '+inf')));
    return Object.fromEntries(STATUSES.map((s, i) => [s, counts[i]!]));
  }

  async countsByOutcome(outcomes: readonly string[]): Promise<Record<string, number>> {
    const from = this.liveFrom();
    const counts = await Promise.all(outcomes.map((o) => this.redis.zcount(this.keys.index('outcome', o), from, '+inf')));
    return Object.fromEntries(outcomes.map((o, i) => [o, counts[i]!]));
  }
}
