// Test helpers: an app and a worker on the real Redis at 127.0.0.1:6379, each test run under its
// own key prefix (QUEUE_PREFIX) so runs never collide with each other or a dev server; every key
// under it is deleted afterwards.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer as netServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { readConfig, type Config } from '../../src/jobs/config.js';
import { connectRedis } from '../../src/jobs/redis.js';
import { createServer } from '../../src/service/server.js';
import { startWorker, type WorkerHandle } from '../../src/worker/worker.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const FIXTURE_RUNNER = fileURLToPath(new URL('../worker/fixtures/misbehaving-runner.js', import.meta.url));
export const REAL_RUNNER = fileURLToPath(new URL('../../src/runner/run.js', import.meta.url));
export const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function testConfig(env: Record<string, string> = {}): Config {
  return readConfig({
    REDIS_URL, LOG_LEVEL: 'silent', QUEUE_PREFIX: `test-${randomBytes(5).toString('hex')}`,
    MUTEXLAB_RUNNER: FIXTURE_RUNNER, WORKER_CONCURRENCY: '2', SHUTDOWN_GRACE_MS: '500', ...env,
  });
}

export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (found.length) await redis.del(...found);
    } while (cursor !== '0');
  } catch { /* the Redis of a lost-Redis test is gone; nothing to clean */ } finally { redis.disconnect(); }
}

/** Deletes the test's keys; a private cluster's (redis-cluster.ts) go with its processes. */
export async function cleanUp(config: Config): Promise<void> {
  if (config.redisClusterNodes.length === 0) await deleteKeys(config.redisUrl, config.prefix);
}

/** The app, ready, closed and cleaned up after the test. */
export async function build(t: TestContext, config: Config = testConfig()): Promise<FastifyInstance> {
  const app = createServer(config, silent);
  await app.ready();
  t.after(async () => { await app.close(); await cleanUp(config); });
  return app;
}

export async function worker(t: TestContext, config: Config): Promise<WorkerHandle> {
  const handle = await startWorker(config, silent);
  t.after(() => handle.close());
  return handle;
}

export async function post(app: FastifyInstance, body: unknown, opts: { query?: string; headers?: Record<string, string> } = {}) {
  return app.inject({ method: 'POST', url: `/experiments${opts.query ?? ''}`, payload: body as object, headers: { 'content-type': 'application/json', ...opts.headers } });
}

/** Polls GET /experiments/{id} until `until` holds (or throws after `ms`); returns every status seen. */
export async function poll(app: FastifyInstance, id: string, until: (record: any) => boolean, ms = 10_000): Promise<{ record: any; seen: string[] }> {
  const seen: string[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await app.inject({ url: `/experiments/${id}` });
    const record = res.json();
    if (seen.at(-1) !== record.status) seen.push(record.status);
    if (until(record)) return { record, seen };
    if (Date.now() > deadline) throw new Error(`experiment ${id} still ${record.status} after ${ms} ms (seen ${seen.join(' > ')})`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const finished = (r: any) => ['completed', 'failed', 'cancelled'].includes(r.status);

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const s = netServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  s.close();
  return port;
}

/** A BullMQ queue handle of the test's prefix, closed after the test. */
export async function queueOf(t: TestContext, config: Config, name?: string) {
  const { openQueue } = await import('../../src/jobs/queue.js');
  const connection = connectRedis(config, 'worker', 'test-queue');
  const queue = openQueue(connection, config.prefix, name);
  // BullMQ writes the queue's meta key on its own schedule: clean the prefix again once it is closed
  t.after(async () => { await queue.close(); connection.disconnect(); await cleanUp(config); });
  return queue;
}
