// Shutdown of the service commands (api, worker, start) through close-with-grace: the first
// SIGTERM/SIGINT (or SIGHUP, SIGQUIT, ...) starts a graceful close; so does an uncaught exception
// or unhandled rejection, which is logged and ends in exit code 1 once everything is closed.
// A second signal exits at once with 130, as before; a close that outlives its budget exits 1.
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';

/** Time allowed beyond the workers' own SHUTDOWN_GRACE_MS: closing the server, Redis, a private redis-server. */
const CLOSE_MARGIN_MS = 10_000;

export function closeOnSignals(logger: Logger, close: () => Promise<void>, graceMs: number): () => void {
  const handle = closeWithGrace({
    delay: graceMs + CLOSE_MARGIN_MS,
    logger,
    onSecondSignal: (signal) => { logger.warn({ signal }, 'second signal: exiting now'); process.exit(130); },
    onSecondError: (err) => { logger.fatal({ err }, 'second error while closing: exiting now'); process.exit(1); },
    onTimeout: (delay) => { logger.error({ delay }, 'close took too long: exiting now'); process.exit(1); },
  }, async ({ signal, err }) => {
    if (err) logger.fatal({ err }, 'uncaught error: closing gracefully, then exiting 1');
    else logger.info({ signal }, 'closing gracefully (send the signal again to exit at once)');
    await close();
    logger.info('closed');
  });
  return handle.uninstall;
}
