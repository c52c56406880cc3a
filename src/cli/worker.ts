// `mutexlab worker`: one worker (WORKER_CONCURRENCY experiments at a time); run many against one Redis.
import { commandArgs } from './args.js';
import { configOrExit, serve, serviceHelp } from './serve.js';

export const WORKER_HELP = serviceHelp('worker', 'Runs a worker: takes queued experiments from Redis and runs them. Run as many as you like against one Redis.',
  ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'QUEUE_PREFIX', 'WORKER_CONCURRENCY', 'SHUTDOWN_GRACE_MS', 'LOG_LEVEL']);

export async function workerCommand(args: string[]): Promise<number> {
  const parsed = commandArgs('worker', args, WORKER_HELP, {});
  if (typeof parsed === 'number') return parsed;
  const config = configOrExit();
  if (typeof config === 'number') return config;
  return serve(config, { api: false, worker: true });
}
