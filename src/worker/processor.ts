// What a worker does with one job: one experiment (experiment.ts), a chunk of an exploration
// flow (explore-chunk.ts, reached through experiment.ts once the record says it may run), or a
// group of small simulations admitted together (group.ts).
import type { Job } from 'bullmq';
import { isGroupJob, type ExperimentJob, type GroupJob, type QueuedJob } from '../jobs/queue.js';
import type { ProcessorContext } from './context.js';
import { processExperiment } from './experiment.js';
import { processGroup } from './group.js';

export function processJob(ctx: ProcessorContext, job: Job<QueuedJob>, token?: string, signal?: AbortSignal): Promise<unknown> {
  if (isGroupJob(job.data)) return processGroup(ctx, job as Job<GroupJob>, token, signal);
  return processExperiment(ctx, job.data.id, job as Job<ExperimentJob>, token, signal);
}
