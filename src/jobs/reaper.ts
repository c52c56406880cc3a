// The reaper: repairs what a process that died between two writes left behind, on a schedule,
// under a Redis lock so that several workers never repair the same thing twice.
//  - A record `queued` with no BullMQ job (the API died after its record script and before
//    queue.add): the job is added again (job id = experiment id, so adding twice is a no-op).
//  - A record `queued` or `running` whose single job has already failed or completed (its worker
//    died before it could end the record): failed with `worker_lost`.
//  - An Idempotency-Key still `pending` (the request died): marked done with the experiment's
//    id, so a retry gets the experiment instead of 409 forever; removed if the record is gone.
//  - Index entries of expired records (P:idx:*): dropped, oldest first, so that every count
//    (/stats, /metrics, MAX_QUEUED) is of live records.
// Only what is older than GRACE_MS is looked at: a live request finishes its two writes within
// milliseconds, and the Redis command timeout bounds it to seconds.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isGroupJob, type QueuedJob } from './queue.js';
import type { ExperimentStore } from './store.js';

export const REAPER_EVERY_MS = 10_000;
export const GRACE_MS = 20_000;
/** Entries looked at per index per pass (oldest first); a pass goes on while it finds expired ones. */
const TRIM_BATCH = 500;
const LIVE_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

export interface ReaperFigures { requeued: number; lost: number; keysFreed: number; keysDone: number; indexEntriesDropped: number }

export class Reaper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly redis: Redis,
    private readonly store: ExperimentStore,
    private readonly queue: Queue<QueuedJob>,
    private readonly owner: string,
    private readonly log: Logger,
    private readonly opts: { everyMs?: number; graceMs?: number } = {},
  ) {}

  start(): void {
    const every = this.opts.everyMs ?? REAPER_EVERY_MS;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.pass().catch((err) => this.log.warn({ err }, 'reaper pass failed')).finally(() => { this.running = undefined; });
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass if this process gets the lock (null otherwise). */
  async pass(): Promise<ReaperFigures | null> {
    const p = this.store.prefix;
    const lock = `${p}:reaper:lock`;
    const every = this.opts.everyMs ?? REAPER_EVERY_MS;
    // held for one period: another instance's pass in the same period finds it taken
    if (await this.redis.set(lock, this.owner, 'PX', every, 'NX') !== 'OK') return null;
    const figures: ReaperFigures = { requeued: 0, lost: 0, keysFreed: 0, keysDone: 0, indexEntriesDropped: 0 };
    await this.repairRecords(figures);
    await this.repairIdempotency(figures);
    await this.trimIndexes(figures);
    if (figures.requeued + figures.lost + figures.keysFreed + figures.keysDone + figures.indexEntriesDropped > 0) this.log.warn(figures, 'reaper repaired');
    return figures;
  }

  private async repairRecords(f: ReaperFigures): Promise<void> {
    const k = this.store.keys;
    const before = (Date.now() - (this.opts.graceMs ?? GRACE_MS)) * 1000; // index scores are ms * 1000 + seq
    const queued = await this.redis.zrangebyscore(k.index('status', 'queued'), '-inf', before);
    const running = await this.redis.zrangebyscore(k.index('status', 'running'), '-inf', before);
    if (queued.length + running.length === 0) return;
    let groupMembers: Set<string> | undefined;
    for (const [status, ids] of [['queued', queued], ['running', running]] as const) {
      for (const id of ids) {
        const job = await this.queue.getJob(id);
        const state = job ? await job.getState() : 'missing';
        if (state === 'failed' || state === 'completed') {
          if (await this.store.fail(id, { code: 'worker_lost', message: `its job ended (${state}) without ending the experiment: the worker died first` })) f.lost++;
          continue;
        }
        if (state !== 'missing' && state !== 'unknown') continue; // it has a live job
        groupMembers ??= await this.liveGroupMembers();
        if (groupMembers.has(id)) continue;
        // a running record without any job: its worker died and its job is gone; a queued one never got one
        if (status === 'running') {
          if (await this.store.fail(id, { code: 'worker_lost', message: 'no job runs it any more: the worker died and its job is gone' })) f.lost++;
        } else {
          await this.queue.add('run', { id }, { jobId: id });
          f.requeued++;
        }
      }
    }
  }

  private async liveGroupMembers(): Promise<Set<string>> {
    const members = new Set<string>();
    const jobs = await this.queue.getJobs([...LIVE_JOB_STATES]);
    for (const job of jobs) if (job && isGroupJob(job.data)) for (const id of job.data.ids) members.add(id);
    return members;
  }

  private async repairIdempotency(f: ReaperFigures): Promise<void> {
    const stream = this.redis.scanStream({ match: this.store.keys.idempotency('*'), count: 500 });
    for await (const found of stream as AsyncIterable<string[]>) {
      for (const key of found) {
        const value = await this.redis.get(key);
        if (!value?.startsWith('pending|')) continue;
        const [, hash, id] = value.split('|');
        const queuedAt = await this.redis.hget(this.store.keys.record(id!), 'queuedAt');
        if (queuedAt === null) { await this.redis.del(key); f.keysFreed++; continue; }
        if (Date.now() - Number(queuedAt) < (this.opts.graceMs ?? GRACE_MS)) continue; // its request may still be alive
        // the record has a job by now (repairRecords ran first) or has ended: the key answers with it
        await this.redis.set(key, `done|${hash}|${id}`, 'KEEPTTL');
        f.keysDone++;
      }
    }
  }

  private async trimIndexes(f: ReaperFigures): Promise<void> {
    const k = this.store.keys;
    const stream = this.redis.scanStream({ match: `${this.store.prefix}:idx:*`, count: 500 });
    for await (const found of stream as AsyncIterable<string[]>) {
      for (const index of found) {
        for (;;) {
          const oldest = await this.redis.zrange(index, '0', String(TRIM_BATCH - 1));
          if (oldest.length === 0) break;
          const pipeline = this.redis.pipeline();
          for (const id of oldest) pipeline.exists(k.record(id));
          const exists = (await pipeline.exec())!.map(([, n]) => n === 1);
          const gone = oldest.filter((_, i) => !exists[i]);
          if (gone.length > 0) { await this.redis.zrem(index, ...gone); f.indexEntriesDropped += gone.length; }
          if (gone.length < oldest.length) break; // reached live records: newer ones expire later
        }
      }
    }
  }
}
