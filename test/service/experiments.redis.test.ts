// The experiment lifecycle over HTTP against the real Redis: submit, poll, wait, ETag, trace.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SLOW_ASYNC } from '../worker/fixtures/misbehaving-runner.js';
import { build, finished, poll, post, REAL_RUNNER, testConfig, worker } from './helpers.js';
import { keysByNode, redisCases } from './redis-cluster.js';

const spec = { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234' };

// The end-to-end test, on a single Redis and on a Redis Cluster started for it (issue 11):
// every key of the installation shares the prefix's hash tag, so every script and BullMQ command
// finds its keys on one node.
const redises = redisCases();
after(() => redises.stop());
for (const redis of redises.cases) {
  test(`acceptance 1 on ${redis.name}: solaris10-crash through the real engine gives the crash verdict, polled and with ?wait=10`, { skip: redis.skip }, async (t) => {
    const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER, ...await redis.env() });
    const app = await build(t, config);
    await worker(t, config);
    // Seed 1 crashes; about 1.6% of random seeds end otherwise (a lost wake-up hang, or no contention).
    const res = await post(app, { preset: 'solaris10-crash', seed: 1 });
    assert.equal(res.statusCode, 202);
    const { id } = res.json();
    assert.equal(res.headers.location, `/experiments/${id}`);
    const { record, seen } = await poll(app, id, finished);
    assert.equal(record.status, 'completed', JSON.stringify(record.error));
    assert.equal(seen.at(-1), 'completed');
    assert.equal(record.result.verdict.outcome, 'crash');
    assert.match(record.result.verdict.summary, /SIGSEGV/);

    const waited = await post(app, { preset: 'solaris10-crash', seed: 2 }, { query: '?wait=10' });
    assert.equal(waited.statusCode, 200);
    assert.equal(waited.json().status, 'completed');
    assert.equal(waited.json().result.verdict.outcome, 'crash');

    if (config.redisClusterNodes.length > 0) {
      const found = (await keysByNode(config.redisClusterNodes, config.prefix)).filter((n) => n.keys.length > 0);
      assert.equal(found.length, 1, `all keys on one node: ${JSON.stringify(found)}`);
      assert.equal(found[0]!.slots.length, 1, 'in one slot');
      assert.ok(found[0]!.keys.includes(`${config.prefix}:x:${id}`), 'our record');
      assert.ok(found[0]!.keys.some((k) => k.startsWith(`${config.prefix}:experiments:`)), "and BullMQ's keys");
    }
  });
}

test('POST answers 202 with Location and id; polling shows queued, running, completed with the result', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const res = await post(app, { ...spec, seed: SLOW_ASYNC, iterations: 300 });
  assert.equal(res.statusCode, 202);
  const body = res.json();
  assert.equal(body.status, 'queued');
  assert.equal(res.headers.location, body.links.self);
  const queued = await app.inject({ url: body.links.self });
  assert.equal(queued.json().status, 'queued', 'no worker yet: it waits in the queue');
  assert.equal(queued.json().spec.seed, SLOW_ASYNC, 'the normalised spec is shown');
  assert.equal(queued.json().spec.platform, 'solaris10', 'defaults are filled in');

  await worker(t, config);
  const { record, seen } = await poll(app, body.id, finished);
  // the first poll may still find it queued while the new worker connects (seen on a loaded CI host)
  assert.deepEqual(seen.slice(seen[0] === 'queued' ? 1 : 0), ['running', 'completed'], 'a 300 ms run is seen running, then completed');
  assert.equal(record.result.verdict.outcome, 'ok');
  assert.ok(record.startedAt && record.finishedAt && record.queuedAt <= record.startedAt && record.startedAt <= record.finishedAt);
  assert.equal(record.attempts, 1);
});

