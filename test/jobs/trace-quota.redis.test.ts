// The trace storage quota against real Redis (own key prefix): one experiment's trace beyond
// TRACE_MAX_BYTES is not kept (the result is, marked truncated); the stored total counts every
// kept trace, POST answers 503 storage_full with Retry-After once it reaches
// TRACE_STORE_MAX_BYTES, and the bytes come back when traces are deleted or expire.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { validateSpec } from '../../src/engine/spec.js';
import { EventHub } from '../../src/jobs/events.js';
import { openQueue } from '../../src/jobs/queue.js';
import { Reaper } from '../../src/jobs/reaper.js';
import { ExperimentStore } from '../../src/jobs/store.js';
import { ExperimentService } from '../../src/service/domain/experiments.js';
import { Problem } from '../../src/service/errors.js';
import { deleteKeys, REDIS_URL, silent } from '../service/helpers.js';

const body = { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', iterations: 10, seed: 1 };
const checked = validateSpec(body, () => 1);
const verdict = { verdict: { outcome: 'ok', summary: 's' } };
const trace = (bytes: number) => ({ gzip: Buffer.alloc(bytes, 7), events: 10, stored: 10, truncated: false });

test('trace quota: per experiment, overall with 503 storage_full, given back on delete and expiry', async (t) => {
  assert.ok(checked.ok);
  const prefix = `test-quota-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(REDIS_URL);
  const store = new ExperimentStore(redis, prefix, 2);
  const queue = openQueue(redis, prefix);
  t.after(async () => { await queue.close(); redis.disconnect(); await deleteKeys(REDIS_URL, prefix); });
  store.traceMaxBytes = 100;

  const [big, a, b] = [randomUUID(), randomUUID(), randomUUID()];
  await store.createMany([big, a, b].map((id) => ({ id, spec: checked.spec })), 0);
  assert.equal(await store.complete(big, verdict, trace(101)), true);
  const bigRecord = await store.get(big);
  assert.deepEqual(bigRecord?.trace, { events: 10, stored: 0, truncated: true, bytes: 0 }, 'a trace over TRACE_MAX_BYTES is not kept');
  assert.equal(await store.storedTraceBytes(), 0);

  assert.deepEqual(await store.completeMany([{ id: a, result: verdict, trace: trace(60) }]), [true]);
  assert.equal(await store.complete(b, verdict, trace(50)), true);
  assert.equal(await store.storedTraceBytes(), 110);

  const service = new ExperimentService(store, queue, new EventHub(redis, store.keys.eventChannel), 0, 100);
  await assert.rejects(service.submit(body), (e: unknown) => e instanceof Problem && e.code === 'storage_full' && e.extra.retryAfter === 60);

  assert.equal(await store.delete(a), true);
  assert.equal(await store.storedTraceBytes(), 50, 'a deleted trace gives its bytes back');
  await new Promise((r) => setTimeout(r, 1100)); // the service reads the total at most once a second
  assert.equal((await service.submit(body)).created, true, 'below the quota again');

  await new Promise((r) => setTimeout(r, 2000)); // RESULT_TTL=2: b's trace expires
  const f = await new Reaper(redis, store, queue, 'q', silent, { graceMs: 0 }).pass();
  assert.equal(f?.traceBytesExpired, 50);
  assert.equal(await store.storedTraceBytes(), 0);
});
