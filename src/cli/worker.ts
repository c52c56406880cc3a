// `mutexlab worker`: one worker (WORKER_CONCURRENCY experiments at a time); run many against one Redis.
import { configOrExit, serve } from './serve.js';

export async function workerCommand(_args: string[]): Promise<number> {
  const config = configOrExit();
  if (typeof config === 'number') return config;
  return serve(config, { api: false, worker: true });
}
