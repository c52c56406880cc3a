// repeat through the service: GET /limits documents it, the worker runs it and reports progress
// as repetitions, the result carries the distribution and the trace is the shown run's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build, poll, post, REAL_RUNNER, testConfig, worker } from './helpers.js';

test('repeat in the service: limits, progress of repetitions, the distribution, the shown run\'s trace', { timeout: 60_000 }, async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER });
  const app = await build(t, config);
  await worker(t, config);
  const limits = (await app.inject({ method: 'GET', url: '/limits' })).json();
  assert.deepEqual([limits.repeat.default, limits.repeat.maximum], [100, 1000]);
  assert.equal(limits.repeatTimeMs.field, 'repeat');

  const res = await post(app, { platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, key: '0x1234', iterations: 300, cpus: 2, seed: 5, repeat: 400 });
  assert.equal(res.statusCode, 202, res.body);
  const { id } = res.json();
  const progress: any[] = [];
  const { record } = await poll(app, id, (r) => { if (r.progress) progress.push(r.progress); return r.status === 'completed'; }, 50_000);
  const d = record.result.distribution;
  assert.equal(d.runs, 400);
  assert.equal(record.spec.repeat, 400);
  assert.equal(record.result.verdict.outcome, d.shown);
  assert.ok(progress.some((p) => p.kind === 'repetitions' && p.planned === 400 && p.engine === 'sim'), `progress seen: ${JSON.stringify(progress.slice(0, 3))}`);
  const trace = await app.inject({ method: 'GET', url: `/experiments/${id}/trace` });
  assert.equal(trace.statusCode, 200);
  const lines = trace.body.trim().split('\n');
  assert.equal(lines.length, record.result.trace.events, 'the stored trace is the shown run\'s');
  const last = JSON.parse(lines.at(-1)!);
  assert.deepEqual(d.examples[d.shown].trace.at(-1), last, 'its example ends with the same event');
});
