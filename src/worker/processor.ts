// What a worker does with one job: for each experiment in it (one, or a group admitted
// together, admission.ts), mark it running, run the engine in the sandbox, store what came
// out. Every line it logs carries the experiment id. A run stopped at
// limits.timeoutMs completes as limit_exceeded. Deterministic failures (engine error, crash)
// are final (UnrecoverableError); anything else is thrown as is, so BullMQ retries it with
// backoff.
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { isGroupJob, type ExperimentJob, type GroupJob, type QueuedJob } from '../service/domain/queue.js';
import type { MetricsRecorder } from '../service/domain/metrics.js';
import type { ExperimentStore } from '../service/domain/store.js';
import type { EngineSandbox } from './sandbox.js';
import { endFailed, endTimedOut } from './endings.js';
import { isChunkJob, processChunk, withChunkReports } from './explore-chunk.js';
import { processGroup } from './group.js';

export interface ProcessorContext {
  store: ExperimentStore;
  sandbox: EngineSandbox;
  logger: Logger;
  workerName: string;
  /** Running experiments by id, so a cancel message or shutdown can stop them. */
  active: Map<string, AbortController>;
  /** Counters behind GET /metrics (issue 6); absent in tests that do not need them. */
  metrics?: MetricsRecorder;
  /** Set when the shutdown grace period is over: a group starts no further experiment. */
  stopping?: boolean;
}

export const ABORT_CANCELLED = 'cancelled';
export const ABORT_SHUTDOWN = 'shutdown';
const PROGRESS_EVERY_MS = 250;

export function processJob(ctx: ProcessorContext, job: Job<QueuedJob>, token?: string, signal?: AbortSignal): Promise<unknown> {
  if (isGroupJob(job.data)) return processGroup(ctx, job as Job<GroupJob>, token, signal);
  return processExperiment(ctx, job.data.id, job as Job<ExperimentJob>, token, signal);
}

export async function processExperiment(ctx: ProcessorContext, id: string, job: Job<QueuedJob>, token?: string, signal?: AbortSignal): Promise<unknown> {
  const log = ctx.logger.child({ experimentId: id, attempt: job.attemptsMade + 1 });
  const controller = new AbortController();
  ctx.active.set(id, controller);
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
    const outcome = await ctx.sandbox.run(await withChunkReports(job, begun.spec), {
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
      case 'engine_error':
      case 'crashed':
        await endFailed(ctx, id, begun.spec, outcome.kind, outcome.message, ms, log);
        throw new UnrecoverableError(outcome.message);
    }
  } finally {
    signal?.removeEventListener('abort', onBullAbort);
    if (ctx.active.get(id) === controller) ctx.active.delete(id);
  }
}
