// Admission: how submitted experiments get into Redis and the queue, by group commit.
//
// A POST used to cost two Lua scripts in Redis of its own (our record, BullMQ's job insert),
// and Redis, one core, was what capped the submission rate (bench/api.ts). Here every POST that
// arrives while an earlier flush is on its way waits for the next flush, and one flush writes
// all their records with one script (CREATE_MANY) and queues the small simulations among them
// as one BullMQ job. Nothing waits on a timer: a lone POST is flushed on the next turn of the
// event loop, so at low load a group has one member and costs what it did; under load groups
// grow by themselves to what arrived during one round trip.
//
// Order matters for "nothing accepted is lost": a worker must never meet a job whose record is
// not there yet. The records' script and the jobs are sent together, without waiting for the
// first answer, on the one connection the store and the queue share. createMany hands its
// command to ioredis before it returns (no await comes before the send), before addJobs is even
// called, and Redis runs one client's commands in the order they arrive: the records are written
// before the jobs exist, and a flush costs one round trip instead of two.
// ioredis's NOSCRIPT resend could reorder them only after a SCRIPT FLUSH, and then BullMQ's
// script is resent behind ours; a record left queued without a live job is queued again by
// the reaper in any case. A flush whose jobs cannot be added deletes the records it wrote and
// fails every POST in it; one whose records cannot be written fails every POST, and its jobs,
// finding no record, end as skipped ("gone").
//
// Who shares a job: sims without exploration and with few lock cycles (groupable). A group runs
// one experiment after another on one worker slot, so a long run must not hold up the rest, and
// a group is closed at GROUP_MAX_MEMBERS or GROUP_MAX_CYCLES so that a burst is spread over
// several jobs (and so over every free slot); native runs, explorations and big simulations get
// a job each, queued in the same flush.
import { randomUUID } from 'node:crypto';
import type { JobsOptions, Queue } from 'bullmq';
import type { Spec } from '../engine/spec.js';
import { experimentsOf, type QueuedJob } from './queue.js';
import type { ExperimentStore } from './store.js';

/**
 * Lock/unlock cycles (threads x iterations over all processes) up to which a simulation shares
 * a job: 2000 took ~13 ms of engine time here (solaris10-fixed at iterations 1000).
 */
export const GROUPABLE_CYCLES = 2_000;
/** A group job holds at most this many experiments, and at most this many cycles in all. */
export const GROUP_MAX_MEMBERS = 64;
export const GROUP_MAX_CYCLES = 20_000;
/** Experiments per flush at most (and so per group job). */
export const FLUSH_MAX = 200;
/** Flushes on their way to Redis at once: the next one fills while these travel (1, 2, 4, 8 measured: 2 was best). */
const FLUSHES_IN_FLIGHT = 2;

const cycles = (spec: Spec): number => spec.processes.reduce((sum, p) => sum + p.threads, 0) * spec.iterations;

export function groupable(spec: Spec): boolean {
  return spec.engine === 'sim' && !spec.explore && spec.repeat === undefined && cycles(spec) <= GROUPABLE_CYCLES;
}

/** What became of one submission: recorded and queued, or refused because the queue is full. */
export type Admitted = 'queued' | 'full';

interface Pending { id: string; spec: Spec; resolve: (a: Admitted) => void; reject: (err: unknown) => void }

interface JobToAdd { name: string; data: QueuedJob; opts: JobsOptions }

