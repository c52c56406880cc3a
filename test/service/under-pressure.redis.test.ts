// Load shedding (@fastify/under-pressure): a lagging event loop or a heap over its limit turns
// requests away with 503 problem+json before any work is done, /readyz says not ready, and
// /healthz and /metrics keep answering.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build, post, testConfig } from './helpers.js';

const spec = { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', iterations: 5 };
const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end) { /* the loop lags */ } };
const sampled = () => new Promise((r) => setTimeout(r, 1200)); // under-pressure samples once a second

test('a heap over MAX_HEAP_USED_MB: 503 overloaded with Retry-After for work, /readyz 503, /healthz and /metrics answer', async (t) => {
  const app = await build(t, testConfig({ MAX_HEAP_USED_MB: '1' })); // any live process holds more than 1 MiB
  await sampled();
  const res = await post(app, spec);
  assert.equal(res.statusCode, 503, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.json().code, 'overloaded');
  assert.match(res.json().detail, /MAX_HEAP_USED_MB/);
  assert.equal(res.headers['retry-after'], '5');
  const list = await app.inject({ url: '/experiments' });
  assert.equal(list.statusCode, 503);
  const ready = await app.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 503);
  assert.equal(ready.json().code, 'overloaded');
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  assert.equal((await app.inject({ url: '/metrics' })).statusCode, 200);
});

test('a lagging event loop (MAX_EVENT_LOOP_DELAY_MS): 503 overloaded while it lags, served again once it recovers', async (t) => {
  const app = await build(t, testConfig({ MAX_EVENT_LOOP_DELAY_MS: '30' }));
  await sampled();
  assert.equal((await post(app, spec)).statusCode, 202, 'an idle loop serves');
  // under-pressure reports the mean delay of the loop's samples since its last look (once a
  // second): one 3 s block among them brings the mean well over 30 ms; ask right after it
  busy(3000);
  await new Promise((r) => setTimeout(r, 20));
  const res = await app.inject({ url: '/experiments' });
  assert.equal(res.statusCode, 503, res.body);
  assert.match(res.json().detail, /event loop lags \d+ ms/);
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'liveness is never shed');
  await sampled();
  await sampled();
  assert.equal((await app.inject({ url: '/experiments' })).statusCode, 200, 'served again');
});

test('defaults: neither the event loop nor the heap is checked', () => {
  const config = testConfig();
  assert.equal(config.maxEventLoopDelayMs, 0);
  assert.equal(config.maxHeapUsedMb, 0);
});
