// The BullMQ queue `experiments`: name, job options and the one job shape, shared by the API
// (producer) and the worker (consumer). A job carries only experiment ids; the record
// (store.ts) carries the spec, so a retried or recovered job always reads the current state.
// Two shapes: one experiment (job id = experiment id), or a group of small simulations that
// were submitted together (admission.ts), run one after another by one worker.
import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from './redis.js';

export const QUEUE_NAME = 'experiments';
/**
 * The chunks of big explorations (explore-flow.ts) have a queue of their own, served by their
 * own worker slots (worker.ts): however many chunks one exploration queues, they never stand
 * in front of other experiments, nor occupy the slots those run in.
 */
export const CHUNK_QUEUE_NAME = 'experiment-chunks';

export interface ExperimentJob { id: string }
export interface GroupJob { ids: string[] }
export type QueuedJob = ExperimentJob | GroupJob;

export const isGroupJob = (data: QueuedJob): data is GroupJob => Array.isArray((data as Partial<GroupJob>).ids);

/** The experiments a job carries: a group's members, or the one. */
export const experimentsOf = (data: QueuedJob): readonly string[] => (isGroupJob(data) ? data.ids : [data.id]);

export const JOB_OPTIONS: JobsOptions = {
  // infrastructure failures (Redis hiccups while storing) are retried; engine errors are thrown
  // as UnrecoverableError by the worker and never retried
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  // BullMQ's copies are only bookkeeping; the results live in our own records (RESULT_TTL)
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 24 * 3600, count: 1000 },
};

export function openQueue(connection: RedisClient, prefix: string, name = QUEUE_NAME): Queue<QueuedJob> {
  return new Queue<QueuedJob>(name, { connection, prefix, defaultJobOptions: JOB_OPTIONS, skipWaitingForReady: true });
}
