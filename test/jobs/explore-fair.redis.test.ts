// A big exploration (a flow of many chunk jobs) and the experiments around it: a small
// experiment submitted behind it does not wait for the exploration's chunks (they have a queue
// and worker slots of their own), and cancelling the exploration stops every chunk running on
// the worker, not only one of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHUNK_QUEUE_NAME } from '../../src/jobs/queue.js';
import { build, post, queueOf, REAL_RUNNER, testConfig, worker } from '../service/helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a small experiment overtakes a big exploration\'s queued chunks; cancel stops every running chunk', { timeout: 120_000 }, async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER, WORKER_CONCURRENCY: '2' });
  const app = await build(t, config);
  await worker(t, config);
  const queue = await queueOf(t, config, CHUNK_QUEUE_NAME); // the chunks' queue
  // 20 chunks of 5000 schedules, each several seconds of engine time
  const big = await post(app, { preset: 'solaris10-fixed', iterations: 20, seed: 5, explore: { strategy: 'random', schedules: 100_000 } });
  assert.equal(big.statusCode, 202, big.body);
  const { id } = big.json();
  for (let i = 0; (await queue.getActiveCount()) < 2; i++) { assert.ok(i < 200, 'two chunks running'); await sleep(50); }

  const started = Date.now();
  const small = await post(app, { preset: 'solaris10-crash' }, { query: '?wait=30' });
  assert.equal(small.statusCode, 200, small.body);
  const waited = Date.now() - started;
  const chunksLeft = await queue.getPrioritizedCount();
  const chunksDone = await queue.getCompletedCount();
  assert.ok(chunksLeft >= 10, `the small one ran after ${waited} ms with ${chunksLeft} chunks still queued (it did not wait for them)`);
  // Nor for a running chunk to free its slot: it answered while the first two chunks still ran
  // (none had completed), or, if the host is so slow that one did meanwhile, within 5 s anyway.
  assert.ok(chunksDone === 0 || waited < 5_000, `the small one waited ${waited} ms behind the exploration (${chunksDone} chunks completed meanwhile)`);

  // both slots are running chunks of the exploration again: cancel must stop both
  for (let i = 0; (await queue.getActiveCount()) < 2; i++) { assert.ok(i < 400, 'two chunks running again'); await sleep(50); }
  const del = await app.inject({ method: 'DELETE', url: `/experiments/${id}` });
  assert.equal(del.statusCode, 202, del.body);
  const cancelledAt = Date.now();
  while ((await queue.getActiveCount()) > 0) { assert.ok(Date.now() - cancelledAt < 3000, 'a chunk still runs 3 s after the cancel'); await sleep(50); }
  const record = (await app.inject({ url: `/experiments/${id}` })).json();
  assert.equal(record.status, 'cancelled');
  process.stdout.write(`# small experiment answered in ${waited} ms behind ${chunksLeft} queued chunks (${chunksDone} completed meanwhile); chunks stopped ${Date.now() - cancelledAt} ms after the cancel\n`);
});
