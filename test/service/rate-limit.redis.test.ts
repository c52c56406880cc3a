// Issue 12, item 5: the rate limiter counts a made-up key as its sender's IP (rotating values
// buys nothing and creates nothing in Redis), limits failed authentication (it runs before
// auth), and an unknown path says nothing about a key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { build, testConfig } from './helpers.js';

async function rateLimitKeys(url: string, prefix: string): Promise<string[]> {
  const redis = new Redis(url);
  try { return await redis.keys(`${prefix}:ratelimit:*`); } finally { redis.disconnect(); }
}

const as = (key: string, url = '/presets') => ({ url, headers: { authorization: `Bearer ${key}` } });

test('made-up keys count against the IP and create no Redis keys of their own', async (t) => {
  const config = testConfig({ RATE_LIMIT: '20/minute' });
  const app = await build(t, config);
  const statuses: number[] = [];
  for (let i = 0; i < 25; i++) statuses.push((await app.inject(as(`made-up-${i}`))).statusCode);
  assert.deepEqual(statuses.slice(0, 20), Array(20).fill(200));
  assert.deepEqual(statuses.slice(20), Array(5).fill(429), 'rotating values does not buy a new budget');
  assert.equal((await app.inject({ url: '/presets' })).statusCode, 429, 'no key at all: the same IP budget');
  const keys = await rateLimitKeys(config.redisUrl, config.prefix);
  assert.equal(keys.length, 1, `one budget in Redis, the IP's: ${keys.join(', ')}`);
  assert.ok(!keys.some((k) => k.includes('made-up')), keys.join(', '));
});

test('wrong keys are rate limited (the limiter runs before auth); a real key keeps its own budget', async (t) => {
  const config = testConfig({ RATE_LIMIT: '3/minute', API_KEYS: 'k1,k2' });
  const app = await build(t, config);
  const wrong: number[] = [];
  for (let i = 0; i < 6; i++) wrong.push((await app.inject(as(`guess-${i}`))).statusCode);
  assert.deepEqual(wrong, [401, 401, 401, 429, 429, 429]);
  const limited = await app.inject(as('guess-7'));
  assert.match(limited.headers['content-type'] as string, /problem\+json/);
  assert.ok(Number(limited.headers['retry-after']) > 0);
  // a POST with a wrong key is refused before its body is read, and limited the same way
  const postWrong = await app.inject({ method: 'POST', url: '/experiments', headers: { authorization: 'Bearer nope', 'content-type': 'application/json' }, payload: '{"preset":"solaris10-crash"}' });
  assert.equal(postWrong.statusCode, 429);
  for (let i = 0; i < 3; i++) assert.equal((await app.inject(as('k1'))).statusCode, 200, 'k1 has a budget of its own');
  assert.equal((await app.inject(as('k1'))).statusCode, 429);
  assert.equal((await app.inject(as('k2'))).statusCode, 200);
  const keys = await rateLimitKeys(config.redisUrl, config.prefix);
  assert.equal(keys.length, 3, `the IP's budget and one per real key: ${keys.join(', ')}`);
  assert.ok(!keys.some((k) => /k1|k2|guess/.test(k.slice(config.prefix.length + ':ratelimit:'.length))), `no key text in Redis key names: ${keys.join(', ')}`);
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'health is never limited');
});

test('an unknown path answers 404 or 405 whatever the key: no 401 to test keys with', async (t) => {
  const app = await build(t, testConfig({ API_KEYS: 'k1' }));
  assert.equal((await app.inject(as('wrong', '/nowhere'))).statusCode, 404);
  assert.equal((await app.inject(as('k1', '/nowhere'))).statusCode, 404);
  assert.equal((await app.inject({ method: 'PUT', url: '/presets', headers: { authorization: 'Bearer wrong' } })).statusCode, 405);
  assert.equal((await app.inject(as('wrong'))).statusCode, 401, 'a known path still needs the key');
});
