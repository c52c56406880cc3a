// Redis connections, made one way for the API, the worker and the tests. Producers fail fast
// (no offline queue: a POST during an outage answers 503 at once instead of hanging); BullMQ's
// worker connection must retry forever (maxRetriesPerRequest: null), as its guide requires.
// The same roles on a Redis Cluster (REDIS_CLUSTER_NODES): an ioredis Cluster with the same
// settings for each node's connection. Everything else takes either (RedisClient): with the
// prefix's hash tag every key of the installation is in one slot, so every script, MULTI and
// pipeline finds its keys on one node (nothing of ours SCANs: the reaper names its keys).
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from './config.js';

export type RedisClient = Redis | Cluster;

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

/** Where the installation's Redis is: REDIS_URL, or the seed nodes of a cluster. */
export type RedisTarget = Pick<Config, 'redisUrl' | 'redisClusterNodes'>;

/** The variable that names the target, for messages: REDIS_URL or REDIS_CLUSTER_NODES. */
export const redisVariable = (target: RedisTarget): string => (target.redisClusterNodes.length === 0 ? 'REDIS_URL' : 'REDIS_CLUSTER_NODES');

/** The target as its variable says it, for logs and messages. */
export function redisWhere(target: RedisTarget): string {
  const nodes = target.redisClusterNodes.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`);
  return `${redisVariable(target)}=${nodes.length === 0 ? target.redisUrl : nodes.join(',')}`;
}

const retryDelay = (times: number) => Math.min(200 * times, 2000);

export function connectRedis(target: RedisTarget, role: ConnectionRole, name: string): RedisClient {
  const commands = role === 'commands';
  // what each connection to a server has, alone or as one node's connection in a cluster
  const server: RedisOptions = {
    connectionName: `mutexlab:${name}:${role}`,
    // BullMQ reads it here (on a cluster: its redisOptions) and insists on null for a worker's
    maxRetriesPerRequest: commands ? 1 : null,
    commandTimeout: commands ? COMMAND_TIMEOUT_MS : undefined,
    // and the connection itself is dropped when Redis has sent nothing for that long while
    // commands wait: commands sent one after another would otherwise each first wait for the
    // one before it to time out (with auto-pipelining, a request's wait grew by 2 s per batch
    // ahead of it). Dropped, every waiting command fails at once, and until
    // Redis answers the reconnection's handshake, new commands fail at once (no offline queue).
    socketTimeout: commands ? COMMAND_TIMEOUT_MS : undefined,
  };
  const client = {
    enableOfflineQueue: !commands,
    // No auto-pipelining: POSTs are admitted by group commit (admission.ts), one record script
    // and one job insert per flush, so there is little left to batch per tick, and ioredis
    // builds a Pipeline per tick that copies every script defined on the connection (ours and
    // BullMQ's, ~60): bench:api measured the API's CPU per POST lower without it.
    enableAutoPipelining: false,
  };
  const redis = target.redisClusterNodes.length === 0
    ? new Redis(target.redisUrl, { ...server, ...client, lazyConnect: false, retryStrategy: retryDelay })
    : new Cluster(target.redisClusterNodes, { ...client, clusterRetryStrategy: retryDelay, redisOptions: server });
  // Errors are reported by the commands that fail and by /readyz; an unhandled 'error' event
  // would otherwise crash the process on every reconnect attempt.
  redis.on('error', () => {});
  return redis;
}

/** Resolves when the connection is ready, rejects after `ms`. */
export function whenReady(redis: RedisClient, ms: number): Promise<void> {
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
  // (on a cluster also: no node reachable, the slot map unknown, the cluster refusing writes)
  return err.name === 'MaxRetriesPerRequestError' || err.name === 'ClusterAllFailedError'
    || /enableOfflineQueue|None of startup nodes|Failed to refresh slots cache|CLUSTERDOWN|Too many Cluster redirections|Command timed out|Socket timeout|Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Stream isn't writeable|Redis did not answer/.test(err.message);
}
