// A 20000-schedule random exploration submitted to the service runs as a BullMQ flow (a parent
// and four chunk children of 5000) on two workers, and its result is the one a single process
// computes for the same seed: same exploration figures, same verdict, same trace bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, finished, poll, post, queueOf, REAL_RUNNER, testConfig, worker } from '../service/helpers.js';
import { CHUNK_QUEUE_NAME } from '../../src/jobs/queue.js';
import { runExploration } from '../../src/runner/explore-run.js';
import { validateSpec } from '../../src/engine/spec.js';
import { findPreset } from '../../src/runner/presets.js';

test('two workers run the chunks of a 20000-schedule exploration; the merged result equals one process\'s', async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER });
  const app = await build(t, config);
  const w1 = await worker(t, config);
  const w2 = await worker(t, config);
  const body = { preset: 'solaris10-crash', iterations: 3, seed: 77, explore: { strategy: 'random', schedules: 20000 } };
  const res = await post(app, body);
  assert.equal(res.statusCode, 202, res.body);
  const { id } = res.json();
  const { record } = await poll(app, id, finished, 120_000);
  assert.equal(record.status, 'completed', JSON.stringify(record.error));
  const x = record.result.exploration;
  assert.equal(x.chunks, 4);
  assert.equal(x.schedules, 20000);
  // The chunks were spread over both workers (BullMQ records who processed each job).
  const queue = await queueOf(t, config, CHUNK_QUEUE_NAME);
  const by = new Set<string>();
  for (let i = 0; i < 4; i++) {
    const job = await queue.getJob(`${id}-chunk-${i}`);
    assert.ok(job, `chunk job ${i} is gone`);
    assert.ok(job.returnvalue && job.returnvalue.ran === 5000, JSON.stringify(job.returnvalue)?.slice(0, 200));
    if (job.processedBy) by.add(job.processedBy);
  }
  assert.deepEqual([...by].sort(), [w1.name, w2.name].sort());

  const v = validateSpec({ ...findPreset('solaris10-crash')!.spec, iterations: 3, seed: 77, explore: { strategy: 'random', schedules: 20000 } }, () => 77);
  assert.ok(v.ok);
  const local = await runExploration(v.spec);
  assert.deepEqual({ ...x, chunks: 1 }, JSON.parse(JSON.stringify(local.result.exploration)));
  assert.equal(record.result.verdict.cause, local.result.verdict.cause);
  assert.equal(record.result.verdict.summary, local.result.verdict.summary);
  const trace = await app.inject({ url: `/experiments/${id}/trace` });
  assert.equal(trace.body, [...local.trace].map((e) => JSON.stringify(e) + '\n').join(''));
});

test('EXPLORE_CHUNK sets the chunk size: 1000 schedules in chunks of 250 run as 4 chunk jobs', async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER, EXPLORE_CHUNK: '250' });
  const app = await build(t, config);
  await worker(t, config);
  const res = await post(app, { preset: 'solaris10-crash', iterations: 3, seed: 78, explore: { strategy: 'random', schedules: 1000 } });
  assert.equal(res.statusCode, 202, res.body);
  const { id } = res.json();
  const { record } = await poll(app, id, finished, 60_000);
  assert.equal(record.status, 'completed', JSON.stringify(record.error));
  assert.equal(record.result.exploration.chunks, 4);
  const queue = await queueOf(t, config, CHUNK_QUEUE_NAME);
  assert.ok(await queue.getJob(`${id}-chunk-3`), 'chunk 3 of 4');
  assert.equal(await queue.getJob(`${id}-chunk-4`), undefined);
});
