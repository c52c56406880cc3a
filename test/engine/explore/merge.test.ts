// Chunks: any split of an exploration, run separately and merged, gives the result of one run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChunkRunner, finishExploration, mergeReports, planExploration, splitRange } from '../../../src/engine/explore/index.js';
import { replayToken } from '../../../src/runner/explore-run.js';
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
    // The statistics and the counterexamples survive the merge: every outcome found has its
    // shrunk counterexample, whose token replays to that outcome; the interval is over all chunks.
    const x = one.result.exploration!;
    assert.equal(x.stoppedBy, 'schedules');
    assert.ok(x.failureRate.method === 'wilson' && x.failureRate.estimate === x.failures / n);
    const failing = Object.keys(x.outcomes).filter((o) => o !== 'ok');
    assert.deepEqual(Object.keys(x.counterexamples).sort(), failing.sort());
    for (const c of Object.values(x.counterexamples)) {
      const replay = replayToken(c.token);
      assert.ok(replay.ok && replay.result.verdict.outcome === c.outcome, `${c.outcome} token replays to ${replay.ok ? replay.result.verdict.outcome : replay.reason}`);
      assert.equal(c.foundAt, x.firstFailures![c.outcome]!.schedule);
    }
  });
}

test('a chunk stopped by the time budget makes the merged exploration say "time", a cancelled one "cancelled", with the counts of what ran', () => {
  const n = 600;
  const spec = presetSpec('solaris10-crash', { iterations: 3, seed: 77, explore: { strategy: 'random', schedules: n } });
  const plan = planExploration(spec);
  const [a, b, c] = splitRange(n, 3).map((r) => new ChunkRunner(spec, plan, r.from, r.to));
  while (!a!.runBatch(50));
  b!.runBatch(50); b!.stop('time');
  c!.runBatch(30); c!.stop('cancelled');
  const reports = [a!.result(), b!.result(), c!.result()];
  const x = finishExploration(spec, plan, reports).result.exploration!;
  assert.equal(x.stoppedBy, 'cancelled');
  assert.equal(x.schedules, 200 + 50 + 30);
  assert.equal(x.planned, n);
  assert.equal(Object.values(x.outcomes).reduce((s, v) => s + v, 0), x.schedules);
  assert.ok(x.failureRate.method === 'wilson' && x.failureRate.estimate === x.failures / x.schedules);
  const timed = finishExploration(spec, plan, reports.slice(0, 2)).result;
  assert.equal(timed.exploration!.stoppedBy, 'time');
  assert.match(timed.verdict.summary, /of 600 planned: the time budget \(explore\.timeMs = \d+\) stopped it/);
});

test('splitRange covers [0, n) without gaps or overlaps', () => {
  const chunks = splitRange(20000, 3);
  assert.equal(chunks[0]!.from, 0);
  assert.equal(chunks.at(-1)!.to, 20000);
  for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i]!.from, chunks[i - 1]!.to);
});
