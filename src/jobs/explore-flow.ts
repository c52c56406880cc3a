// Large explorations as a BullMQ flow: a parent job (the experiment's own job, id = experiment
// id) with one child per chunk of schedules. Workers run the children in parallel, each
// returning a ChunkReport; when the last one is done BullMQ releases the parent, whose worker
// merges the reports and finishes (shrinks, explains) exactly as one worker would have: the
// chunks of [0, N) merge to the report of [0, N) (src/engine/explore/chunk.ts).
// dfs explorations are one search and are never split.
import { FlowProducer, type Queue } from 'bullmq';
import { splitRange } from '../engine/explore/chunk.js';
import type { Spec } from '../engine/spec.js';
import { JOB_OPTIONS, QUEUE_NAME, type ExperimentJob, type QueuedJob } from './queue.js';

/** Schedules per chunk; an exploration with more than this runs as a flow (MUTEXLAB_EXPLORE_CHUNK overrides). */
export const EXPLORE_CHUNK_SCHEDULES = Number(process.env.MUTEXLAB_EXPLORE_CHUNK ?? 5000);

export interface ChunkJob extends ExperimentJob { chunk: { from: number; to: number; index: number; of: number } }

export function chunksOf(spec: Spec): ChunkJob['chunk'][] | null {
  const e = spec.explore;
  if (!e || e.strategy === 'dfs' || e.schedules <= EXPLORE_CHUNK_SCHEDULES) return null;
  const ranges = splitRange(e.schedules, Math.ceil(e.schedules / EXPLORE_CHUNK_SCHEDULES));
  return ranges.map((r, index) => ({ ...r, index, of: ranges.length }));
}

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
export async function enqueueExperiment(queue: Queue<QueuedJob>, id: string, spec: Spec): Promise<void> {
  const chunks = chunksOf(spec);
  if (!chunks) { await queue.add('run', { id }, { jobId: id }); return; }
  const flow = producerFor(queue as Queue);
  await flow.add({
    name: 'run', queueName: QUEUE_NAME, data: { id }, opts: { ...JOB_OPTIONS, jobId: id },
    children: chunks.map((chunk) => ({
      name: 'explore-chunk', queueName: QUEUE_NAME, data: { id, chunk } satisfies ChunkJob,
      opts: { ...JOB_OPTIONS, jobId: `${id}-chunk-${chunk.index}`, failParentOnFailure: true },
    })),
  });
}
