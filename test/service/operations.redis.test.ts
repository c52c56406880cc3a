// Acceptance 4: idempotency, pagination, filters, cancel, MAX_QUEUED, API_KEYS, RATE_LIMIT.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RUNAWAY, SLOW_ASYNC } from '../worker/fixtures/misbehaving-runner.js';
import { build, finished, poll, post, queueOf, testConfig, worker } from './helpers.js';

const spec = { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', iterations: 5 };

test('Idempotency-Key: same key and body -> same experiment; other body -> 422; concurrent repeats make one', async (t) => {
  const app = await build(t);
  const key = { 'idempotency-key': 'order-66' };
  const first = await post(app, spec, { headers: key });
  assert.equal(first.statusCode, 202);
  const again = await post(app, { key: '0x1234', processCount: 2, mutexType: 'USYNC_PROCESS', iterations: 5 }, { headers: key });
  assert.equal(again.statusCode, 202);
  assert.equal(again.json().id, first.json().id, 'member order does not matter');
  const other = await post(app, { ...spec, iterations: 6 }, { headers: key });
  assert.equal(other.statusCode, 422);
  assert.match(other.headers['content-type'] as string, /problem\+json/);

  const burst = await Promise.all(Array.from({ length: 20 }, () => post(app, { ...spec, cpus: 2 }, { headers: { 'idempotency-key': 'burst' } })));
  const ids = new Set(burst.filter((r) => r.statusCode === 202).map((r) => r.json().id));
  assert.equal(ids.size, 1, 'one experiment for the whole burst');
  assert.ok(burst.every((r) => r.statusCode === 202 || r.statusCode === 409), burst.map((r) => r.statusCode).join(','));
  const list = (await app.inject({ url: '/experiments?limit=100' })).json();
  assert.equal(list.items.length, 2);
});

test('listing: newest first, cursor pagination, filters', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) ids.push((await post(app, { ...spec, mutexType: i % 2 ? 'USYNC_THREAD' : 'USYNC_PROCESS', platform: i < 3 ? 'glibc-2.36' : 'solaris10' })).json().id);
  const newestFirst = [...ids].reverse();

  const pages: string[] = [];
  let url: string | null = '/experiments?limit=3';
  let count = 0;
  while (url) {
    const page: any = (await app.inject({ url })).json();
    assert.ok(page.items.length <= 3);
    pages.push(...page.items.map((i: { id: string }) => i.id));
    url = page.links.next;
    assert.ok(++count < 10);
  }
  assert.deepEqual(pages, newestFirst);

  const glibc = (await app.inject({ url: '/experiments?platform=glibc-2.36' })).json();
  assert.deepEqual(glibc.items.map((i: { id: string }) => i.id), newestFirst.slice(4));
  const both = (await app.inject({ url: '/experiments?platform=solaris10&mutexType=USYNC_THREAD' })).json();
  assert.deepEqual(both.items.map((i: { id: string }) => i.id), [ids[5], ids[3]]);
  const queued = (await app.inject({ url: '/experiments?status=queued&limit=2' })).json();
  assert.equal(queued.items.length, 2);
  assert.ok(queued.next);
  const rest = (await app.inject({ url: `/experiments?status=queued&limit=10&cursor=${queued.next}` })).json();
  assert.deepEqual([...queued.items, ...rest.items].map((i: { id: string }) => i.id), newestFirst);

  await worker(t, config);
  for (const id of ids) await poll(app, id, finished);
  const completed = (await app.inject({ url: '/experiments?status=completed&outcome=ok&engine=sim' })).json();
  assert.equal(completed.items.length, 7);
  assert.equal(completed.items[0].summary, 'fixture ran 5 events');
  assert.equal((await app.inject({ url: '/experiments?status=queued' })).json().items.length, 0);
  assert.equal((await app.inject({ url: '/experiments?outcome=crash' })).json().items.length, 0);
});

test('DELETE cancels a queued experiment (its job leaves the queue) and deletes a finished one', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const queue = await queueOf(t, config);
  const { id } = (await post(app, spec)).json();
  assert.ok(await queue.getJob(id), 'queued in BullMQ');
  const del = await app.inject({ method: 'DELETE', url: `/experiments/${id}` });
  assert.equal(del.statusCode, 202);
  assert.equal((await app.inject({ url: `/experiments/${id}` })).json().status, 'cancelled');
  assert.equal(await queue.getJob(id), undefined, 'the job left the queue');
  const gone = await app.inject({ method: 'DELETE', url: `/experiments/${id}` });
  assert.equal(gone.statusCode, 204, 'a cancelled experiment is finished: the second DELETE deletes it');
  assert.equal((await app.inject({ url: `/experiments/${id}` })).statusCode, 404);
  assert.equal((await app.inject({ method: 'DELETE', url: `/experiments/${id}` })).statusCode, 404);
  assert.equal((await app.inject({ url: '/experiments' })).json().items.length, 0, 'gone from the listing');
});

