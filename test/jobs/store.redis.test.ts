// Every record script (src/jobs/lua), the MULTIs and pipelines of the store, the metrics and the
// reaper's pass, once each, on a single Redis and on a private Redis Cluster. A cluster refuses a
// script or a MULTI whose keys are in two slots (CROSSSLOT), so this fails if any key of the
// installation were built without the prefix's hash tag. The status events and cancels come
// back through pub/sub, which a cluster forwards from node to node.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { validateSpec, type Spec } from '../../src/engine/spec.js';
import { EventHub, type ExperimentEvent } from '../../src/jobs/events.js';
import { MetricsRecorder, readStoredMetrics } from '../../src/jobs/metrics.js';
import { openQueue } from '../../src/jobs/queue.js';
import { Reaper } from '../../src/jobs/reaper.js';
import { connectRedis, whenReady } from '../../src/jobs/redis.js';
import { SCRIPTS, type ScriptName } from '../../src/jobs/scripts.js';
import { ExperimentStore } from '../../src/jobs/store.js';
import { cleanUp, silent, testConfig } from '../service/helpers.js';
import { redisCases } from '../service/redis-cluster.js';

const spec = (): Spec => {
  const r = validateSpec({ mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', iterations: 10, seed: 1 }, () => 1);
  assert.ok(r.ok);
  return r.spec;
};
const trace = { gzip: Buffer.from('gz'), events: 2, stored: 2, truncated: false };
const ok = { verdict: { outcome: 'ok', summary: 'fine' } };
const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
};

const redises = redisCases();
after(() => redises.stop());
for (const redis of redises.cases) {
  test(`every record script, MULTI, metric and the reaper's pass run on ${redis.name}`, { skip: redis.skip }, async (t) => {
    const config = testConfig(await redis.env());
    const client = connectRedis(config, 'worker', 'test-store');
    const subscriber = connectRedis(config, 'subscriber', 'test-store');
    const queue = openQueue(client, config.prefix);
    t.after(async () => { await queue.close(); client.disconnect(); subscriber.disconnect(); await cleanUp(config); });
    await whenReady(client, 10_000);
    const store = new ExperimentStore(client, config.prefix, 60);
    // every script the store calls is counted, so a script added later must be added here too
    const ran = new Set<string>();
    const scripted = client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const name of Object.keys(SCRIPTS) as ScriptName[]) {
      const call = scripted[`mutexlab${name}`]!;
      scripted[`mutexlab${name}`] = (...a) => { ran.add(name); return call.apply(client, a); };
    }
    const hub = new EventHub(subscriber, store.keys.eventChannel);
    await hub.start();
    const events: ExperimentEvent[] = [];
    hub.on('*', (e) => events.push(e));
    const cancels: string[] = [];
    subscriber.on('message', (channel: string, id: string) => { if (channel === store.keys.cancelChannel) cancels.push(id); });
    await subscriber.subscribe(store.keys.cancelChannel);

    const [a, b, c, d, e] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    assert.equal((await store.create(a, spec(), { maxQueued: 0, idempotencyKey: 'k-a', bodyHash: 'ab' })).kind, 'created');
    await store.confirmQueued(a, 'k-a', 'ab');
    assert.deepEqual(await store.create(randomUUID(), spec(), { maxQueued: 0, idempotencyKey: 'k-a', bodyHash: 'ab' }), { kind: 'existing', id: a });
    assert.deepEqual(await store.createMany([b, c, d].map((id) => ({ id, spec: spec(), job: id === c ? 'group-cd' : undefined })), 0), [true, true, true]);
    // a record carried by another job names it (the reaper asks that job's state), written with the record
    assert.deepEqual([await client.hget(store.keys.record(b), 'job'), await client.hget(store.keys.record(c), 'job')], [null, 'group-cd']);
    assert.equal((await store.begin(a, 'w')).kind, 'run');
    await store.progress(a, { kind: 'exploration', strategy: 'dfs', done: 1, planned: 10, failures: 0, elapsedMs: 1 });
    await store.chunkProgress(a, { index: 0, done: 5, failures: 0 }, { planned: 10, strategy: 'dfs' });
    const metrics = new MetricsRecorder(client, config.prefix);
    assert.equal(await store.complete(a, ok, trace, metrics.completeArgs({ outcome: 'ok', platform: 'solaris10', engine: 'sim', durationMs: 3 })), true);
    assert.deepEqual((await store.beginMany([b, c], 'w')).map((x) => x.kind), ['run', 'run']);
    assert.deepEqual(await store.completeMany([{ id: b, result: ok, trace }]), [true]);
    assert.equal(await store.requeue(c, 'shutdown'), true);
    assert.equal((await store.begin(c, 'w')).kind, 'run');
    assert.equal(await store.fail(c, { code: 'infrastructure', message: 'gone' }), true);
    assert.deepEqual(await store.cancel(d), { kind: 'cancelled', previous: 'queued' });
    assert.equal((await store.create(e, spec(), { maxQueued: 0, idempotencyKey: 'k-e', bodyHash: 'ef' })).kind, 'created');
    await store.abandon(e, 'k-e'); // DELETE, then a MULTI over the key and the pending set
    assert.equal(await store.delete(a), true);
    await metrics.finished({ status: 'failed', outcome: 'infrastructure', platform: 'solaris10', engine: 'sim', durationMs: 1 });

    assert.deepEqual([...ran].sort(), Object.keys(SCRIPTS).sort(), 'every script ran');
    assert.equal(await store.get(a), undefined);
    assert.deepEqual([(await store.get(b))?.status, (await store.get(c))?.status, (await store.get(d))?.status], ['completed', 'failed', 'cancelled']);
    assert.deepEqual((await store.list(10, undefined, {})).items.map((x) => x.id).sort(), [b, c, d].sort(), 'the listing pipelines its reads');
    assert.deepEqual(await store.countsByStatus(), { queued: 0, running: 0, completed: 1, failed: 1, cancelled: 1 });
    const stored = await readStoredMetrics(client, config.prefix);
    assert.deepEqual(stored.finished.map((f) => `${f.status}|${f.outcome}`).sort(), ['completed|ok', 'failed|infrastructure']);
    // the reaper's lock, its SCAN of the index keys (every master of a cluster) and its trace-bytes script
    const pass = await new Reaper(client, store, queue, 'r', silent, { graceMs: 0 }).pass();
    assert.ok(pass, 'the reaper got its lock and passed');
    assert.equal(await client.exists(store.keys.reaperLock), 0, 'and released it');

    await until(() => cancels.includes(d), 'the cancel reached the subscriber');
    await until(() => ['completed', 'failed', 'cancelled', 'deleted'].every((ev) => events.some((x) => x.event === ev)), `status events arrived: ${events.map((x) => x.event).join(' ')}`);
  });
}
