// `mutexlab api`: the HTTP API alone (scale it apart from the workers, against one Redis).
import { commandArgs } from './args.js';
import { configOrExit, serve, serviceHelp } from './serve.js';

export const API_HELP = serviceHelp('api', 'Serves the HTTP API (docs at /docs). It needs Redis; experiments run on workers (mutexlab worker).',
  ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'QUEUE_PREFIX', 'PORT', 'HOST', 'API_KEYS', 'RATE_LIMIT', 'CORS_ORIGINS', 'MAX_QUEUED', 'LOG_LEVEL']);

export async function apiCommand(args: string[]): Promise<number> {
  const parsed = commandArgs('api', args, API_HELP, {});
  if (typeof parsed === 'number') return parsed;
  const config = configOrExit();
  if (typeof config === 'number') return config;
  return serve(config, { api: true, worker: false });
}
