// The reaper: repairs what a process that died between two writes left behind, on a schedule,
// under a Redis lock so that several API instances never repair the same thing at once.
//  - A record `queued` whose job does not exist (the API died after its record script and
//    before queue.add): queued again (job id = experiment id, so adding twice is a no-op).
//  - A record `queued` or `running` whose job has failed or completed without ending it (its
//    worker died between the two): failed with `worker_lost`, which emits the finishing event.
//  - An Idempotency-Key still `pending` (its request died): answered `done` with the
//    experiment's id, so a retry gets the experiment instead of 409; removed if the record is gone.
//  - Index entries of expired records (P:idx:*): dropped by score (a record expires RESULT_TTL
//    after its creation, and the score is its creation time), so the sets stop growing.
//  - Bytes of expired traces: taken off the stored-trace total (TRACE_STORE_MAX_BYTES).
// Only what is older than GRACE_MS is looked at: a live request makes its writes within
// milliseconds, and the API's Redis command timeout bounds it to a few seconds.
import type { Queue } from 'bullmq';
import type { RedisClient } from './redis.js';
import type { FastifyBaseLogger } from 'fastify';
import type { Spec } from '../engine/spec.js';
import { enqueueExperiment } from './explore-flow.js';
import { QUEUE_NAME, type QueuedJob } from './queue.js';
import { isRedisUnavailable } from './redis.js';
import type { ExperimentStore } from './store.js';

export const REAPER_EVERY_MS = 5_000;
export const GRACE_MS = 10_000;
/** Records (and pending keys) looked at per pass, oldest first: a pass costs a bounded amount. */
const PASS_LIMIT = 2_000;
/**
 * How long the lock may be held by a pass whose instance died (or lost Redis) before releasing
 * it. A pass of PASS_LIMIT records takes well under a second; should one take longer than this,
 * a second instance may pass at the same time, which is harmless: every repair is conditional
 * (FAIL changes only unfinished records, a job id is added once, a key is set to the same value).
 */
const LOCK_MS = 20_000;

/** Takes expired traces' bytes off the total, atomically, so a retried pass never subtracts twice. */
const EXPIRE_TRACE_BYTES = `
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local sum = 0
for _, m in ipairs(due) do sum = sum + tonumber(string.match(m, '|(%d+)$')) end
if #due > 0 then redis.call('ZREM', KEYS[2], unpack(due)); redis.call('DECRBY', KEYS[1], sum) end
return sum`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface ReaperFigures { requeued: number; lost: number; keysFreed: number; keysDone: number; indexEntriesDropped: number; traceBytesExpired: number }

type JobState = 'live' | 'missing' | 'failed' | 'completed';

