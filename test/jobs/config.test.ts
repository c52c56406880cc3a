// The configuration (src/jobs/config.ts, env-schema over src/jobs/env.ts): defaults, bounds, the
// parsed values, and a bad value stopping start-up with one line naming every bad variable.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ConfigError, readConfig } from '../../src/jobs/config.js';

const BIN = fileURLToPath(new URL('../../../bin/mutexlab', import.meta.url));

test('defaults, values as given, and an empty value counts as unset', () => {
  const d = readConfig({});
  assert.deepEqual([d.port, d.host, d.prefix, d.workerConcurrency, d.resultTtlSeconds, d.sseHeartbeatMs, d.runner, d.rateLimit, d.apiKeys, d.redisClusterNodes],
    [3000, '127.0.0.1', '{mutexlab}', 2, 604_800, 15_000, null, null, [], []]);
  assert.equal(readConfig({ PORT: '', HOST: '' }).port, 3000);
  assert.equal(readConfig({ HOST: '' }).host, '127.0.0.1');
  assert.equal(readConfig({}).exploreChunk, 5000);
  assert.equal(readConfig({ EXPLORE_CHUNK: '250' }).exploreChunk, 250);
  const c = readConfig({ PORT: '0', WORKER_LOCK_MS: '100', RATE_LIMIT: '10/second', CORS_ORIGINS: 'https://a.example, http://localhost:5173', API_KEYS: 'a, b', QUEUE_PREFIX: 'x{t}', REDIS_CLUSTER_NODES: '10.0.0.1:7000,[::1]:7001', UNKNOWN: 'ignored' });
  assert.deepEqual([c.port, c.lockDurationMs, c.rateLimit, c.corsOrigins, c.apiKeys, c.prefix, c.redisClusterNodes],
    [0, 100, { max: 10, windowMs: 1000 }, ['https://a.example', 'http://localhost:5173'], ['a', 'b'], 'x{t}', [{ host: '10.0.0.1', port: 7000 }, { host: '::1', port: 7001 }]]);
});

test('a bad value is a ConfigError naming the variable, its value and what it must be; all of them at once', () => {
  const bad = (env: Record<string, string>, message: RegExp) => assert.throws(() => readConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('\n'), JSON.stringify(env));
  bad({ PORT: 'abc' }, /^PORT=abc is not an integer >= 0$/);
  bad({ PORT: '1.5' }, /^PORT=1\.5 is not an integer >= 0$/);
  bad({ WORKER_CONCURRENCY: '0' }, /^WORKER_CONCURRENCY=0 is not an integer >= 1$/);
  bad({ ENGINE_MEMORY_MB: '31' }, /^ENGINE_MEMORY_MB=31 is not an integer >= 32$/);
  bad({ EXPLORE_CHUNK: '0' }, /^EXPLORE_CHUNK=0 is not an integer >= 1$/);
  bad({ PORT: '-1', WORKER_LOCK_MS: '99' }, /^PORT=-1 is not an integer >= 0; WORKER_LOCK_MS=99 is not an integer >= 100$/);
  bad({ QUEUE_PREFIX: 'a{b}{c}' }, /^QUEUE_PREFIX=a\{b\}\{c\} may only hold/);
  bad({ RATE_LIMIT: 'lots' }, /^RATE_LIMIT=lots is not N or N\/second\|minute\|hour$/);
  bad({ CORS_ORIGINS: 'https://a.example/path' }, /^CORS_ORIGINS: "https:\/\/a\.example\/path" is not an origin/);
  bad({ REDIS_CLUSTER_NODES: 'node-a' }, /^REDIS_CLUSTER_NODES: "node-a" is not host:port/);
  bad({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', QUEUE_PREFIX: 'plain' }, /^QUEUE_PREFIX=plain needs a \{hash tag\} on a Redis Cluster/);
});

test('mutexlab start with PORT=abc: exit 2, one line naming it, no stack trace, nothing started', () => {
  const res = spawnSync(process.execPath, [BIN, 'start'], { env: { ...process.env, PORT: 'abc' }, encoding: 'utf8', timeout: 15_000 });
  assert.equal(res.status, 2);
  assert.equal(res.stderr, 'mutexlab: PORT=abc is not an integer >= 0\n');
  assert.equal(res.stdout, '');
});
