// The worker's side of a chunked exploration (src/jobs/explore-flow.ts). A child job
// runs its range of schedules in the engine sandbox and returns the ChunkReport as the job's
// value; the parent job's spec gets its children's reports, so the sandbox merges and
// finishes instead of exploring again: the requests 'explore-chunk' and 'explore-finish'
// (src/runner/request.ts).
import { UnrecoverableError, type Job } from 'bullmq';
import type { ChunkReport } from '../engine/explore/index.js';
import type { Spec } from '../engine/spec.js';
import type { EngineRequest } from '../runner/request.js';
import type { ChunkJob } from '../jobs/explore-flow.js';
import type { QueuedJob } from '../jobs/queue.js';
import type { ProcessorContext } from './context.js';

const PROGRESS_EVERY_MS = 250;

export const isChunkJob = (job: Job<QueuedJob>): job is Job<ChunkJob> => (job.data as Partial<ChunkJob>).chunk !== undefined;

export async function processChunk(ctx: ProcessorContext, job: Job<ChunkJob>, spec: Spec, signal: AbortSignal): Promise<ChunkReport> {
  const { id, chunk } = job.data;
  const log = ctx.logger.child({ experimentId: id, chunk: `${chunk.index + 1}/${chunk.of}` });
  // Each chunk sends its own running totals; the store sums them over the chunks, so the
  // record shows the whole exploration (done of spec.explore.schedules), not one chunk's share.
  const whole = { planned: spec.explore?.schedules ?? chunk.to, strategy: spec.explore?.strategy ?? 'random' };
  const report = (done: number, failures: number) => ctx.store.chunkProgress(id, { index: chunk.index, done, failures }, whole)
    .catch((err) => log.warn({ err }, 'progress not stored'));
  let last = 0;
  const outcome = await ctx.sandbox.run({ kind: 'explore-chunk', spec, from: chunk.from, to: chunk.to }, {
    signal,
    onProgress: (progress) => {
      const now = performance.now();
      if (progress.kind !== 'exploration' || now - last < PROGRESS_EVERY_MS) return;
      last = now;
      void report(progress.done, progress.failures);
    },
  });
  if (outcome.kind === 'result') throw new UnrecoverableError('the engine answered a chunk with a result');
  if (outcome.kind === 'chunk') {
    const chunkReport = outcome.report;
    await report(chunkReport.ran, chunkReport.failures); // the final figures, never throttled away
    log.info({ ran: chunkReport.ran, failures: chunkReport.failures }, 'exploration chunk done');
    return chunkReport;
  }
  if (outcome.kind === 'aborted') throw new UnrecoverableError(`chunk stopped: ${outcome.reason}`);
  throw new UnrecoverableError(outcome.kind === 'timeout' ? `chunk ran past ${outcome.timeoutMs} ms` : outcome.message);
}

/** The parent of a flow finishes its children's reports; any other job keeps its request. */
export async function withChunkReports(job: Job<QueuedJob>, request: EngineRequest): Promise<EngineRequest> {
  if (request.kind !== 'explore' || isChunkJob(job)) return request;
  const values = await job.getChildrenValues<ChunkReport>();
  const reports = Object.values(values).filter((r) => r && typeof r === 'object' && typeof r.from === 'number');
  return reports.length > 0 ? { kind: 'explore-finish', spec: request.spec, reports } : request;
}
