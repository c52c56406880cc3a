// The engine sandbox on its own (no Redis): results come back; a runaway, throwing, exiting or
// memory-hungry engine is contained and the sandbox keeps working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { validateSpec, type Spec } from '../../src/engine/spec.js';
import { EngineSandbox } from '../../src/worker/sandbox.js';
import { TraceCap } from '../../src/worker/trace-cap.js';
import { FIXTURE_RUNNER } from '../service/helpers.js';
import { EXITS, OOM, RUNAWAY, SLOW_ASYNC, THROWS } from './fixtures/misbehaving-runner.js';

function spec(extra: Record<string, unknown>): Spec {
  const v = validateSpec({ mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', iterations: 4, ...extra }, () => 42);
  assert.ok(v.ok);
  return v.spec;
}

test('a misbehaving engine never takes the sandbox down', async (t) => {
  const sandbox = new EngineSandbox({ runner: FIXTURE_RUNNER, memoryMb: 64, traceMaxEvents: 1000 });
  t.after(() => sandbox.close());
  await sandbox.warm(1);

  const ok = await sandbox.run({ kind: 'run', spec: spec({}) });
  assert.equal(ok.kind, 'result');
  if (ok.kind === 'result') {
    assert.equal(ok.result.verdict.outcome, 'ok');
    const lines = gunzipSync(ok.traceGzip).toString().trim().split('\n');
    assert.equal(lines.length, 4);
  }

  const started = Date.now();
  const runaway = await sandbox.run({ kind: 'run', spec: spec({ seed: RUNAWAY, limits: { timeoutMs: 300 } }) });
  assert.deepEqual(runaway, { kind: 'timeout', timeoutMs: 300 });
  assert.ok(Date.now() - started < 1500, 'limits.timeoutMs is enforced on a loop that never yields');

  const thrown = await sandbox.run({ kind: 'run', spec: spec({ seed: THROWS }) });
  assert.equal(thrown.kind, 'engine_error');
  assert.match((thrown as { message: string }).message, /RangeError: fixture engine: deliberate bug/);

  const exited = await sandbox.run({ kind: 'run', spec: spec({ seed: EXITS }) });
  assert.equal(exited.kind, 'crashed');

  const oom = await sandbox.run({ kind: 'run', spec: spec({ seed: OOM }) });
  assert.equal(oom.kind, 'crashed');
  assert.match((oom as { message: string }).message, /memory/i);

  const controller = new AbortController();
  const pending = sandbox.run({ kind: 'run', spec: spec({ seed: SLOW_ASYNC, iterations: 30_000 }) }, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('cancelled')), 50);
  assert.deepEqual(await pending, { kind: 'aborted', reason: 'cancelled' });

  const after = await sandbox.run({ kind: 'run', spec: spec({ iterations: 2 }) });
  assert.equal(after.kind, 'result', 'still works after all that');
  assert.ok(sandbox.size <= 2);
});

test('TraceCap keeps the first and last halves and counts every event', () => {
  const cap = new TraceCap(6);
  for (let seq = 0; seq < 20; seq++) cap.push({ seq, t: seq, cpu: 0, pid: 1, tid: 1, op: 'spin' });
  assert.deepEqual([...cap.events()].map((e) => e.seq), [0, 1, 2, 17, 18, 19]);
  assert.equal(cap.total, 20);
  assert.equal(cap.stored, 6);
  assert.equal(cap.truncated, true);
  const small = new TraceCap(6);
  for (let seq = 0; seq < 5; seq++) small.push({ seq, t: seq, cpu: 0, pid: 1, tid: 1, op: 'spin' });
  assert.deepEqual([...small.events()].map((e) => e.seq), [0, 1, 2, 3, 4]);
  assert.equal(small.truncated, false);
});
