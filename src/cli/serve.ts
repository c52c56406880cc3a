// Shared by `mutexlab api`, `worker` and `start`: run the parts until a signal closes them.
import type { Logger } from 'pino';
import { readConfig, ConfigError, type Config } from '../jobs/config.js';
import { createLogger } from '../service/logger.js';
import { closeOnSignals } from '../service/shutdown.js';

export interface Parts { api: boolean; worker: boolean }

/** The configuration a service command reads, for its --help (README "Configuration" has all). */
const ENV_HELP: Record<string, string> = {
  REDIS_URL: 'the Redis of API and workers (redis://127.0.0.1:6379)',
  REDIS_CLUSTER_NODES: 'host:port,... of a Redis Cluster instead of REDIS_URL (none)',
  QUEUE_PREFIX: 'prefix of every Redis key, with a {hash tag} on a cluster ({mutexlab})',
  PORT: 'API port (3000)',
  HOST: 'API address (127.0.0.1)',
  API_KEYS: 'comma-separated keys the API asks for (none)',
  RATE_LIMIT: 'N per minute, or N/second|minute|hour, per key or IP (off)',
  CORS_ORIGINS: 'origins whose pages may call the API (none: same-origin only)',
  MAX_QUEUED: 'queued experiments beyond which POST answers 503 (10000)',
  WORKER_CONCURRENCY: 'experiments one worker runs at once (2)',
  SHUTDOWN_GRACE_MS: 'how long running experiments may finish on shutdown (10000)',
  LOG_LEVEL: 'pino level (info)',
};

/** --help of api, worker and start: what it runs, the variables it reads, the exit codes. */
export function serviceHelp(command: string, what: string, vars: string[]): string {
  const width = Math.max(...vars.map((v) => v.length));
  return [`usage: mutexlab ${command} [--help]`, '', what, '',
    'Configuration comes from the environment only (README, "Configuration", lists every variable):',
    ...vars.map((v) => `  ${v.padEnd(width)}  ${ENV_HELP[v]}`), '',
    'It runs until SIGTERM or SIGINT (closing gracefully; a second signal exits at once, code 130).',
    'Exit codes: 0 closed by a signal, 2 bad usage or configuration, 1 could not start or an uncaught error (closed first).', ''].join('\n');
}

export function configOrExit(): Config | number {
  try { return readConfig(); } catch (err) {
    if (err instanceof ConfigError) { process.stderr.write(`mutexlab: ${err.message}\n`); return 2; }
    throw err;
  }
}

/** Runs the API and/or a worker until SIGTERM/SIGINT; resolves with the exit code. */
export async function serve(config: Config, parts: Parts, logger: Logger = createLogger(config, parts.api && parts.worker ? 'start' : parts.api ? 'api' : 'worker'), beforeExit?: () => Promise<void>): Promise<number> {
  const closers: (() => Promise<void>)[] = [];
  try {
    // imported on demand: a bare worker should not pay for loading fastify and swagger
    if (parts.worker) {
      const { startWorker } = await import('../worker/worker.js');
      const worker = await startWorker(config, logger);
      closers.push(worker.close);
    }
    if (parts.api) {
      const { createServer, listen } = await import('../service/server.js');
      const server = createServer(config, logger);
      const address = await listen(server, config);
      logger.info({ address, docs: `${address}/docs` }, 'API listening');
      // the API stops taking requests first, then the worker finishes or hands back its jobs
      closers.unshift(() => server.close());
    }
  } catch (err) {
    logger.fatal({ err }, 'could not start');
    for (const close of closers) await close().catch(() => {});
    await beforeExit?.();
    return 1;
  }
  // close-with-grace exits the process itself once the close is done (0 after a signal, 1
  // after an uncaught error); the promise resolves first so that callers see the code too.
  return new Promise<number>((resolve) => {
    closeOnSignals(logger, async () => {
      for (const close of closers) await close();
      await beforeExit?.();
      resolve(0);
    }, config.shutdownGraceMs);
  });
}
