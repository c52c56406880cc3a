// A native run past limits.timeoutMs keeps the probe's evidence in the service, as in the CLI:
// the worker's wall-clock timer waits NATIVE_REPORT_GRACE_MS beyond timeoutMs for the probe's
// own report instead of terminating the engine thread first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build, post, REAL_RUNNER, testConfig, worker } from '../service/helpers.js';

test('a native run that uses its whole timeoutMs completes as limit_exceeded with its processes and evidence', { timeout: 60_000 }, async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER, WORKER_CONCURRENCY: '1' });
  const app = await build(t, config);
  await worker(t, config);
  const spec = { engine: 'native', mutexType: 'USYNC_PROCESS', processCount: 2, threadsPerProcess: 4, key: '0x1234', iterations: 5_000_000, limits: { timeoutMs: 800 } };
  const res = await post(app, spec, { query: '?wait=25' });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.result.verdict.outcome, 'limit_exceeded');
  assert.match(body.result.verdict.summary, /processes killed after \d+ cycles/, 'the probe\'s own account, not the thread-terminated one');
  assert.equal(body.result.processes.length, 2, 'the processes the probe saw');
  assert.ok(body.trace.events > 0, 'the probe\'s event rings are the trace');
});
