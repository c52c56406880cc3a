// 'error' listeners for Redis connections and BullMQ's Queue and Worker, shared by the API and
// the worker, that write through pino instead of letting BullMQ and ioredis print raw stacks.
import type { LogFn } from 'pino';
import { isRedisUnavailable } from './redis.js';

/** How often one source may report that Redis is unreachable while it stays so. */
export const OUTAGE_LOG_INTERVAL_MS = 10_000;

/**
 * An 'error' listener for ioredis connections and BullMQ's Queue and Worker that writes through
 * pino. During an outage they raise an error on every reconnect attempt (several a second, each
 * with the same stack): that is one warning, without the stack, at most every 10 s per source,
 * with the number of errors since the last line. Anything else is an error with its stack.
 * Without a listener, BullMQ and ioredis print the stack as raw text on stderr.
 */
export function errorReporter(log: { warn: LogFn; error: LogFn }, source: string): (err: Error) => void {
  let lastWarned = 0;
  let since = 0;
  return (err) => {
    // BullMQ could not extend a running job's lock, or found it expired when finishing (Redis was
    // away longer than WORKER_LOCK_MS): the job is taken up again as stalled, which is how we
    // recover, and a second result is refused by COMPLETE. An expected event of an outage, so a
    // warning that names the job, not an error with BullMQ's stack.
    if (/^(could not renew lock for job |Missing lock for job )/.test(err.message)) { log.warn({ source, error: err.message }, `${source}: lost a job's lock; it is recovered as stalled`); return; }
    if (!isRedisUnavailable(err)) { log.error({ err, source }, `${source}: error`); return; }
    since++;
    const now = Date.now();
    if (now - lastWarned < OUTAGE_LOG_INTERVAL_MS) return;
    log.warn({ source, error: err.message, code: (err as NodeJS.ErrnoException).code, errors: since }, `${source}: Redis does not answer; retrying`);
    lastWarned = now;
    since = 0;
  };
}
