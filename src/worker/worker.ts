// A worker: consumes the `experiments` queue with WORKER_CONCURRENCY jobs at a time, runs each in
// the engine sandbox, listens for cancels, and closes gracefully (running experiments get
// SHUTDOWN_GRACE_MS to finish, then are stopped and handed back to the queue).
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../jobs/config.js';
import { CHUNK_QUEUE_NAME, experimentsOf, QUEUE_NAME, type QueuedJob } from '../jobs/queue.js';
import { connectRedis, redisWhere, whenReady } from '../jobs/redis.js';
import { MetricsRecorder } from '../jobs/metrics.js';
import { ExperimentStore } from '../jobs/store.js';
import { ABORT_CANCELLED, ABORT_SHUTDOWN, type ProcessorContext } from './context.js';
import { processJob } from './processor.js';
import { errorReporter } from '../jobs/error-log.js';
import { EngineSandbox } from './sandbox.js';

/**
 * A job whose worker died (lock lost) goes back to the queue this many times; one more stall
 * fails it, and the failed handler ends its experiments as `worker_lost`. Three runs in all:
 * an experiment that kills every worker it lands on (memory, a native run) stops doing so.
 */
export const MAX_STALLS = 2;
/** BullMQ's own failedReason for that case (moveStalledJobsToWait.lua); no error class marks it. */
const STALL_LIMIT = /stalled more than allowable limit/;

export interface WorkerHandle {
  name: string;
  worker: Worker<QueuedJob>;
  sandbox: EngineSandbox;
  close(): Promise<void>;
}

export async function startWorker(config: Config, logger: Logger): Promise<WorkerHandle> {
  const name = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 6)}`;
  const log = logger.child({ worker: name });
  const commands = connectRedis(config, 'worker', `worker-${process.pid}`);
  const subscriber = connectRedis(config, 'subscriber', `worker-${process.pid}`);
  const connection = connectRedis(config, 'worker', `worker-${process.pid}-bull`);
  // A worker started while Redis is away (down, restarting, stopped) waits for it instead of
  // exiting: a worker that exits is one fewer until someone restarts it.
  for (;;) {
    try { await whenReady(commands, 10_000); break; } catch { log.warn(`Redis does not answer yet at ${redisWhere(config)}; the worker waits for it`); }
  }

  const store = new ExperimentStore(commands, config.prefix, config.resultTtlSeconds);
  store.traceMaxBytes = config.traceMaxBytes;
  const sandbox = new EngineSandbox({ runner: config.runner, memoryMb: config.engineMemoryMb, traceMaxEvents: config.traceMaxEvents });
  await sandbox.warm(config.workerConcurrency);
  const active = new Map<string, AbortController>();
  const ctx: ProcessorContext = { store, sandbox, logger: log, workerName: name, active, metrics: new MetricsRecorder(commands, config.prefix) };

  subscriber.on('message', (_channel: string, id: string) => {
    // the experiment itself, or every chunk of it running here (keys `id#jobId`, experiment.ts)
    for (const [key, controller] of active) {
      if (key !== id && !key.startsWith(`${id}#`)) continue;
      log.info({ experimentId: id, run: key }, 'cancel received; stopping the engine');
      controller.abort(new Error(ABORT_CANCELLED));
    }
  });
  await subscriber.subscribe(store.keys.cancelChannel);

  const consume = (queueName: string, conn: typeof connection) => new Worker<QueuedJob>(queueName, (job, token, signal) => processJob(ctx, job, token, signal), {
    connection: conn,
    prefix: config.prefix,
    name,
    concurrency: config.workerConcurrency,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    maxStalledCount: MAX_STALLS,
  });
  const worker = consume(QUEUE_NAME, connection);
  // Exploration chunks get WORKER_CONCURRENCY slots of their own (more engine threads, sharing
  // the CPUs), so the experiments of the main queue never wait behind an exploration's chunks.
  const chunkConnection = connectRedis(config, 'worker', `worker-${process.pid}-chunks`);
  const chunkWorker = consume(CHUNK_QUEUE_NAME, chunkConnection);
  const onFailed = (job: Job<QueuedJob> | undefined, err: Error) => {
    if (!job || err.name === 'WaitingError') return;
    const ids = experimentsOf(job.data);
    const jlog = log.child(ids.length === 1 ? { experimentId: ids[0] } : { experimentIds: ids });
    // BullMQ fails a job that stalled more than MAX_STALLS times as an UnrecoverableError on the
    // worker that picks it up next, before our processor sees it. Its experiments were never
    // ended by anyone: end them here, or they would stay `running` until RESULT_TTL.
    const lost = STALL_LIMIT.test(err.message);
    if (!lost && err.name === 'UnrecoverableError') return; // an engine failure: the processor ended it
    const final = lost || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) { jlog.warn({ err, attemptsMade: job.attemptsMade }, 'attempt failed; BullMQ retries it'); return; }
    const error = lost
      ? { code: 'worker_lost', message: `the worker running this experiment died or stopped answering ${MAX_STALLS + 1} times; it was not retried again` }
      : { code: 'infrastructure', message: err.message };
    jlog.error({ err, reason: error.code }, 'job failed for good');
    // FAIL changes only experiments still queued or running: those of a group already finished keep their results
    for (const id of ids) {
      store.fail(id, error).catch((e) => jlog.error({ err: e, experimentId: id }, 'could not record the failure'));
    }
  };
  for (const [w, source] of [[worker, 'worker'], [chunkWorker, 'chunk worker']] as const) {
    w.on('error', errorReporter(log, source));
    w.on('failed', onFailed);
  }
  await Promise.all([worker.waitUntilReady(), chunkWorker.waitUntilReady()]);
  log.info({ concurrency: config.workerConcurrency, prefix: config.prefix }, 'worker ready');

  let closing: Promise<void> | undefined;
  const close = () => closing ??= (async () => {
    log.info({ running: active.size, graceMs: config.shutdownGraceMs }, 'worker closing');
    const grace = setTimeout(() => {
      ctx.stopping = true;
      for (const [id, controller] of active) { log.info({ experimentId: id }, 'grace period over; stopping the engine'); controller.abort(new Error(ABORT_SHUTDOWN)); }
    }, config.shutdownGraceMs);
    try {
      await Promise.all([worker.close(), chunkWorker.close()]);
    } finally {
      clearTimeout(grace);
      await sandbox.close();
      await Promise.allSettled([commands.quit(), subscriber.quit(), connection.quit(), chunkConnection.quit()]);
    }
  })();
  return { name, worker, sandbox, close };
}