test('DELETE stops a running engine for real: a runaway simulator and a slow async run', async (t) => {
  const config = testConfig({ WORKER_CONCURRENCY: '1' });
  const app = await build(t, config);
  const w = await worker(t, config);
  const queue = await queueOf(t, config);
  for (const body of [{ ...spec, seed: RUNAWAY, limits: { timeoutMs: 60_000 } }, { ...spec, seed: SLOW_ASYNC, iterations: 60_000 }]) {
    const { id } = (await post(app, body)).json();
    await poll(app, id, (r) => r.status === 'running');
    const started = Date.now();
    assert.equal((await app.inject({ method: 'DELETE', url: `/experiments/${id}` })).statusCode, 202);
    // the worker's job ends only once the engine is stopped
    const job = await queue.getJob(id);
    for (;;) {
      const state = await job!.getState();
      if (state === 'completed' || state === 'failed') break;
      assert.ok(Date.now() - started < 5000, `job still ${state}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(Date.now() - started < 2000, 'stopped within the abort grace, not after the 60 s the engine wanted');
    assert.equal((await app.inject({ url: `/experiments/${id}` })).json().status, 'cancelled');
  }
  assert.ok(w.sandbox.size <= 1, 'stopped engine threads are gone');
  const after = await post(app, spec, { query: '?wait=10' });
  assert.equal(after.json().status, 'completed', 'the worker still works with concurrency 1');
});

test('MAX_QUEUED: a full queue answers 503 with Retry-After', async (t) => {
  const config = testConfig({ MAX_QUEUED: '2' });
  const app = await build(t, config);
  assert.equal((await post(app, spec)).statusCode, 202);
  assert.equal((await post(app, spec)).statusCode, 202);
  const full = await post(app, spec);
  assert.equal(full.statusCode, 503);
  assert.ok(Number(full.headers['retry-after']) > 0);
  assert.equal(full.json().code, 'queue_full');
  assert.equal((await app.inject({ url: '/experiments' })).json().items.length, 2, 'nothing recorded for the refused one');
  // the record and the job are sent together: the refused one's job must have been taken back
  assert.equal(await (await queueOf(t, config)).getWaitingCount(), 2, 'no job queued for the refused one');
});

test('API_KEYS: 401 problem+json without a valid bearer key; health, docs and openapi stay open', async (t) => {
  const app = await build(t, testConfig({ API_KEYS: 'alpha, beta' }));
  const none = await post(app, spec);
  assert.equal(none.statusCode, 401);
  assert.match(none.headers['content-type'] as string, /problem\+json/);
  assert.equal((await post(app, spec, { headers: { authorization: 'Bearer gamma' } })).statusCode, 401);
  assert.equal((await post(app, spec, { headers: { authorization: 'Bearer beta' } })).statusCode, 202);
  assert.equal((await app.inject({ url: '/experiments', headers: { authorization: 'Bearer alpha' } })).statusCode, 200);
  assert.equal((await app.inject({ url: '/stats' })).statusCode, 401);
  for (const url of ['/healthz', '/readyz', '/openapi.json', '/docs/']) assert.equal((await app.inject({ url })).statusCode, 200, url);
});

test('RATE_LIMIT: 429 problem+json with Retry-After beyond the budget, per key', async (t) => {
  const app = await build(t, testConfig({ RATE_LIMIT: '3/minute', API_KEYS: 'k1,k2' }));
  const as = (key: string) => ({ url: '/presets', headers: { authorization: `Bearer ${key}` } });
  for (let i = 0; i < 3; i++) assert.equal((await app.inject(as('k1'))).statusCode, 200);
  const limited = await app.inject(as('k1'));
  assert.equal(limited.statusCode, 429);
  assert.match(limited.headers['content-type'] as string, /problem\+json/);
  assert.ok(Number(limited.headers['retry-after']) > 0);
  assert.equal((await app.inject(as('k2'))).statusCode, 200, 'another key has its own budget');
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
});
