// A long single run through the service (issue 13): its progress (steps of an estimate) in GET
// while it runs, and ?wait that runs out answering the experiment's real status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, finished, poll, post, REAL_RUNNER, testConfig, worker } from './helpers.js';

const LONG = { platform: 'solaris10', mutexType: 'USYNC_PROCESS', processCount: 4, threadsPerProcess: 2, key: '0x1234', cpus: 2, iterations: 40_000, seed: 3, limits: { maxSteps: 200_000_000, timeoutMs: 60_000 } };

test('a single run of several seconds shows steps of an estimate while it runs; ?wait that runs out says running', async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER });
  const app = await build(t, config);
  await worker(t, config);
  const res = await post(app, LONG, { query: '?wait=1' });
  assert.equal(res.statusCode, 202, 'finished within a second: too short to test');
  const { id, status } = res.json();
  assert.equal(status, 'running', 'after waiting a second the experiment is running, not queued');
  const running = await poll(app, id, (r) => finished(r) || (r.status === 'running' && r.progress?.kind === 'run'), 30_000);
  assert.equal(running.record.status, 'running', `finished before any progress: ${JSON.stringify(running.record.error ?? running.record.result?.verdict?.outcome)}`);
  const p = running.record.progress;
  assert.ok(p.steps > 0 && p.planned >= 8 * 40_000 * 10 && p.elapsedMs >= 500, JSON.stringify(p));
  const done = await poll(app, id, finished, 60_000);
  assert.equal(done.record.status, 'completed');
  assert.ok(done.record.result.stats.steps > p.steps);
});
