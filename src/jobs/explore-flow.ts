// Large explorations as a BullMQ flow: a parent job (the experiment's own job, id = experiment
// id) with one child per chunk of schedules. Workers run the children in parallel, each
// returning a ChunkReport; when the last one is done BullMQ releases the parent, whose worker
// merges the reports and finishes (shrinks, explains) exactly as one worker would have: the
// chunks of [0, N) merge to the report of [0, N) (src/engine/explore/chunk.ts).
// dfs explorations are one search and are never split.
import { FlowProducer, type Queue } from 'bullmq';
import { splitRange } from '../engine/explore/chunk.js';
import type { Spec } from '../engine/spec.js';
import { CHUNK_QUEUE_NAME, JOB_OPTIONS, QUEUE_NAME, type ExperimentJob, type QueuedJob } from './queue.js';

/** Schedules per chunk by default; an exploration with more runs as a flow (EXPLORE_CHUNK sets it: config.ts). */
export const EXPLORE_CHUNK_SCHEDULES = 5000;

export interface ChunkJob extends ExperimentJob { chunk: { from: number; to: number; index: number; of: number } }

export function chunksOf(spec: Spec, chunkSchedules = EXPLORE_CHUNK_SCHEDULES): ChunkJob['chunk'][] | null {
  const e = spec.explore;
  if (!e || e.strategy === 'dfs' || e.schedules <= chunkSchedules) return null;
  const ranges = splitRange(e.schedules, Math.ceil(e.schedules / chunkSchedules));
  return ranges.map((r, index) => ({ ...r, index, of: ranges.length }));
}

/** BullMQ's largest priority (2^21). */
const MAX_PRIORITY = 2_097_152;

const producers = new WeakMap<Queue, FlowProducer>();

/** One flow producer per queue, on the queue's own (shared) connection. */
function producerFor(queue: Queue): FlowProducer {
  let p = producers.get(queue);
  if (!p) {
    p = new FlowProducer({ connection: queue.opts.connection, ...(queue.opts.prefix ? { prefix: queue.opts.prefix } : {}) });
    producers.set(queue, p);
  }
  return p;
}

/** Queue the experiment: one job, or a parent with a child per chunk. */
export async function enqueueExperiment(queue: Queue<QueuedJob>, id: string, spec: Spec, chunkSchedules = EXPLORE_CHUNK_SCHEDULES): Promise<void> {
  const chunks = chunksOf(spec, chunkSchedules);
  if (!chunks) { await queue.add('run', { id }, { jobId: id }); return; }
  const flow = producerFor(queue as Queue);
  await flow.add({
    name: 'run', queueName: QUEUE_NAME, data: { id }, opts: { ...JOB_OPTIONS, jobId: id },
    children: chunks.map((chunk) => ({
      // Fairness: chunks go to their own queue (CHUNK_QUEUE_NAME, own worker slots), so a
      // small experiment submitted behind a huge exploration never waits for its chunks.
      // Between explorations: priority = chunk index + 1, so chunk k of every exploration comes
      // before chunk k+1 of any, and two explorations share the chunk slots instead of running
      // one after the other.
      name: 'explore-chunk', queueName: CHUNK_QUEUE_NAME, data: { id, chunk } satisfies ChunkJob,
      opts: { ...JOB_OPTIONS, jobId: `${id}-chunk-${chunk.index}`, failParentOnFailure: true, priority: Math.min(chunk.index + 1, MAX_PRIORITY) },
    })),
  });
}