export class Reaper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly redis: RedisClient,
    private readonly store: ExperimentStore,
    private readonly queue: Queue<QueuedJob>,
    private readonly owner: string,
    private readonly log: Pick<FastifyBaseLogger, 'warn' | 'debug'>,
    private readonly opts: { everyMs?: number; graceMs?: number; exploreChunk?: number } = {},
  ) {}

  start(): void {
    const tick = () => {
      if (this.running) return;
      this.running = this.pass().catch((err) => {
        // an outage is reported by the connections themselves; the next pass after it repairs
        if (isRedisUnavailable(err)) this.log.debug({ err: (err as Error).message }, 'reaper pass skipped: Redis does not answer');
        else this.log.warn({ err }, 'reaper pass failed');
      }).finally(() => { this.running = undefined; });
    };
    // a first pass at once: an instance restarted after a crash repairs what the crash left
    // without waiting a period (and an instance killed again soon still got its pass in)
    setImmediate(tick);
    this.timer = setInterval(tick, this.opts.everyMs ?? REAPER_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass if this process gets the lock (null otherwise). */
  async pass(): Promise<ReaperFigures | null> {
    const lock = this.store.keys.reaperLock;
    if (await this.redis.set(lock, this.owner, 'PX', LOCK_MS, 'NX') !== 'OK') return null;
    try {
      const f: ReaperFigures = { requeued: 0, lost: 0, keysFreed: 0, keysDone: 0, indexEntriesDropped: 0, traceBytesExpired: 0 };
      await this.repairRecords(f);
      await this.repairIdempotency(f); // after the records: a key's experiment has its job by now
      await this.trimIndexes(f);
      f.traceBytesExpired = Number(await this.redis.eval(EXPIRE_TRACE_BYTES, 2, this.store.keys.traceBytes, this.store.keys.traceBytesExpiry, Date.now(), PASS_LIMIT));
      if (f.requeued + f.lost + f.keysFreed + f.keysDone > 0) this.log.warn(f, 'reaper repaired what a dead process left behind');
      return f;
    } finally {
      await this.redis.eval(RELEASE, 1, lock, this.owner);
    }
  }

  private get graceMs(): number { return this.opts.graceMs ?? GRACE_MS; }

  private async repairRecords(f: ReaperFigures): Promise<void> {
    const k = this.store.keys;
    // index scores are ms * 1000 + seq: every record of the cutoff's millisecond counts as old enough
    const before = String((Date.now() - this.graceMs) * 1000 + 999);
    const from = this.store.liveFrom();
    const candidates: { id: string; status: 'queued' | 'running' }[] = [];
    for (const status of ['queued', 'running'] as const) {
      const ids = await this.redis.zrangebyscore(k.index('status', status), from, before, 'LIMIT', 0, PASS_LIMIT);
      for (const id of ids) candidates.push({ id, status });
    }
    if (candidates.length === 0) return;
    const jobIds = (await this.pipelined(candidates.map(({ id }) => ['hget', k.record(id), 'job']))).map((j, i) => (j as string | null) || candidates[i]!.id);
    const states = await this.jobStates([...new Set(jobIds)]);
    for (const [i, { id, status }] of candidates.entries()) {
      const state = states.get(jobIds[i]!)!;
      if (state === 'live') continue;
      if (state === 'missing' && status === 'queued') {
        const spec = await this.redis.hget(k.record(id), 'spec');
        if (spec === null) continue; // expired meanwhile
        await enqueueExperiment(this.queue, id, JSON.parse(spec) as Spec, this.opts.exploreChunk);
        await this.redis.hdel(k.record(id), 'job'); // its own job from now on
        f.requeued++;
        continue;
      }
      const why = state === 'missing' ? 'no job carries it any more' : `its job ${state === 'failed' ? 'failed' : 'ended'} without ending it`;
      if (await this.store.fail(id, { code: 'worker_lost', message: `${why}: the worker running it died before it could end it, or a chunk of its exploration failed` })) f.lost++;
    }
  }

  /**
   * Each job's state, read cheaply in one pipeline: live (waiting, active, delayed...), missing,
   * or failed / completed more than the grace period ago (a worker that just moved its job
   * ends the record itself within milliseconds).
   */
  private async jobStates(jobIds: string[]): Promise<Map<string, JobState>> {
    const base = `${this.store.prefix}:${QUEUE_NAME}`;
    const cmds: string[][] = [];
    for (const j of jobIds) cmds.push(['exists', `${base}:${j}`], ['zscore', `${base}:completed`, j], ['zscore', `${base}:failed`, j]);
    const r = await this.pipelined(cmds);
    const out = new Map<string, JobState>();
    jobIds.forEach((j, i) => {
      const [exists, completedAt, failedAt] = [r[3 * i], r[3 * i + 1], r[3 * i + 2]] as [number, string | null, string | null];
      if (exists !== 1) out.set(j, 'missing');
      else if (failedAt !== null) out.set(j, Date.now() - Number(failedAt) > this.graceMs ? 'failed' : 'live');
      else if (completedAt !== null) out.set(j, Date.now() - Number(completedAt) > this.graceMs ? 'completed' : 'live');
      else out.set(j, 'live');
    });
    return out;
  }

  private async repairIdempotency(f: ReaperFigures): Promise<void> {
    const k = this.store.keys;
    const due = await this.redis.zrangebyscore(k.idempotencyPending, '-inf', Date.now() - this.graceMs, 'LIMIT', 0, PASS_LIMIT);
    for (const key of due) {
      const value = await this.redis.get(key);
      const m = value ? /^pending\|([0-9a-f]*)\|(.+)$/.exec(value) : null;
      if (!m) { await this.redis.zrem(k.idempotencyPending, key); continue; } // confirmed or expired meanwhile
      const [, hash, id] = m;
      if (await this.redis.exists(k.record(id!)) === 0) {
        await this.redis.multi().del(key).zrem(k.idempotencyPending, key).exec();
        f.keysFreed++;
        continue;
      }
      await this.redis.multi().set(key, `done|${hash}|${id}`, 'KEEPTTL').zrem(k.idempotencyPending, key).exec();
      f.keysDone++;
    }
  }

  /** Every index there can be (keys.ts FILTER_VALUES), trimmed in one pipeline: no SCAN. */
  private async trimIndexes(f: ReaperFigures): Promise<void> {
    const from = `(${this.store.liveFrom()}`;
    const dropped = await this.pipelined(this.store.keys.allIndexes().map((index) => ['zremrangebyscore', index, '-inf', from]));
    for (const n of dropped) f.indexEntriesDropped += n as number;
  }

  private async pipelined(cmds: string[][]): Promise<unknown[]> {
    if (cmds.length === 0) return [];
    const p = this.redis.pipeline();
    for (const [cmd, ...args] of cmds) (p as unknown as Record<string, (...a: string[]) => void>)[cmd!]!(...args);
    return (await p.exec())!.map(([err, v]) => { if (err) throw err; return v; });
  }
}
