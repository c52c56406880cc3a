// Redis connections, made one way for the API, the worker and the tests. Producers fail fast
// (no offline queue: a POST during an outage answers 503 at once instead of hanging); BullMQ's
// worker connection must retry forever (maxRetriesPerRequest: null), as its guide requires.
import { Redis } from 'ioredis';

/**
 * Longest wait for one command of the API's connection. A Redis that is stopped (SIGSTOP, a
 * hung host, a full network buffer) keeps its socket open, so nothing fails by itself and a
 * request would wait as long as Redis does; past this the command fails and the request gets
 * 503 + Retry-After. A request makes at most two Redis round trips in a row (record, then job),
 * so none waits longer than about 2 x this (README "Failure and recovery"). Workers do not set
 * it: BullMQ's blocking commands wait on purpose.
 */
export const COMMAND_TIMEOUT_MS = 2_000;

export type ConnectionRole = 'commands' | 'subscriber' | 'worker';

export function connectRedis(url: string, role: ConnectionRole, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: `mutexlab:${name}:${role}`,
    lazyConnect: false,
    enableOfflineQueue: role !== 'commands',
    maxRetriesPerRequest: role === 'worker' ? null : role === 'subscriber' ? null : 1,
    retryStrategy: (times) => Math.min(200 * times, 2000),
    // No auto-pipelining: POSTs are admitted by group commit (admission.ts), one record script
    // and one job insert per flush, so there is little left to batch per tick, and ioredis
    // builds a Pipeline per tick that copies every script defined on the connection (ours and
    // BullMQ's, ~60): bench:api measured the API's CPU per POST lower without it.
    enableAutoPipelining: false,
    commandTimeout: role === 'commands' ? COMMAND_TIMEOUT_MS : undefined,
    // and the connection itself is dropped when Redis has sent nothing for that long while
    // commands wait: commands sent one after another would otherwise each first wait for the
    // one before it to time out (with auto-pipelining, a request's wait grew by 2 s per batch
    // ahead of it). Dropped, every waiting command fails at once, and until
    // Redis answers the reconnection's handshake, new commands fail at once (no offline queue).
    socketTimeout: role === 'commands' ? COMMAND_TIMEOUT_MS : undefined,
  });
  // Errors are reported by the commands that fail and by /readyz; an unhandled 'error' event
  // would otherwise crash the process on every reconnect attempt.
  redis.on('error', () => {});
  return redis;
}

/** Resolves when the connection is ready, rejects after `ms`. */
export function whenReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`Redis did not answer within ${ms} ms`)); }, ms);
    const onReady = () => { cleanup(); resolve(); };
    const cleanup = () => { clearTimeout(timer); redis.off('ready', onReady); };
    redis.on('ready', onReady);
  });
}

/** True for the errors ioredis raises when Redis is unreachable (mapped to 503). */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError'
    || /enableOfflineQueue|Command timed out|Socket timeout|Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Stream isn't writeable|Redis did not answer/.test(err.message);
}
