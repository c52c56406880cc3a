// limits.timeoutMs in the worker: a run that never ends by itself is stopped on the wall clock
// and stored the way the contract ends such a run: status completed, outcome limit_exceeded,
// with the spec, a verdict that names the budget, and (the thread was terminated) no evidence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RUNAWAY } from '../worker/fixtures/misbehaving-runner.js';
import { build, post, testConfig, worker } from './helpers.js';

const spec = { mutexType: 'USYNC_PROCESS', processCount: 1, key: '0x1234', iterations: 2 };

test('an experiment past limits.timeoutMs completes as limit_exceeded, and the worker goes on', async (t) => {
  const config = testConfig({ WORKER_CONCURRENCY: '1' });
  const app = await build(t, config);
  await worker(t, config);
  const started = Date.now();
  const res = await post(app, { ...spec, seed: RUNAWAY, limits: { timeoutMs: 300 } }, { query: '?wait=10' });
  assert.equal(res.statusCode, 200, res.body);
  assert.ok(Date.now() - started < 5000, 'stopped near its 300 ms budget');
  const body = res.json();
  assert.equal(body.status, 'completed');
  assert.equal(body.error, null);
  assert.equal(body.result.verdict.outcome, 'limit_exceeded');
  assert.match(body.result.verdict.summary, /wall-clock budget ran out.*limits\.timeoutMs = 300 ms/);
  assert.equal(body.result.spec.seed, RUNAWAY, 'the result carries the normalised spec');
  assert.deepEqual(body.result.processes, []);
  assert.equal(body.result.evidence.mutex, null, 'no evidence survives a terminated engine thread');
  assert.deepEqual(body.trace, { events: 0, stored: 0, truncated: false, bytes: body.trace.bytes });

  const trace = await app.inject({ url: `/experiments/${body.id}/trace` });
  assert.equal(trace.statusCode, 200);
  assert.equal(trace.body, '', 'an empty trace, not a 404');
  const listed = (await app.inject({ url: '/experiments?outcome=limit_exceeded' })).json();
  assert.deepEqual(listed.items.map((i: { id: string }) => i.id), [body.id], 'filterable by outcome');

  const after = await post(app, { ...spec, seed: 9 }, { query: '?wait=10' });
  assert.equal(after.json().result.verdict.outcome, 'ok', 'the worker runs the next experiment');
});
