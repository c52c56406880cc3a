// Explorations through the service, on the real Redis and a worker with the real engine:
// job progress of a running exploration, POST {"replay": TOKEN} giving the same result and the
// same trace bytes as the exploration's shrunk counterexample, refused tokens, explore limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, finished, poll, post, REAL_RUNNER, testConfig, worker } from './helpers.js';

test('an exploration reports progress while it runs, and its shrunk token replays through POST {"replay"} to the same result and trace bytes', async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER });
  const app = await build(t, config);
  await worker(t, config);
  // Long enough (a few seconds) for the worker to publish progress several times.
  const res = await post(app, { preset: 'solaris10-crash', iterations: 20, seed: 5, explore: { strategy: 'random', schedules: 8000 } });
  assert.equal(res.statusCode, 202);
  const { id } = res.json();
  const running = await poll(app, id, (r) => finished(r) || (r.status === 'running' && r.progress?.done > 0), 60_000);
  assert.equal(running.record.status, 'running', `finished before any progress was seen: ${JSON.stringify(running.record.error)}`);
  const p = running.record.progress;
  assert.equal(p.kind, 'exploration');
  assert.equal(p.strategy, 'random');
  assert.equal(p.planned, 8000);
  assert.ok(p.done > 0 && p.done <= 8000 && p.failures >= 0 && p.failures <= p.done, JSON.stringify(p));
  const { record } = await poll(app, id, finished, 120_000);
  assert.equal(record.status, 'completed', JSON.stringify(record.error));
  const x = record.result.exploration;
  assert.equal(x.schedules, 8000);
  assert.ok(x.failures > 0, JSON.stringify(x.outcomes));
  assert.ok(x.shrunk.token.startsWith('mlx1.'));
  // the chunks' progress adds up to the whole exploration once every chunk has finished
  assert.deepEqual([record.progress.done, record.progress.planned, record.progress.failures], [8000, 8000, x.failures]);

  const again = await post(app, { replay: x.shrunk.token });
  assert.equal(again.statusCode, 202, again.body);
  const replayed = (await poll(app, again.json().id, finished, 60_000)).record;
  assert.equal(replayed.status, 'completed', JSON.stringify(replayed.error));
  assert.equal(replayed.result.verdict.outcome, x.shrunk.outcome);
  assert.equal(replayed.result.verdict.cause, record.result.verdict.cause);
  assert.deepEqual(replayed.result.processes, record.result.processes);
  assert.equal(replayed.result.stats.steps, x.shrunk.runSteps); // shrunk.steps end at the failure; runSteps are the whole run's
  const traceA = await app.inject({ url: `/experiments/${id}/trace` });
  const traceB = await app.inject({ url: `/experiments/${replayed.id}/trace` });
  assert.equal(traceA.statusCode, 200);
  assert.ok(traceA.body.length > 1000);
  assert.equal(traceB.body, traceA.body);
});

test('a damaged token, or one sent with another spec, is refused with a 400 naming "replay"', async (t) => {
  const app = await build(t);
  const { encodeToken } = await import('../../src/engine/explore/index.js');
  const { validateSpec } = await import('../../src/engine/spec.js');
  const spec = validateSpec({ mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234', seed: 3 }, () => 3);
  assert.ok(spec.ok);
  const token = encodeToken({ strategy: 'random', seed: 3, scheduleIndex: 0, spec: spec.spec, schedule: { decisions: 10, deviations: [4, 1] } });
  const damaged = await post(app, { replay: token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA') });
  assert.equal(damaged.statusCode, 400);
  assert.match(damaged.headers['content-type'] as string, /application\/problem\+json/);
  assert.equal(damaged.json().errors[0].field, 'replay');
  assert.match(damaged.json().errors[0].message, /damaged|malformed/);
  const other = await post(app, { replay: token, spec: { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234' } });
  assert.equal(other.statusCode, 400);
  assert.match(other.json().errors[0].message, /recorded for a different spec/);
  const same = await post(app, { replay: token, spec: { mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234' } });
  assert.equal(same.statusCode, 202, same.body);
});

test('GET /limits gives the exploration budgets: schedules and time, each with a default and a maximum', async (t) => {
  const app = await build(t);
  const limits = (await app.inject({ url: '/limits' })).json();
  assert.equal(limits.exploreSchedules.field, 'explore.schedules');
  assert.ok(limits.exploreSchedules.default < limits.exploreSchedules.maximum);
  assert.equal(limits.exploreTimeMs.field, 'explore.timeMs');
  assert.ok(limits.exploreTimeMs.default <= limits.exploreTimeMs.maximum);
  const tooLong = await post(app, { preset: 'solaris10-crash', explore: { strategy: 'random', timeMs: limits.exploreTimeMs.maximum + 1 } });
  assert.equal(tooLong.statusCode, 400);
  assert.equal(tooLong.json().errors[0].field, 'explore.timeMs');
});
