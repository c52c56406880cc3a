// Signals: the first SIGTERM/SIGINT starts a graceful close; a second one exits at once.
import type { Logger } from 'pino';

export function closeOnSignals(logger: Logger, close: () => Promise<void>): () => void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    closing = true;
    logger.info({ signal }, 'closing gracefully (send the signal again to exit at once)');
    close().then(
      () => { logger.info('closed'); },
      (err) => { logger.error({ err }, 'error while closing'); process.exitCode = 1; },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => { process.off('SIGTERM', onSignal); process.off('SIGINT', onSignal); };
}
