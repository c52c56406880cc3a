// A lost Redis: /readyz and POST answer 503 problem+json with Retry-After, nothing hangs, and
// the API recovers when Redis is back. Uses a private redis-server so the shared one is untouched.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { build, freePort, post, testConfig } from './helpers.js';

async function redisServer(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  for await (const chunk of child.stdout!) if (String(chunk).includes('Ready to accept connections')) break;
  return child;
}

test('lost Redis: 503 + Retry-After on /readyz and POST, then recovery', async (t) => {
  const port = await freePort();
  let redis = await redisServer(port);
  t.after(() => { redis.kill('SIGKILL'); });
  const app = await build(t, testConfig({ REDIS_URL: `redis://127.0.0.1:${port}` }));
  const spec = { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234' };
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  assert.equal((await post(app, spec)).statusCode, 202);

  redis.kill('SIGKILL');
  await once(redis, 'exit');
  const started = Date.now();
  const ready = await app.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 503);
  assert.ok(Number(ready.headers['retry-after']) > 0);
  assert.match(ready.headers['content-type'] as string, /problem\+json/);
  const res = await post(app, spec);
  assert.equal(res.statusCode, 503, res.body);
  assert.equal(res.json().code, 'redis_unavailable');
  assert.ok(Number(res.headers['retry-after']) > 0);
  assert.equal((await app.inject({ url: '/experiments' })).statusCode, 503);
  assert.ok(Date.now() - started < 3000, 'answers fast instead of hanging');
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'alive all the same');

  redis = await redisServer(port);
  for (let i = 0; i < 50 && (await app.inject({ url: '/readyz' })).statusCode !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal((await post(app, spec)).statusCode, 202, 'back once Redis is');
});
