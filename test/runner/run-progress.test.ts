// Progress of one long simulated run (issue 13): steps done of an estimate, reported by the
// runner's clock from the engine's checkpoints, without changing the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateSpec } from '../../src/engine/spec.js';
import { runExperiment } from '../../src/runner/run.js';
import type { RunProgress } from '../../src/engine/engine.js';

const long = () => {
  const v = validateSpec({ platform: 'solaris10', mutexType: 'USYNC_PROCESS', processCount: 4, threadsPerProcess: 2, key: '0x1234', cpus: 2, iterations: 40_000, seed: 3, limits: { maxSteps: 200_000_000 } }, () => 3);
  assert.ok(v.ok);
  return v.spec;
};

test('a run longer than half a second reports steps of an estimate, rising, and the result is the same as without', async () => {
  const seen: RunProgress[] = [];
  const withProgress = await runExperiment(long(), { trace: false, onProgress: (p) => seen.push(p) });
  const runs = seen.filter((p): p is Extract<RunProgress, { kind: 'run' }> => p.kind === 'run');
  assert.ok(withProgress.result.stats.engineMs > 600, `the run took ${withProgress.result.stats.engineMs} ms: too short to test progress`);
  assert.ok(runs.length >= 1, 'no progress from a run of more than half a second');
  for (let i = 1; i < runs.length; i++) assert.ok(runs[i]!.steps > runs[i - 1]!.steps && runs[i]!.elapsedMs >= runs[i - 1]!.elapsedMs);
  assert.ok(runs.every((p) => p.planned >= 8 * 40_000 * 10 && p.elapsedMs >= 500 && p.steps < withProgress.result.stats.steps));
  const without = await runExperiment(long(), { trace: false });
  const strip = (r: typeof without.result) => JSON.stringify({ ...r, stats: { ...r.stats, engineMs: 0 } });
  assert.equal(strip(withProgress.result), strip(without.result));
});

test('a short run reports nothing', async () => {
  const seen: RunProgress[] = [];
  const v = validateSpec({ platform: 'solaris10', mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', iterations: 100, seed: 1 }, () => 1);
  assert.ok(v.ok);
  await runExperiment(v.spec, { onProgress: (p) => seen.push(p) });
  assert.deepEqual(seen, []);
});