test('?wait answers 200 with the finished experiment when it finishes in time, else the 202', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  await worker(t, config);
  const quick = await post(app, { ...spec, iterations: 10 }, { query: '?wait=10' });
  assert.equal(quick.statusCode, 200);
  assert.equal(quick.json().status, 'completed');
  assert.equal(quick.json().result.trace.events, 10);

  const started = Date.now();
  const slow = await post(app, { ...spec, seed: SLOW_ASYNC, iterations: 3000 }, { query: '?wait=1' });
  assert.equal(slow.statusCode, 202);
  assert.ok(Date.now() - started >= 900, 'it waited about a second');
  assert.ok(Date.now() - started < 2500, 'and no longer');
});

test('ETag and If-None-Match: 304 while unchanged, 200 with a new ETag once it changed', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const { id } = (await post(app, spec)).json();
  const first = await app.inject({ url: `/experiments/${id}` });
  const etag = first.headers.etag as string;
  assert.ok(etag);
  const again = await app.inject({ url: `/experiments/${id}`, headers: { 'if-none-match': etag } });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');
  await worker(t, config);
  await poll(app, id, finished);
  const changed = await app.inject({ url: `/experiments/${id}`, headers: { 'if-none-match': etag } });
  assert.equal(changed.statusCode, 200);
  assert.notEqual(changed.headers.etag, etag);
});

test('trace: 409 while not finished, then NDJSON streamed; capped traces keep head and tail', async (t) => {
  const config = testConfig({ TRACE_MAX_EVENTS: '10' });
  const app = await build(t, config);
  const { id } = (await post(app, { ...spec, iterations: 101 })).json();
  const early = await app.inject({ url: `/experiments/${id}/trace` });
  assert.equal(early.statusCode, 409);
  assert.match(early.headers['content-type'] as string, /problem\+json/);
  await worker(t, config);
  const { record } = await poll(app, id, finished);
  assert.deepEqual(record.trace, { events: 101, stored: 10, truncated: true, bytes: record.trace.bytes });
  assert.equal(record.result.trace.truncated, true);
  const res = await app.inject({ url: `/experiments/${id}/trace` });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'] as string, /application\/x-ndjson/);
  assert.equal(res.headers['x-trace-truncated'], 'true');
  const seqs = res.body.trim().split('\n').map((line) => JSON.parse(line).seq);
  assert.deepEqual(seqs, [0, 1, 2, 3, 4, 96, 97, 98, 99, 100]);
});

test('a whole trace comes back event for event', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  await worker(t, config);
  const done = (await post(app, { ...spec, iterations: 5000 }, { query: '?wait=10' })).json();
  const res = await app.inject({ url: `/experiments/${done.id}/trace` });
  const lines = res.body.trim().split('\n');
  assert.equal(lines.length, 5000);
  assert.equal(res.headers['x-trace-truncated'], 'false');
  assert.deepEqual(JSON.parse(lines[4999]!), { seq: 4999, t: 4999, cpu: 0, pid: 1001, tid: 1, op: 'unlock' });
});

test('GET /presets, /limits, /stats, /healthz, /readyz', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  await worker(t, config);
  await post(app, { ...spec, iterations: 3 }, { query: '?wait=10' });
  const presets = (await app.inject({ url: '/presets' })).json();
  assert.ok(presets.some((p: { name: string }) => p.name === 'solaris10-crash'));
  const limits = (await app.inject({ url: '/limits' })).json();
  assert.equal(limits.timeoutMs.default, 10_000);
  assert.equal(limits.timeoutMs.maximum, 120_000);
  assert.ok(Object.values(limits).every((l: any) => typeof l.default === 'number' && typeof l.maximum === 'number'));
  const stats = (await app.inject({ url: '/stats' })).json();
  assert.equal(stats.experiments.byStatus.completed, 1);
  assert.equal(stats.experiments.byOutcome.ok, 1);
  assert.equal(stats.workers, 1);
  assert.equal(typeof stats.queue.waiting, 'number');
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  const ready = await app.inject({ url: '/readyz' });
  assert.equal(ready.statusCode, 200);
  assert.ok(ready.headers['x-request-id'], 'every answer carries its request id');
});
