// Shared by `mutexlab api`, `worker` and `start`: run the parts until a signal closes them.
import type { Logger } from 'pino';
import { readConfig, ConfigError, type Config } from '../jobs/config.js';
import { createLogger } from '../service/logger.js';
import { closeOnSignals } from '../service/shutdown.js';

export interface Parts { api: boolean; worker: boolean }

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
  return new Promise<number>((resolve) => {
    closeOnSignals(logger, async () => {
      for (const close of closers) await close();
      await beforeExit?.();
      resolve(0);
    });
  });
}
