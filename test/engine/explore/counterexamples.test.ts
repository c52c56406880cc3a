// Acceptance 3 of issue 13: one shrunk counterexample per outcome found, each with a token that
// replays to its outcome; explore.target picks the one the result shows. Properties (a crash
// token replays to a crash), not counts of today's model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runExploration, replayToken } from '../../../src/runner/explore-run.js';
import { execute } from '../../../src/engine/sim.js';
import { ReplayScheduler } from '../../../src/engine/schedulers/replay.js';
import { DUMPING } from '../../../src/engine/machine/process.js';
import { decodeToken } from '../../../src/engine/explore/index.js';
import { validateSpec } from '../../../src/engine/spec.js';
import { ndjson, presetSpec } from './helpers.js';

// The story's programs without the preset's timing (as in test/runner/explore-run.test.ts): with the
// preset's system call holding the lock, the default schedule already crashes (zero preemptions).
const story = (target?: 'crash' | 'hang') => presetSpec('solaris10-crash', { work: {}, processes: [{ program: 'app', threads: 2 }, { program: 'other', threads: 1 }], explore: { strategy: 'dfs', maxPreemptions: 2, ...(target ? { target } : {}) } });

/** Run `token`'s schedule cut after `k` steps: has a process crashed yet? */
function crashedWithin(token: string, k: number): boolean {
  const d = decodeToken(token);
  assert.ok(d.ok);
  const spec = { ...d.token.spec, limits: { ...d.token.spec.limits, maxSteps: k } };
  const exec = execute(spec, { scheduler: new ReplayScheduler(d.token.schedule, true) });
  return exec.machine.processes.some((p) => p.exit?.kind === 'signaled' || p.state === DUMPING);
}

test('the story, dfs maxPreemptions 2: a shrunk crash whose token replays to the crash and a shrunk hang whose token replays to the hang', async () => {
  const { result, trace } = await runExploration(story());
  const x = result.exploration!;
  assert.ok((x.outcomes.crash ?? 0) > 0 && (x.outcomes.hang ?? 0) > 0, `the story should show both: ${JSON.stringify(x.outcomes)}`);
  for (const outcome of ['crash', 'hang'] as const) {
    const c = x.counterexamples[outcome];
    assert.ok(c, `a ${outcome} counterexample`);
    assert.equal(c.outcome, outcome);
    const replay = replayToken(c.token);
    assert.ok(replay.ok, replay.ok ? '' : replay.reason);
    assert.equal(replay.result.verdict.outcome, outcome, `the ${outcome} token replays to ${outcome}`);
    assert.equal(replay.result.stats.steps, c.runSteps);
    assert.ok(c.preemptions <= 2 && c.steps <= c.runSteps && c.failureAt >= 0);
    assert.ok(c.preemptions >= 1, 'the default schedule alone does not fail');
    // It was shrunk from a failing schedule the exploration counted.
    assert.ok(c.foundAt < x.schedules);
  }
  // The result shows the most severe outcome found: the crash, with its story.
  assert.equal(x.shrunk?.outcome, 'crash');
  assert.equal(x.shrunk?.token, x.counterexamples.crash!.token);
  assert.equal(result.verdict.outcome, 'crash');
  assert.match(result.verdict.cause, /preempted pid \d+ tid \d+/);
  assert.match(result.verdict.cause, /died of SIGSEGV/);
  assert.match(result.verdict.summary, /This result shows the crash \(the most severe found\)/);
  const replay = replayToken(x.shrunk!.token);
  assert.ok(replay.ok);
  assert.equal(ndjson(replay.trace), ndjson(trace));
  // Steps to the failure end at the fault: cut one step earlier the run has not crashed yet.
  const crash = x.counterexamples.crash!;
  assert.ok(crash.steps < crash.runSteps, `the run goes on after the crash (${crash.steps} of ${crash.runSteps})`);
  assert.equal(crashedWithin(crash.token, crash.steps), true);
  assert.equal(crashedWithin(crash.token, crash.steps - 1), false);
  assert.match(result.verdict.summary, new RegExp(`crash with 1 preemption.*failing at step ${crash.steps} \\(t=${crash.failureAt}\\)`));
  assert.match(result.verdict.cause, new RegExp(`\\(t=${crash.failureAt}\\)\\.`), 'the cause tells the fault at the t the counterexample reports');
});

test('explore.target "hang": the result shows the shrunk hang, and still lists the crash', async () => {
  const { result } = await runExploration(story('hang'));
  const x = result.exploration!;
  assert.equal(x.target, 'hang');
  assert.equal(x.shrunk?.outcome, 'hang');
  assert.equal(result.verdict.outcome, 'hang');
  assert.match(result.verdict.cause, /In the end nobody could run/);
  assert.match(result.verdict.summary, /This result shows the hang \(explore\.target\)/);
  assert.ok(x.counterexamples.crash && x.counterexamples.hang);
  assert.equal(x.minimalPreemptions, x.counterexamples.hang!.preemptions);
  const replay = replayToken(x.shrunk!.token);
  assert.ok(replay.ok && replay.result.verdict.outcome === 'hang');
});

test('explore.target not found: the result says so and shows the most severe outcome found', async () => {
  const spec = presetSpec('solaris10-crash', { explore: { strategy: 'dfs', maxPreemptions: 2, target: 'mutual_exclusion_violation', schedules: 200 } });
  const { result } = await runExploration(spec);
  const x = result.exploration!;
  assert.equal(x.counterexamples.mutual_exclusion_violation, undefined);
  assert.equal(x.shrunk?.outcome, SEVEREST(x.counterexamples));
  assert.match(result.verdict.summary, /no mutual_exclusion_violation was found, the target/);
});

const SEVEREST = (c: object) => ['crash', 'mutual_exclusion_violation', 'hang', 'owner_died', 'limit_exceeded'].find((o) => o in c);

test('explore.target accepts the failure outcomes only, naming the field and the allowed values', () => {
  const base = { mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234' };
  for (const target of ['ok', 'crashes', 7]) {
    const v = validateSpec({ ...base, explore: { strategy: 'dfs', target } }, () => 1);
    assert.ok(!v.ok);
    assert.equal(v.errors[0]!.field, 'explore.target');
    if (typeof target === 'string') assert.match(v.errors[0]!.message, /"crash", "mutual_exclusion_violation", "hang", "owner_died", "limit_exceeded"/);
  }
  const ok = validateSpec({ ...base, explore: { strategy: 'dfs', target: 'hang' } }, () => 1);
  assert.ok(ok.ok && ok.spec.explore!.target === 'hang');
  const plain = validateSpec({ ...base, explore: { strategy: 'dfs' } }, () => 1);
  assert.ok(plain.ok && !('target' in plain.spec.explore!), 'absent unless asked: the normalised spec of an untargeted exploration is unchanged');
});

test('a clean exploration has no counterexample', async () => {
  const spec = presetSpec('solaris10-fixed', { iterations: 2, explore: { strategy: 'random', schedules: 30 } });
  const x = (await runExploration(spec)).result.exploration!;
  assert.equal(x.failures, 0);
  assert.deepEqual(x.counterexamples, {});
  assert.equal(x.shrunk, null);
});
