// Chunks: any split of an exploration, run separately and merged, gives the result of one run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkRunner, finishExploration, mergeReports, planExploration, splitRange } from '../../../src/engine/explore/index.js';
import { ndjson, presetSpec } from './helpers.js';

function runRange(spec: ReturnType<typeof presetSpec>, from: number, to: number) {
  const plan = planExploration(spec);
  const r = new ChunkRunner(spec, plan, from, to);
  while (!r.runBatch(97));
  return r.result();
}

for (const strategy of ['random', 'pct'] as const) {
  test(`${strategy}: 1, 2, 3 and 7 chunks merge to the identical report and result`, () => {
    const n = 1500;
    const spec = presetSpec('solaris10-crash', { iterations: 3, seed: 4242, explore: { strategy, schedules: n } });
    const plan = planExploration(spec);
    const whole = runRange(spec, 0, n);
    assert.ok(whole.failures > 0);
    const one = finishExploration(spec, plan, [whole]);
    for (const parts of [2, 3, 7]) {
      const reports = splitRange(n, parts).map((c) => runRange(spec, c.from, c.to)).reverse();
      assert.deepEqual(JSON.stringify(mergeReports(reports)), JSON.stringify(mergeReports([whole])));
      const merged = finishExploration(spec, plan, reports);
      assert.deepEqual({ ...merged.result.exploration, chunks: 1 }, one.result.exploration);
      assert.equal(JSON.stringify(merged.result.verdict), JSON.stringify(one.result.verdict));
      assert.equal(ndjson(merged.trace), ndjson(one.trace));
    }
  });
}

test('splitRange covers [0, n) without gaps or overlaps', () => {
  const chunks = splitRange(20000, 3);
  assert.equal(chunks[0]!.from, 0);
  assert.equal(chunks.at(-1)!.to, 20000);
  for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i]!.from, chunks[i - 1]!.to);
});