export class Admission {
  private waiting: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly store: ExperimentStore,
    private readonly queue: Queue<QueuedJob>,
    private readonly maxQueued: number,
  ) {}

  admit(id: string, spec: Spec): Promise<Admitted> {
    return new Promise<Admitted>((resolve, reject) => {
      this.waiting.push({ id, spec, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= FLUSHES_IN_FLIGHT) return;
    this.scheduled = true;
    // setImmediate, not nextTick: every request parsed in this turn of the loop joins the flush
    setImmediate(() => {
      this.scheduled = false;
      while (this.waiting.length > 0 && this.inFlight < FLUSHES_IN_FLIGHT) {
        const batch = this.waiting.splice(0, FLUSH_MAX);
        this.inFlight++;
        void this.flush(batch).finally(() => {
          this.inFlight--;
          if (this.waiting.length > 0) this.schedule();
        });
      }
    });
  }

  private async flush(batch: Pending[]): Promise<void> {
    // the jobs are planned first so that each record names the job that will carry it (the
    // reaper asks that job's state when the record stays queued or running too long)
    const planned = jobsFor(batch);
    const jobOf = new Map<string, string>();
    for (const job of planned) for (const id of experimentsOf(job.data)) jobOf.set(id, job.opts.jobId!);
    // both sent before either is awaited: see "Order matters" at the top
    const records = this.store.createMany(batch.map((p) => ({ id: p.id, spec: p.spec, job: jobOf.get(p.id) })), this.maxQueued);
    const jobs = this.addJobs(planned);
    const [recorded, queued] = await Promise.allSettled([records, jobs]);
    if (recorded.status === 'rejected') {
      for (const p of batch) p.reject(recorded.reason);
      return;
    }
    const created = recorded.value;
    const admitted = new Set(batch.filter((_, i) => created[i]).map((p) => p.id));
    if (queued.status === 'rejected') {
      // no job, no experiment: take the records back so none waits forever as queued (if the
      // API dies right here instead, the reaper queues them again)
      // answered first and not awaited: while Redis does not answer, taking back would hold
      // this flush's slot, and so every POST waiting for it, for two more command timeouts
      // (README "Failure and recovery" bounds a request's wait). If it fails, the reaper
      // queues the records after all.
      for (const p of batch) p.reject(queued.reason);
      void Promise.allSettled([...admitted].map((id) => this.store.abandon(id)));
      return;
    }
    if (admitted.size < batch.length) await this.takeBackRefused(planned, admitted);
    batch.forEach((p, i) => p.resolve(created[i] ? 'queued' : 'full'));
  }

  /**
   * MAX_QUEUED refused some of the flush after their jobs were sent: the jobs that carry none of
   * the admitted are removed. A group that carries some of each stays; a worker skips its
   * refused members, which have no record ("gone"). Best effort: a job a worker has already
   * taken cannot be removed, and skips the same way.
   */
  private async takeBackRefused(planned: JobToAdd[], admitted: ReadonlySet<string>): Promise<void> {
    const carriesNone = planned.filter((job) => experimentsOf(job.data).every((id) => !admitted.has(id)));
    await Promise.allSettled(carriesNone.map((job) => this.queue.remove(job.opts.jobId!)));
  }

  private async addJobs(jobs: JobToAdd[]): Promise<void> {
    if (jobs.length === 1) await this.queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts);
    else if (jobs.length > 1) await this.queue.addBulk(jobs);
  }
}

/** The groupable experiments of a flush in groups (a plain job when one is alone), a job for each other. */
function jobsFor(admitted: readonly { id: string; spec: Spec }[]): JobToAdd[] {
  const jobs: JobToAdd[] = [];
  let group: string[] = [];
  let groupCycles = 0;
  const close = () => {
    if (group.length === 1) jobs.push({ name: 'run', data: { id: group[0]! }, opts: { jobId: group[0]! } });
    else if (group.length > 1) jobs.push({ name: 'group', data: { ids: group }, opts: { jobId: `group-${randomUUID()}` } });
    group = [];
    groupCycles = 0;
  };
  for (const { id, spec } of admitted) {
    if (!groupable(spec)) { jobs.push({ name: 'run', data: { id }, opts: { jobId: id } }); continue; }
    if (group.length === GROUP_MAX_MEMBERS || groupCycles + cycles(spec) > GROUP_MAX_CYCLES) close();
    group.push(id);
    groupCycles += cycles(spec);
  }
  close();
  return jobs;
}
