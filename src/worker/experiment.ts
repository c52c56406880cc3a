// One experiment of a job (its own, or one a group window handed back): mark it running, run
// the engine in the sandbox, store what came out. Every line it logs carries the experiment id.
// A run stopped at limits.timeoutMs completes as limit_exceeded. Deterministic failures (engine error, crash)
// are final (UnrecoverableError); anything else is thrown as is, so BullMQ retries it with
// backoff.
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { QueuedJob } from '../jobs/queue.js';
import { requestFor } from '../runner/request.js';
import { ABORT_CANCELLED, ABORT_SHUTDOWN, type ProcessorContext } from './context.js';
import { endFailed, endTimedOut } from './endings.js';
import { isChunkJob, processChunk, withChunkReports } from './explore-chunk.js';

const PROGRESS_EVERY_MS = 250;

export async function processExperiment(ctx: ProcessorContext, id: string, job: Job<QueuedJob>, token?: string, signal?: AbortSignal): Promise<unknown> {
  const log = ctx.logger.child({ experimentId: id, attempt: job.attemptsMade + 1 });
  const controller = new AbortController();
  // chunks of one exploration may run side by side on this worker: each has its own entry
  // (experiment id # job id), and a cancel stops every entry of the experiment (worker.ts)
  const key = isChunkJob(job) ? `${id}#${job.id}` : id;
  ctx.active.set(key, controller);
  const onBullAbort = () => controller.abort(new Error(ABORT_CANCELLED));
  signal?.addEventListener('abort', onBullAbort, { once: true });
  try {
    const begun = await ctx.store.begin(id, ctx.workerName);
    if (begun.kind !== 'run') {
      log.info({ status: begun.kind === 'skip' ? begun.status : 'gone' }, 'nothing to run');
      return { skipped: begun.kind };
    }
    if (isChunkJob(job)) return await processChunk(ctx, job, begun.spec, controller.signal); // a chunk of a flow (explore-chunk.ts)
    log.info({ engine: begun.spec.engine, platform: begun.spec.platform, seed: begun.spec.seed }, 'experiment running');
    let lastProgress = 0;
    const started = performance.now();
    const outcome = await ctx.sandbox.run(await withChunkReports(job, requestFor(begun.spec, begun.replay)), {
      signal: controller.signal,
      onProgress: (progress) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_EVERY_MS) return;
        lastProgress = now;
        ctx.store.progress(id, progress).catch((err) => log.warn({ err }, 'progress not stored'));
      },
    });
    const ms = Math.round(performance.now() - started);
    switch (outcome.kind) {
      case 'result': {
        // counted by the store's COMPLETE script itself, only when it stores the result
        const metrics = ctx.metrics?.completeArgs({ outcome: outcome.result.verdict.outcome, platform: begun.spec.platform, engine: begun.spec.engine, durationMs: ms }) ?? [];
        const stored = await ctx.store.complete(id, outcome.result, { gzip: outcome.traceGzip, ...outcome.trace }, metrics);
        if (stored) log.info({ outcome: outcome.result.verdict.outcome, ms, traceEvents: outcome.trace.events, traceBytes: outcome.traceGzip.length }, 'experiment completed');
        else log.warn({ ms }, 'result not stored: the experiment was cancelled or another worker already stored its result');
        return { outcome: outcome.result.verdict.outcome, stored };
      }
      case 'aborted':
        if (outcome.reason === ABORT_SHUTDOWN) {
          // hand it back: another worker (or this one after a restart) runs it from the start
          await ctx.store.requeue(id, 'worker shutting down');
          await job.moveToWait(token);
          log.info({ ms }, 'engine stopped for shutdown; experiment handed back to the queue');
          throw new WaitingError();
        }
        log.info({ ms }, 'experiment cancelled; engine stopped');
        return { cancelled: true };
      case 'timeout':
        return { outcome: 'limit_exceeded', stored: await endTimedOut(ctx, id, begun.spec, outcome.timeoutMs, ms, log) };
      case 'chunk':
      case 'engine_error':
      case 'crashed': {
        const message = outcome.kind === 'chunk' ? 'the engine answered a whole experiment with a chunk report' : outcome.message;
        await endFailed(ctx, id, begun.spec, outcome.kind === 'crashed' ? 'crashed' : 'engine_error', message, ms, log);
        throw new UnrecoverableError(message);
      }
    }
  } finally {
    signal?.removeEventListener('abort', onBullAbort);
    if (ctx.active.get(key) === controller) ctx.active.delete(key);
  }
}
