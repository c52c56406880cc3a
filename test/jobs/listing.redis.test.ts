// Listing over the status indexes and the facet indexes (keys.ts) against a real Redis: every
// walk, page by page, gives each matching record once, newest first, whichever indexes it
// merges, also when records change status between two pages.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test, type TestContext } from 'node:test';
import { Redis } from 'ioredis';
import { validateSpec, type Spec } from '../../src/engine/spec.js';
import { ExperimentStore, type Filters } from '../../src/jobs/store.js';
import { deleteKeys, REDIS_URL } from '../service/helpers.js';

const specOf = (input: Record<string, unknown>): Spec => {
  const r = validateSpec({ processCount: 1, key: '0x1234', iterations: 1, seed: 1, ...input }, () => 1);
  assert.ok(r.ok, JSON.stringify(r));
  return r.spec;
};

const KINDS = [
  { mutexType: 'USYNC_PROCESS' }, { mutexType: 'USYNC_THREAD' }, { mutexType: 'USYNC_THREAD', platform: 'solaris9' },
  { mutexType: 'PTHREAD_PROCESS_SHARED', platform: 'glibc-2.36' }, { mutexType: 'PTHREAD_PROCESS_PRIVATE', platform: 'musl-1.2' },
  { mutexType: 'PTHREAD_PROCESS_SHARED', engine: 'native' },
];

async function setup(t: TestContext) {
  const prefix = `test-listing-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(REDIS_URL);
  const store = new ExperimentStore(redis, prefix, 3600);
  t.after(async () => { redis.disconnect(); await deleteKeys(REDIS_URL, prefix); });
  return { redis, store };
}

/** Every page of a walk with `limit`, as ids in the order given. */
async function walk(store: ExperimentStore, limit: number, filters: Filters): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 200; page++) {
    const { items, next } = await store.list(limit, cursor, filters);
    ids.push(...items.map((i) => i.id));
    if (!next) return ids;
    cursor = next;
  }
  throw new Error('the walk did not end');
}

test('every filter, walked page by page, gives each matching record once, newest first', async (t) => {
  const { store } = await setup(t);
  const made: { id: string; spec: Spec; status: string; outcome?: string }[] = [];
  // three admissions of twelve, so that records share milliseconds and flushes
  for (let round = 0; round < 3; round++) {
    const entries = Array.from({ length: 12 }, (_, i) => ({ id: randomUUID(), spec: specOf(KINDS[(i + round) % KINDS.length]!) }));
    assert.deepEqual(await store.createMany(entries, 0), entries.map(() => true));
    made.push(...entries.map((e) => ({ ...e, status: 'queued' })));
  }
  // spread them over the status indexes: running, completed (two outcomes), cancelled
  for (const [i, m] of made.entries()) {
    if (i % 4 === 0) continue;
    assert.equal((await store.begin(m.id, 'w')).kind, 'run');
    m.status = 'running';
    if (i % 4 === 1) continue;
    if (i % 4 === 2) { assert.equal(await store.cancel(m.id).then((c) => c.kind), 'cancelled'); m.status = 'cancelled'; continue; }
    m.outcome = i % 8 === 3 ? 'ok' : 'crash';
    await store.complete(m.id, { verdict: { outcome: m.outcome, summary: 's' } }, { gzip: Buffer.from('g'), events: 0, stored: 0, truncated: false });
    m.status = 'completed';
  }
  const cases: Filters[] = [
    {}, { engine: 'sim' }, { engine: 'native' }, { platform: 'solaris10' }, { mutexType: 'USYNC_THREAD' },
    { platform: 'solaris10', mutexType: 'USYNC_THREAD' }, { status: 'running' }, { status: 'completed', engine: 'sim' },
    { outcome: 'crash', platform: 'solaris10' }, { status: 'queued', mutexType: 'PTHREAD_PROCESS_SHARED' },
  ];
  for (const filters of cases) {
    const row = (m: (typeof made)[number]): Record<string, string | undefined> =>
      ({ platform: m.spec.platform, mutexType: m.spec.mutexType, engine: m.spec.engine, status: m.status, outcome: m.outcome });
    const wanted = [...made].reverse().filter((m) => Object.entries(filters).every(([k, v]) => row(m)[k] === v)).map((m) => m.id);
    assert.ok(wanted.length > 0, `the case ${JSON.stringify(filters)} matches something`);
    for (const limit of [1, 5, 100]) assert.deepEqual(await walk(store, limit, filters), wanted, `${JSON.stringify(filters)} limit ${limit}`);
  }
});

test('a record that changes status between two pages is listed once (it keeps its score)', async (t) => {
  const { store } = await setup(t);
  const entries = Array.from({ length: 10 }, () => ({ id: randomUUID(), spec: specOf(KINDS[0]!) }));
  await store.createMany(entries, 0);
  const first = await store.list(4, undefined, {});
  // every record moves to another status index, those already listed and those still ahead
  for (const e of entries) await store.begin(e.id, 'w');
  const ids = [...first.items.map((i) => i.id)];
  let cursor = first.next ?? undefined;
  while (cursor) { const page = await store.list(4, cursor, {}); ids.push(...page.items.map((i) => i.id)); cursor = page.next ?? undefined; }
  assert.deepEqual(ids, [...entries].reverse().map((e) => e.id));
});

test('index entries of a deleted record are gone from its facet: a listing by platform no longer meets it', async (t) => {
  const { redis, store } = await setup(t);
  const id = randomUUID();
  await store.createMany([{ id, spec: specOf(KINDS[3]!) }], 0);
  const facet = store.keys.facet({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_SHARED', engine: 'sim' });
  assert.equal(await redis.zcard(facet), 1);
  await store.begin(id, 'w');
  await store.complete(id, { verdict: { outcome: 'ok', summary: 's' } }, { gzip: Buffer.from('g'), events: 0, stored: 0, truncated: false });
  assert.equal(await store.delete(id), true);
  assert.equal(await redis.zcard(facet), 0);
  assert.deepEqual((await store.list(10, undefined, { platform: 'glibc-2.36' })).items, []);
});
