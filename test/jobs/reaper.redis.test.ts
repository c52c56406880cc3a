// The reaper against real Redis and real BullMQ (own key prefix): what a process that died
// between two writes leaves behind is repaired once, by one instance, and counts are of live
// records only.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { test, type TestContext } from 'node:test';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { validateSpec, type Spec } from '../../src/engine/spec.js';
import { Admission } from '../../src/jobs/admission.js';
import { openQueue, QUEUE_NAME } from '../../src/jobs/queue.js';
import { Reaper } from '../../src/jobs/reaper.js';
import { ExperimentStore } from '../../src/jobs/store.js';
import { deleteKeys, REDIS_URL, silent } from '../service/helpers.js';
import { EventHub } from '../../src/jobs/events.js';
import { ExperimentService } from '../../src/service/domain/experiments.js';

const spec = (): Spec => {
  const r = validateSpec({ mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', iterations: 10, seed: 1 }, () => 1);
  assert.ok(r.ok);
  return r.spec;
};

async function setup(t: TestContext, ttl = 3600) {
  const prefix = `test-reaper-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(REDIS_URL);
  const store = new ExperimentStore(redis, prefix, ttl);
  const queue = openQueue(redis, prefix);
  const reaper = (owner = 'r1') => new Reaper(redis, store, queue, owner, silent, { graceMs: 0 });
  t.after(async () => { await queue.close(); redis.disconnect(); await deleteKeys(REDIS_URL, prefix); });
  return { prefix, redis, store, queue, reaper };
}

test('a record queued without a job (the API died before queue.add) is queued again, once', async (t) => {
  const { store, queue, reaper } = await setup(t);
  const id = randomUUID();
  assert.deepEqual(await store.createMany([{ id, spec: spec() }], 0), [true]);
  assert.equal(await queue.getJob(id), undefined);
  const first = await reaper().pass();
  assert.equal(first?.requeued, 1);
  assert.equal(await (await queue.getJob(id))?.getState(), 'waiting');
  assert.equal((await reaper().pass())?.requeued, 0, 'a record with a live job is left alone');
});

test('a record whose job failed without ending it (its worker died in between) fails as worker_lost, with its finishing event', async (t) => {
  const { prefix, redis, store, queue, reaper } = await setup(t);
  const id = randomUUID();
  await store.createMany([{ id, spec: spec() }], 0);
  await queue.add('run', { id }, { jobId: id, attempts: 1 });
  // a worker that marks it running and whose job then fails, with nobody to end the record
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const w = new Worker(QUEUE_NAME, async () => { await store.begin(id, 'doomed'); throw new UnrecoverableError('died'); }, { connection, prefix });
  const failed = new Promise((r) => w.once('failed', r));
  await failed;
  await w.close();
  connection.disconnect();
  assert.equal((await store.get(id))?.status, 'running');
  assert.equal((await reaper().pass())?.lost, 1);
  const record = await store.get(id);
  assert.equal(record?.status, 'failed');
  assert.equal(record?.error?.code, 'worker_lost');
  const events = await redis.xrange(store.keys.events(id), '-', '+');
  assert.equal(events.at(-1)?.[1][1], 'failed');
});

test('a pending Idempotency-Key whose request died answers with its experiment, never 409 for ever', async (t) => {
  const { redis, store, queue, reaper } = await setup(t);
  const service = new ExperimentService(store, queue, new EventHub(redis, store.keys.eventChannel), 0);
  const body = { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', iterations: 10, seed: 3 };
  // the request died after its record script: key pending, record queued, no job
  const hash = createHash('sha256').update(canonicalize(body)!).digest('hex');
  const id = randomUUID();
  const created = await store.create(id, spec(), { maxQueued: 0, idempotencyKey: 'k-died', bodyHash: hash });
  assert.equal(created.kind, 'created');
  await assert.rejects(service.submit(body, { idempotencyKey: 'k-died' }), (e: { code?: string; status?: number }) => /in_flight/.test(JSON.stringify(e)));
  const f = await reaper().pass();
  assert.equal(f?.requeued, 1);
  assert.equal(f?.keysDone, 1);
  assert.deepEqual(await service.submit(body, { idempotencyKey: 'k-died' }), { id, created: false });
  // one whose record never came (or expired) is freed: the key can be used afresh
  await redis.set(store.keys.idempotency('k-gone'), `pending|${hash}|${randomUUID()}`, 'EX', 60);
  await redis.zadd(store.keys.idempotencyPending, 1, store.keys.idempotency('k-gone'));
  assert.equal((await reaper().pass())?.keysFreed, 1);
  assert.equal(await redis.exists(store.keys.idempotency('k-gone')), 0);
  assert.equal(await redis.zcard(store.keys.idempotencyPending), 0);
});

test('a pending key whose experiment has begun answers with it at once (no reaper needed)', async (t) => {
  const { redis, store, queue } = await setup(t);
  const service = new ExperimentService(store, queue, new EventHub(redis, store.keys.eventChannel), 0);
  const body = { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', iterations: 10, seed: 4 };
  const first = await service.submit(body, { idempotencyKey: 'k-begun' });
  // the request's last write (CONFIRM) undone, as if it died just before it; a worker began it
  const key = store.keys.idempotency('k-begun');
  await redis.set(key, (await redis.get(key))!.replace(/^done/, 'pending'));
  await store.begin(first.id, 'w');
  assert.deepEqual(await service.submit(body, { idempotencyKey: 'k-begun' }), { id: first.id, created: false });
  assert.match((await redis.get(key))!, /^done\|/);
});

test('two reapers at once repair once; a held lock stops a pass; the lock is released after one', async (t) => {
  const { redis, store, reaper } = await setup(t);
  await store.createMany([{ id: randomUUID(), spec: spec() }], 0);
  // Started together, the second may find the lock taken or (when the first pass already ended
  // and released it) find nothing left to repair: either way the record is requeued once.
  const passes = await Promise.all([reaper('a').pass(), reaper('b').pass()]);
  assert.equal(passes.reduce((n, p) => n + (p?.requeued ?? 0), 0), 1, JSON.stringify(passes));
  // A lock another instance holds: this pass does nothing.
  await redis.set(store.keys.reaperLock, 'someone-else', 'PX', 5000);
  assert.equal(await reaper('c').pass(), null, 'a pass while another instance holds the lock');
  await redis.del(store.keys.reaperLock);
  assert.notEqual(await reaper('d').pass(), null, 'free again, a pass runs');
  assert.equal(await redis.exists(store.keys.reaperLock), 0, 'and releases the lock after it');
});

test('index entries of expired records are not counted and are trimmed; MAX_QUEUED counts live records only', async (t) => {
  const { redis, store, reaper } = await setup(t, 1);
  const ids = [randomUUID(), randomUUID()];
  await store.createMany(ids.map((id) => ({ id, spec: spec() })), 0);
  await store.complete(ids[1]!, { verdict: { outcome: 'ok', summary: 's' } }, { gzip: Buffer.alloc(1), events: 0, stored: 0, truncated: false });
  assert.deepEqual([(await store.countsByStatus()).queued, (await store.countsByOutcome(['ok'])).ok], [1, 1]);
  await new Promise((r) => setTimeout(r, 1200)); // RESULT_TTL=1: both records expire
  assert.equal(await redis.exists(store.keys.record(ids[0]!)), 0);
  assert.deepEqual([(await store.countsByStatus()).queued, (await store.countsByOutcome(['ok'])).ok], [0, 0], 'ghosts are not counted');
  // MAX_QUEUED=1 admits a new one although the ghost is still in idx:status:queued
  assert.deepEqual(await store.createMany([{ id: randomUUID(), spec: spec() }], 1), [true]);
  const f = await reaper().pass();
  assert.ok(f!.indexEntriesDropped >= 3, `dropped ${f!.indexEntriesDropped}`);
  assert.equal(await redis.zcard(store.keys.index('outcome', 'ok')), 0);
});

test('the index trim names its keys: a pass sends no SCAN (its cost does not grow with the rest of the keyspace) and trims every filter', async (t) => {
  const { redis, store } = await setup(t, 1);
  const id = randomUUID();
  await store.createMany([{ id, spec: spec() }], 0);
  await store.complete(id, { verdict: { outcome: 'crash', summary: 's' } }, { gzip: Buffer.alloc(1), events: 0, stored: 0, truncated: false });
  // an index of an earlier version (idx:all, idx:platform:*): no longer written, still trimmed
  const legacy = [`${store.prefix}:idx:all`, `${store.prefix}:idx:platform:solaris10`];
  const score = (await redis.hget(store.keys.record(id), 'score'))!;
  for (const k of legacy) await redis.zadd(k, score, id);
  const filled = [store.keys.index('status', 'completed'), store.keys.index('outcome', 'crash'),
    store.keys.facet({ platform: 'solaris10', mutexType: 'USYNC_PROCESS', engine: 'sim' }), ...legacy];
  for (const k of filled) assert.equal(await redis.zcard(k), 1, k);
  await new Promise((r) => setTimeout(r, 1200)); // RESULT_TTL=1: the record expires
  // every command the reaper's own connection sends during the pass, seen by MONITOR
  const reaperConnection = new Redis(REDIS_URL);
  const monitorBase = new Redis(REDIS_URL);
  const monitor = await monitorBase.monitor(); // a connection of its own, in MONITOR mode
  const reaperQueue = openQueue(reaperConnection, store.prefix);
  t.after(async () => { await reaperQueue.close(); reaperConnection.disconnect(); monitor.disconnect(); monitorBase.disconnect(); });
  await reaperConnection.ping();
  const mine = `127.0.0.1:${reaperConnection.stream.localPort}`;
  const commands: string[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string) => { if (source.endsWith(mine)) commands.push(args[0]!.toLowerCase()); });
  const f = await new Reaper(reaperConnection, store, reaperQueue, 'm', silent, { graceMs: 0 }).pass();
  await reaperConnection.ping(); // MONITOR sees commands in order: the pass's are in once this one is
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(commands.includes('zremrangebyscore'), `the pass trimmed: ${[...new Set(commands)].join(' ')}`);
  assert.ok(!commands.includes('scan'), `no SCAN: ${[...new Set(commands)].join(' ')}`);
  assert.ok(f!.indexEntriesDropped >= filled.length, `dropped ${f!.indexEntriesDropped}`);
  for (const k of filled) assert.equal(await redis.zcard(k), 0, `${k} trimmed`);
});

test('admission: every record names the job that carries it (a group job for small simulations)', async (t) => {
  const { redis, store, queue } = await setup(t);
  const admission = new Admission(store, queue, 0);
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  await Promise.all(ids.map((id) => admission.admit(id, spec())));
  const jobs = await redis.hmget(store.keys.record(ids[0]!), 'job');
  assert.match(jobs[0] ?? '', /^group-/);
  const job = await queue.getJob(jobs[0]!);
  assert.deepEqual((job?.data as { ids: string[] }).ids.sort(), [...ids].sort());
});
