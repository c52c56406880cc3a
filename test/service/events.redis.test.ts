// GET /experiments/{id}/events over a real HTTP connection, with a real worker and Redis:
// the status events in order, ids on every event, resuming after a dropped connection without
// losing or repeating an event, heartbeats, and the ways a client can get it wrong.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { QUEUED_STREAM_ID } from '../../src/jobs/events.js';
import { keys } from '../../src/jobs/keys.js';
import { SLOW_ASYNC } from '../worker/fixtures/misbehaving-runner.js';
import { build, poll, post, REDIS_URL, testConfig, worker, finished } from './helpers.js';
import { SseConnection } from './sse-client.js';

const slow = (ms: number) => ({ mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', seed: SLOW_ASYNC, iterations: ms });

async function listening(t: TestContext, app: FastifyInstance): Promise<string> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return address;
}
const statusEvents = (c: SseConnection) => c.events.filter((e) => e.event !== 'progress').map((e) => e.event);
const cmpId = (a: string, b: string) => { const [am, as] = a.split('-').map(Number); const [bm, bs] = b.split('-').map(Number); return am! - bm! || as! - bs!; };

test('SSE delivers queued -> running -> completed, each with an id, then ends', async (t) => {
  const config = testConfig({ SSE_HEARTBEAT_MS: '100' });
  const app = await build(t, config);
  const base = await listening(t, app);
  const { id } = (await post(app, slow(300))).json();
  const sse = new SseConnection(`${base}/experiments/${id}/events`);
  t.after(() => sse.drop());
  await sse.opened;
  assert.equal(sse.status, 200);
  assert.match(String(sse.headers['content-type']), /^text\/event-stream/);
  await sse.waitFor((c) => c.events.length >= 1);
  assert.equal(sse.events[0]!.event, 'queued', 'no worker yet: the first event is queued');
  await worker(t, config);
  await sse.waitFor((c) => c.ended);
  assert.deepEqual(statusEvents(sse), ['queued', 'running', 'completed']);
  for (const e of sse.events) {
    assert.match(e.id ?? '', /^\d+-\d+$/, `event ${e.event} has a stream id`);
    assert.equal(e.data.id, id);
  }
  const ids = sse.events.map((e) => e.id!);
  assert.deepEqual([...ids].sort(cmpId), ids, 'ids increase');
  assert.equal(sse.events.at(-1)!.data.status, 'completed');
  assert.ok(sse.comments.some((c) => c.startsWith('heartbeat')), `heartbeats seen: ${JSON.stringify(sse.comments)}`);
});

test('SSE resumes after a dropped connection with Last-Event-ID, losing and repeating nothing', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const base = await listening(t, app);
  const { id } = (await post(app, slow(400))).json();
  const first = new SseConnection(`${base}/experiments/${id}/events`);
  await first.waitFor((c) => c.events.length >= 1);
  first.drop();
  const lastSeen = first.events.at(-1)!.id!;
  // while nobody listens, the experiment runs and finishes
  await worker(t, config);
  await poll(app, id, finished);
  const second = new SseConnection(`${base}/experiments/${id}/events`, { 'last-event-id': lastSeen });
  t.after(() => second.drop());
  await second.waitFor((c) => c.ended);
  const all = [...first.events, ...second.events];
  assert.deepEqual(all.filter((e) => e.event !== 'progress').map((e) => e.event), ['queued', 'running', 'completed']);
  const ids = all.map((e) => e.id!);
  assert.equal(new Set(ids).size, ids.length, 'no event twice');
  // nothing lost: the record's creation, then exactly the experiment's stream, as Redis holds it
  const redis = new Redis(REDIS_URL);
  t.after(() => redis.disconnect());
  const stream = await redis.xrange(keys(config.prefix).events(id), '-', '+');
  assert.deepEqual(ids, [QUEUED_STREAM_ID, ...stream.map(([sid]) => sid)]);

  // resuming after the finishing event: 204 tells EventSource to stop reconnecting
  const after = new SseConnection(`${base}/experiments/${id}/events`, { 'last-event-id': ids.at(-1)! });
  await after.opened;
  assert.equal(after.status, 204);
  // ?lastEventId= works for clients that cannot set the header
  const byQuery = new SseConnection(`${base}/experiments/${id}/events?lastEventId=${encodeURIComponent(ids[0]!)}`);
  await byQuery.waitFor((c) => c.ended);
  assert.deepEqual(byQuery.events.map((e) => e.id), ids.slice(1));
});

test('a new experiment has no events stream; its next event starts one that expires with the record', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const redis = new Redis(REDIS_URL);
  t.after(() => redis.disconnect());
  const { id } = (await post(app, slow(10))).json();
  const k = keys(config.prefix);
  assert.equal(await redis.exists(k.events(id)), 0, 'queued: published, not written');
  await worker(t, config);
  await poll(app, id, finished);
  const [recordMs, streamMs] = await Promise.all([redis.pttl(k.record(id)), redis.pttl(k.events(id))]);
  assert.ok(recordMs > 0 && streamMs > 0, `both expire: record ${recordMs} ms, stream ${streamMs} ms`);
  assert.ok(Math.abs(recordMs - streamMs) < 2000, `the stream expires with its record: record ${recordMs} ms, stream ${streamMs} ms`);
});

test('SSE refuses a malformed Last-Event-ID (400 naming it) and an unknown experiment (404)', async (t) => {
  const app = await build(t);
  const { id } = (await post(app, slow(10))).json();
  const bad = await app.inject({ url: `/experiments/${id}/events`, headers: { 'last-event-id': 'yesterday' } });
  assert.equal(bad.statusCode, 400);
  assert.match(String(bad.headers['content-type']), /^application\/problem\+json/);
  assert.equal(bad.json().errors[0].field, 'Last-Event-ID');
  const missing = await app.inject({ url: '/experiments/no-such-id/events' });
  assert.equal(missing.statusCode, 404);
});

test('GET /events streams every experiment\'s status changes live', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const base = await listening(t, app);
  const all = new SseConnection(`${base}/events`);
  t.after(() => all.drop());
  await all.waitFor((c) => c.comments.length >= 1);
  await worker(t, config);
  // submitted together: one flush, so their queued events reach Redis pub/sub as one batch message
  const [a, b] = (await Promise.all([post(app, slow(20)), post(app, slow(20))])).map((r) => r.json().id as string);
  await all.waitFor((c) => [a, b].every((x) => c.events.some((e) => e.data.id === x && e.event === 'completed')));
  for (const x of [a, b]) assert.deepEqual(all.events.filter((e) => e.data.id === x && e.event !== 'progress').map((e) => e.event), ['queued', 'running', 'completed']);
  assert.ok(all.events.every((e) => typeof e.id === 'string' && e.id.length > 0));
  const queued = [a, b].map((x) => all.events.find((e) => e.data.id === x && e.event === 'queued')!.id);
  assert.ok(queued[0]!.startsWith(`${a}/`) && queued[1]!.startsWith(`${b}/`), `each queued event names its own experiment: ${queued.join(' ')}`);
});
