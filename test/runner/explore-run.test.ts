// Explorations with a clock (src/runner/explore-run.ts): acceptance 1-4 of the exploration issue, on the simulated machine (no Redis).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runExploration, replayToken } from '../../src/runner/explore-run.js';
import { simulate } from '../../src/engine/sim.js';
import { DfsScheduler } from '../../src/engine/schedulers/dfs.js';
import { execute } from '../../src/engine/sim.js';
import { scheduleSeed } from '../../src/engine/explore/index.js';
import { ndjson, presetSpec } from '../engine/explore/helpers.js';

test('1. solaris10-crash, dfs with maxPreemptions 2: finds the crash, the minimal preemption count, and the shrunk token replays the same crash with identical trace bytes', async () => {
  const spec = presetSpec('solaris10-crash', { explore: { strategy: 'dfs', maxPreemptions: 2, schedules: 200 } });
  const { result, trace } = await runExploration(spec);
  const x = result.exploration!;
  assert.ok((x.outcomes.crash ?? 0) > 0, `dfs found no crash: ${JSON.stringify(x.outcomes)}`);
  assert.equal(x.shrunk?.outcome, 'crash');
  assert.equal(result.verdict.outcome, 'crash');
  // One preemption while a thread of "app" is inside the mutex is enough; zero is not (that bound was searched to the end).
  assert.equal(x.minimalPreemptions, 1);
  assert.equal(x.minimalPreemptionsProven, true);
  assert.equal(x.shrunk!.preemptions, 1);
  assert.match(result.verdict.cause, /preempted pid \d+ tid \d+ .*mutex.* and ran pid \d+ tid \d+/);
  assert.match(result.verdict.cause, /SIGSEGV in mutex_trylock_adaptive/);
  const replay = replayToken(x.shrunk!.token);
  assert.ok(replay.ok, replay.ok ? '' : replay.reason);
  assert.equal(replay.result.verdict.outcome, 'crash');
  assert.equal(replay.result.verdict.cause, result.verdict.cause);
  assert.deepEqual(replay.result.processes, result.processes);
  assert.equal(replay.result.stats.steps, x.shrunk!.runSteps);
  const a = ndjson(trace), b = ndjson(replay.trace);
  assert.ok(a.length > 1000);
  assert.equal(b, a);
  // The first failure's token replays too, to its recorded outcome.
  const first = replayToken(x.firstFailure!.token);
  assert.ok(first.ok && first.result.verdict.outcome === x.firstFailure!.outcome);
});

test('2. solaris10-fixed, dfs with maxPreemptions 2, 2 processes x 1 thread x 2 iterations: exhausts the bounded space with zero failures', async () => {
  const spec = presetSpec('solaris10-fixed', { iterations: 2, processes: [{ program: 'app', threads: 1 }, { program: 'other', threads: 1 }], explore: { strategy: 'dfs', maxPreemptions: 2, schedules: 100000 } });
  const { result } = await runExploration(spec);
  const x = result.exploration!;
  assert.equal(x.exhausted, true);
  assert.equal(x.failures, 0);
  assert.deepEqual(Object.keys(x.outcomes), ['ok']);
  assert.ok(x.schedules > 10, `only ${x.schedules} schedules`);
  assert.equal(x.stoppedBy, 'exhausted');
  // Independent count: one plain depth-first search bounded by 2 preemptions visits each leaf once.
  const dfs = new DfsScheduler(2);
  let leaves = 0;
  do { execute(spec, { scheduler: dfs }); leaves++; } while (dfs.advance());
  assert.equal(x.schedules, leaves);
  assert.match(result.verdict.summary, new RegExp(`proven within the bound: none of the ${leaves} schedules with at most 2 preemptions fails`));
  assert.equal(x.provenWithinBound, true);
});

test('3. pct with depth 2 finds the crash of solaris10-crash within 100 schedules', async () => {
  const spec = presetSpec('solaris10-crash', { explore: { strategy: 'pct', depth: 2, schedules: 100 } });
  const { result } = await runExploration(spec);
  const x = result.exploration!;
  assert.equal(x.schedules, 100);
  assert.ok((x.outcomes.crash ?? 0) > 0, JSON.stringify(x.outcomes));
  assert.ok(x.firstFailures!.crash!.schedule < 100);
  assert.equal(x.pct!.depth, 2);
  assert.ok(x.pct!.steps > 0);
  const replay = replayToken(x.firstFailures!.crash!.token);
  assert.ok(replay.ok && replay.result.verdict.outcome === 'crash');
});

/** Textbook Wilson score interval, written out again independently of src/engine/explore/stats.ts. */
function wilsonByHand(k: number, n: number): [number, number] {
  const z = 1.96, p = k / n;
  const a = p + (z * z) / (2 * n), b = z * Math.sqrt((p * (1 - p) + (z * z) / (4 * n)) / n), c = 1 + (z * z) / n;
  return [(a - b) / c, (a + b) / c];
}

test('4. the failure rate and its 95% Wilson interval match a brute-force count of single runs', async () => {
  const n = 600;
  const spec = presetSpec('solaris10-crash', { iterations: 3, seed: 99, explore: { strategy: 'random', schedules: n } });
  const { result } = await runExploration(spec);
  const x = result.exploration!;
  // Brute force: the same n seeds, each as an ordinary single run with its full result.
  const { explore: _e, ...single } = spec;
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const o = simulate({ ...single, seed: scheduleSeed(spec.seed, i) }).result.verdict.outcome;
    counts[o] = (counts[o] ?? 0) + 1;
  }
  const failures = n - (counts.ok ?? 0);
  assert.ok(failures > 0 && failures < n, `need a mix of outcomes, got ${JSON.stringify(counts)}`);
  assert.deepEqual(x.outcomes, Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1))));
  assert.equal(x.failures, failures);
  assert.ok(x.failureRate.method === 'wilson', 'random reports a Wilson interval');
  assert.equal(x.failureRate.estimate, failures / n);
  const [low, high] = wilsonByHand(failures, n);
  assert.ok(Math.abs(x.failureRate.low - low) < 1e-4, `${x.failureRate.low} vs ${low}`);
  assert.ok(Math.abs(x.failureRate.high - high) < 1e-4, `${x.failureRate.high} vs ${high}`);
  assert.ok(x.failureRate.low < x.failureRate.estimate && x.failureRate.estimate < x.failureRate.high);
});
