// A worker: consumes the `experiments` queue with WORKER_CONCURRENCY jobs at a time, runs each in
// the engine sandbox, listens for cancels, and closes gracefully (running experiments get
// SHUTDOWN_GRACE_MS to finish, then are stopped and handed back to the queue).
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../jobs/config.js';
import { isGroupJob, QUEUE_NAME, type QueuedJob } from '../jobs/queue.js';
import { connectRedis, whenReady } from '../jobs/redis.js';
import { MetricsRecorder } from '../jobs/metrics.js';
import { ExperimentStore } from '../jobs/store.js';
import { ABORT_CANCELLED, ABORT_SHUTDOWN, type ProcessorContext } from './context.js';
import { processJob } from './processor.js';
import { errorReporter } from '../jobs/error-log.js';
import { EngineSandbox } from './sandbox.js';

export interface WorkerHandle {
  name: string;
  worker: Worker<QueuedJob>;
  sandbox: EngineSandbox;
  close(): Promise<void>;
}

export async function startWorker(config: Config, logger: Logger): Promise<WorkerHandle> {
  const name = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 6)}`;
  const log = logger.child({ worker: name });
  const commands = connectRedis(config.redisUrl, 'worker', `worker-${process.pid}`);
  const subscriber = connectRedis(config.redisUrl, 'subscriber', `worker-${process.pid}`);
  const connection = connectRedis(config.redisUrl, 'worker', `worker-${process.pid}-bull`);
  await whenReady(commands, 10_000);

  const store = new ExperimentStore(commands, config.prefix, config.resultTtlSeconds);
  const sandbox = new EngineSandbox({ runner: config.runner, memoryMb: config.engineMemoryMb, traceMaxEvents: config.traceMaxEvents });
  await sandbox.warm(config.workerConcurrency);
  const active = new Map<string, AbortController>();
  const ctx: ProcessorContext = { store, sandbox, logger: log, workerName: name, active, metrics: new MetricsRecorder(commands, config.prefix) };

  subscriber.on('message', (_channel: string, id: string) => {
    const controller = active.get(id);
    if (controller) { log.info({ experimentId: id }, 'cancel received; stopping the engine'); controller.abort(new Error(ABORT_CANCELLED)); }
  });
  await subscriber.subscribe(store.keys.cancelChannel);

  const worker = new Worker<QueuedJob>(QUEUE_NAME, (job, token, signal) => processJob(ctx, job, token, signal), {
    connection,
    prefix: config.prefix,
    name,
    concurrency: config.workerConcurrency,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    maxStalledCount: 1,
  });
  worker.on('error', errorReporter(log, 'worker'));
  worker.on('failed', (job, err) => {
    if (!job || err.name === 'UnrecoverableError' || err.name === 'WaitingError') return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
    const ids = isGroupJob(job.data) ? job.data.ids : [job.data.id];
    const jlog = log.child(ids.length === 1 ? { experimentId: ids[0] } : { experimentIds: ids });
    if (!final) { jlog.warn({ err, attemptsMade: job.attemptsMade }, 'attempt failed; BullMQ retries it'); return; }
    jlog.error({ err }, 'job failed after its retries');
    // FAIL changes only experiments still queued or running: those of a group already finished keep their results
    for (const id of ids) {
      store.fail(id, { code: 'infrastructure', message: err.message }).catch((e) => jlog.error({ err: e, experimentId: id }, 'could not record the failure'));
    }
  });
  await worker.waitUntilReady();
  log.info({ concurrency: config.workerConcurrency, prefix: config.prefix }, 'worker ready');

  let closing: Promise<void> | undefined;
  const close = () => closing ??= (async () => {
    log.info({ running: active.size, graceMs: config.shutdownGraceMs }, 'worker closing');
    const grace = setTimeout(() => {
      ctx.stopping = true;
      for (const [id, controller] of active) { log.info({ experimentId: id }, 'grace period over; stopping the engine'); controller.abort(new Error(ABORT_SHUTDOWN)); }
    }, config.shutdownGraceMs);
    try {
      await worker.close();
    } finally {
      clearTimeout(grace);
      await sandbox.close();
      await Promise.allSettled([commands.quit(), subscriber.quit(), connection.quit()]);
    }
  })();
  return { name, worker, sandbox, close };
}
