// The worker's side of a chunked exploration (src/service/domain/explore-flow.ts). A child job
// runs its range of schedules in the engine sandbox and returns the ChunkReport as the job's
// value; the parent job's spec gets its children's reports, so the sandbox merges and
// finishes instead of exploring again. The engine thread sees these as extra spec members
// (`exploreChunk`, `exploreReports`) that src/explore-run.ts strips before anything else.
import { UnrecoverableError, type Job } from 'bullmq';
import type { ChunkReport } from '../engine/explore/chunk.js';
import type { Spec } from '../engine/spec.js';
import type { ChunkJob } from '../service/domain/explore-flow.js';
import type { QueuedJob } from '../service/domain/queue.js';
import type { ProcessorContext } from './processor.js';

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
  const outcome = await ctx.sandbox.run({ ...spec, exploreChunk: chunk } as Spec, {
    signal,
    onProgress: (progress) => {
      const now = performance.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      const p = progress as { done?: number; failures?: number };
      void report(p.done ?? 0, p.failures ?? 0);
    },
  });
  if (outcome.kind === 'result') {
    const chunkReport = (outcome.result as { chunkReport?: ChunkReport }).chunkReport;
    if (!chunkReport) throw new UnrecoverableError('the engine returned no chunk report');
    await report(chunkReport.ran, chunkReport.failures); // the final figures, never throttled away
    log.info({ ran: chunkReport.ran, failures: chunkReport.failures }, 'exploration chunk done');
    return chunkReport;
  }
  if (outcome.kind === 'aborted') throw new UnrecoverableError(`chunk stopped: ${outcome.reason}`);
  throw new UnrecoverableError(outcome.kind === 'timeout' ? `chunk ran past ${outcome.timeoutMs} ms` : outcome.message);
}

/** The parent of a flow: its spec with the chunk reports of its children (unchanged for any other job). */
export async function withChunkReports(job: Job<QueuedJob>, spec: Spec): Promise<Spec> {
  if (!spec.explore || isChunkJob(job)) return spec;
  const values = await job.getChildrenValues<ChunkReport>();
  const reports = Object.values(values).filter((r) => r && typeof r === 'object' && typeof r.from === 'number');
  return reports.length > 0 ? ({ ...spec, exploreReports: reports } as Spec) : spec;
}
