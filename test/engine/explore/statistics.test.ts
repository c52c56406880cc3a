// Acceptance 2 of issue 13: the statistics say what each strategy supports. dfs enumerates, so it
// reports exact counts (no interval, no bound) and, exhausted without a failure, a proof within
// its bound; random and pct sample, so they report a Wilson interval; stoppedBy always names
// what stopped the run. Properties, not today's numbers: the model may change under them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runExploration } from '../../../src/runner/explore-run.js';
import { execute } from '../../../src/engine/sim.js';
import { outcomeOf } from '../../../src/engine/verdict.js';
import { DfsScheduler } from '../../../src/engine/schedulers/dfs.js';
import { ChunkRunner, finishExploration, planExploration } from '../../../src/engine/explore/index.js';
import { presetSpec } from './helpers.js';

/** Every leaf of one depth-first search bounded by `bound` preemptions, counted by outcome. */
function enumerate(spec: ReturnType<typeof presetSpec>, bound: number): Record<string, number> {
  const dfs = new DfsScheduler(bound);
  const counts: Record<string, number> = {};
  do { const o = outcomeOf(execute(spec, { scheduler: dfs })); counts[o] = (counts[o] ?? 0) + 1; } while (dfs.advance());
  return counts;
}

test('dfs exhausted with failures: exact counts over the whole bounded space, no interval, stoppedBy "exhausted"', async () => {
  const spec = presetSpec('solaris10-crash', { iterations: 1, explore: { strategy: 'dfs', maxPreemptions: 1, schedules: 100000 } });
  const { result } = await runExploration(spec);
  const x = result.exploration!;
  assert.equal(x.exhausted, true);
  assert.equal(x.stoppedBy, 'exhausted');
  const counts = enumerate(spec, 1);
  assert.deepEqual({ ...x.outcomes }, Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1))));
  const failures = x.schedules - (counts.ok ?? 0);
  assert.ok(failures > 0, `the space should hold a failure: ${JSON.stringify(counts)}`);
  const r = x.failureRate;
  assert.equal(r.method, 'count');
  assert.equal(r.sampling, 'enumerated');
  assert.ok(r.method === 'count');
  assert.deepEqual([r.failures, r.schedules, r.fraction, r.exhausted], [failures, x.schedules, failures / x.schedules, true]);
  for (const absent of ['low', 'high', 'confidence', 'estimate', 'upperBound', 'ruleOfThree']) assert.ok(!(absent in r), `dfs reports no ${absent}`);
  assert.equal(x.provenWithinBound, false);
  assert.doesNotMatch(result.verdict.summary, /interval|rule of three|one-sided/);
  assert.match(result.verdict.summary, /exactly [\d.]+% of the schedules within the bound fail/);
});

test('dfs exhausted without a failure: "proven within the bound", no interval and no rule of three', async () => {
  const spec = presetSpec('solaris10-fixed', { iterations: 1, processes: [{ program: 'app', threads: 1 }, { program: 'other', threads: 1 }], explore: { strategy: 'dfs', maxPreemptions: 2, schedules: 100000 } });
  const { result } = await runExploration(spec);
  const x = result.exploration!;
  assert.equal(x.stoppedBy, 'exhausted');
  assert.equal(x.failures, 0);
  assert.equal(x.provenWithinBound, true);
  assert.ok(x.failureRate.method === 'count' && x.failureRate.fraction === 0 && x.failureRate.exhausted);
  assert.ok(!('ruleOfThree' in x.failureRate) && !('upperBound' in x.failureRate));
  assert.match(result.verdict.summary, /^exploration: proven within the bound: none of the \d+ schedules with at most 2 preemptions fails/);
  assert.doesNotMatch(result.verdict.summary, /below|interval|rule of three/);
});

test('dfs stopped by the schedule cap: stoppedBy "schedules", counts over what ran, not exhausted', async () => {
  const spec = presetSpec('solaris10-crash', { explore: { strategy: 'dfs', maxPreemptions: 2, schedules: 50 } });
  const { result } = await runExploration(spec);
  const x = result.exploration!;
  assert.equal(x.schedules, 50);
  assert.equal(x.exhausted, false);
  assert.equal(x.stoppedBy, 'schedules');
  assert.ok(x.failureRate.method === 'count' && !x.failureRate.exhausted && x.failureRate.schedules === 50);
  assert.equal(Object.values(x.outcomes).reduce((a, b) => a + b, 0), 50);
  assert.match(result.verdict.summary, /the schedule cap \(explore\.schedules = 50\) stopped the search/);
  assert.match(result.verdict.summary, /not an estimate/);
});

test('random: a Wilson interval around the estimate, stoppedBy "schedules" when all planned schedules ran', async () => {
  const spec = presetSpec('solaris10-crash', { iterations: 3, seed: 5, explore: { strategy: 'random', schedules: 300 } });
  const { result } = await runExploration(spec);
  const x = result.exploration!;
  assert.equal(x.stoppedBy, 'schedules');
  const r = x.failureRate;
  assert.ok(r.method === 'wilson' && r.sampling === 'random');
  assert.equal(r.estimate, x.failures / x.schedules);
  assert.ok(r.low <= r.estimate && r.estimate <= r.high && r.low >= 0 && r.high <= 1 && r.high > r.low);
  assert.equal(r.confidence, 0.95);
  assert.match(result.verdict.summary, /failure rate [\d.]+% \(95% Wilson interval [\d.]+% to [\d.]+%\)/);
});

test('pct: the interval and the guarantee 1/(n k^(d-1)) in the result and in words', async () => {
  const spec = presetSpec('solaris10-fixed', { iterations: 2, explore: { strategy: 'pct', depth: 2, schedules: 40 } });
  const { result } = await runExploration(spec);
  const x = result.exploration!;
  assert.equal(x.failures, 0);
  assert.ok(x.failureRate.method === 'wilson' && x.failureRate.upperBound! > 0 && x.failureRate.ruleOfThree === 3 / 40);
  const g = x.pct!;
  assert.equal(g.perRun, 1 / (g.threads * g.steps ** (g.depth - 1)));
  assert.ok(Math.abs(g.missBound - (1 - g.perRun) ** 40) < 1e-12);
  assert.match(result.verdict.summary, /PCT's guarantee \(Burckhardt et al\. 2010\): one run finds a given bug of depth 2 with probability at least 1\/\(n k\^\(d-1\)\)/);
});

test('stoppedBy names the time budget and a cancel, never null', async () => {
  const spec = presetSpec('solaris10-crash', { explore: { strategy: 'random', schedules: 1_000_000 } });
  const timed = (await runExploration(spec, { timeBudgetMs: 1 })).result.exploration!;
  assert.equal(timed.stoppedBy, 'time');
  assert.ok(timed.schedules < 1_000_000);
  const controller = new AbortController();
  controller.abort();
  const cancelled = (await runExploration(spec, { signal: controller.signal })).result.exploration!;
  assert.equal(cancelled.stoppedBy, 'cancelled');
  // Straight from the engine (no clock): a chunk that ran its range says the cap stopped it.
  const plan = planExploration({ ...spec, explore: { ...spec.explore!, schedules: 10 } });
  const r = new ChunkRunner(spec, plan, 0, 10);
  while (!r.runBatch(4));
  assert.equal(finishExploration(spec, plan, [r.result()]).result.exploration!.stoppedBy, 'schedules');
});
