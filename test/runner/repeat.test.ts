// repeat on the simulator (seeds seed, seed+1, ...), compare's model choice and side-by-side
// verdict, the validation of repeat and compare, and `mutexlab compare` on real processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { validateSpec, type Spec } from '../../src/engine/spec.js';
import { LIMITS } from '../../src/engine/limits.js';
import { runExperiment } from '../../src/runner/run.js';
import { compareDistributions } from '../../src/runner/compare-run.js';
import { compareVersions, modelFor } from '../../src/runner/libc-models.js';
import { runRepeat } from '../../src/runner/repeat-run.js';

const BIN = fileURLToPath(new URL('../../../bin/mutexlab', import.meta.url));

function spec(input: Record<string, unknown>): Spec {
  const v = validateSpec({ key: '0x1234', ...input }, () => 7);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

const withoutClock = (r: object) => JSON.parse(JSON.stringify(r, (k, v) => (k === 'engineMs' ? 0 : v)));

test('sim repeat: seeds seed..seed+N-1; every example is exactly the run of its seed, trace and all', async () => {
  const s = spec({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, iterations: 300, cpus: 2, seed: 40, repeat: 30 });
  const out = await runRepeat(s);
  const d = out.distribution;
  assert.equal(d.runs, 30);
  assert.deepEqual(d.seeds, { first: 40, last: 69 });
  let counted = 0;
  for (const [outcome, ex] of Object.entries(d.examples)) {
    assert.equal(ex.seed, 40 + ex.run);
    const { repeat: _r, ...one } = s;
    const again = await runExperiment({ ...one, seed: ex.seed });
    assert.equal(again.result.verdict.outcome, outcome);
    assert.deepEqual(withoutClock(ex.result), withoutClock(again.result), `the ${outcome} example is the run of seed ${ex.seed}`);
    const trace = [...again.trace];
    assert.deepEqual(ex.trace, trace.slice(-ex.trace.length), 'its trace is the end of that run\'s trace');
    counted++;
  }
  assert.ok(counted >= 1);
  // the same repeat again: the same distribution (the simulator is deterministic)
  const twice = await runRepeat(s);
  assert.deepEqual(twice.distribution.outcomes, d.outcomes);
});

test('the model of a libc: glibc >= 2.34 is glibc-2.36, older glibc-2.33, an unknown libc has none', () => {
  assert.equal(compareVersions('2.36', '2.34'), 1);
  assert.equal(compareVersions('2.34', '2.34.0'), 0);
  assert.equal(compareVersions('2.9', '2.34'), -1);
  assert.equal(modelFor({ name: 'glibc', version: '2.36' }).platform, 'glibc-2.36');
  assert.equal(modelFor({ name: 'glibc', version: '2.34' }).platform, 'glibc-2.36');
  assert.equal(modelFor({ name: 'glibc', version: '2.31' }).platform, 'glibc-2.33');
  assert.equal(modelFor({ name: 'bionic', version: '1' }).platform, null);
});

test('compare: agree when every native class is produced by the model; otherwise each missing class with the native evidence', async () => {
  const sim = await runRepeat(spec({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, iterations: 300, cpus: 2, seed: 1, repeat: 20 }));
  const model = sim.distribution;
  const libc = { name: 'glibc', version: '2.36' };
  const choice = { platform: 'glibc-2.36', reason: 'test' };
  const same = compareDistributions(model, model, choice, libc);
  assert.equal(same.verdict, 'agree');
  assert.equal(same.disagreement, null);
  // a native side with a class the model never produced
  const extra = Object.keys(model.outcomes).find((o) => model.outcomes[o as keyof typeof model.outcomes] === 0 && o !== 'limit_exceeded')! as keyof typeof model.outcomes;
  const someExample = Object.values(model.examples)[0]!;
  const native = { ...model, outcomes: { ...model.outcomes, [extra]: 3 }, examples: { ...model.examples, [extra]: { ...someExample, run: 5 } } };
  const c = compareDistributions(native, model, choice, libc);
  assert.equal(c.verdict, 'disagree');
  assert.equal(c.disagreement?.outcome, extra);
  assert.equal(c.disagreement?.native, 3);
  assert.equal(c.disagreement?.example.run, 5);
  assert.ok(c.disagreement?.example.evidence.processes, 'the native example\'s evidence');
  assert.deepEqual(c.classes.find((k) => k.outcome === extra), { outcome: extra, native: 3, model: 0, observedNatively: true, allowedByModel: false });
  assert.equal(compareDistributions(model, null, { platform: null, reason: 'no model' }, libc).verdict, 'no_model');
});

test('validation: repeat above its maximum and compare without engine native are refused, naming the field', () => {
  const over = validateSpec({ mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', repeat: LIMITS.repeat.maximum + 1 }, () => 1);
  assert.ok(!over.ok && over.errors.some((e) => e.field === 'repeat'), JSON.stringify(over));
  const sim = validateSpec({ mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', compare: true }, () => 1);
  assert.ok(!sim.ok && sim.errors.some((e) => e.field === 'compare' && /native/.test(e.message)), JSON.stringify(sim));
  const both = validateSpec({ mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', repeat: 3, explore: { strategy: 'random' } }, () => 1);
  assert.ok(!both.ok && both.errors.some((e) => e.field === 'repeat'));
  const plain = spec({ mutexType: 'USYNC_PROCESS', processCount: 2 });
  assert.ok(!('repeat' in plain) && !('compare' in plain), 'a single run\'s normalised spec is unchanged');
  const cmp = spec({ engine: 'native', mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, compare: true });
  assert.equal(cmp.repeat, LIMITS.repeat.default, 'compare fills in the default repeat');
  const cli = spawnSync(BIN, ['run', '-'], { input: JSON.stringify({ mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', repeat: 5000 }), encoding: 'utf8' });
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /repeat/);
});

test('mutexlab compare: a SHARED spec on real processes agrees with glibc-2.36, as a table and as JSON', () => {
  const input = JSON.stringify({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, key: '0x1234', iterations: 300 });
  const text = spawnSync(BIN, ['compare', '-', '--repeat', '10', '--seed', '3'], { input, encoding: 'utf8' });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /model: {2}glibc-2\.36/);
  assert.match(text.stdout, /^ {2}ok +10 #+ +10 #+/m);
  assert.match(text.stdout, /^agree: /m);
  const json = spawnSync(BIN, ['compare', '-', '--repeat', '10', '--format', 'json'], { input, encoding: 'utf8' });
  assert.equal(json.status, 0, json.stderr);
  const r = JSON.parse(json.stdout);
  assert.equal(r.comparison.verdict, 'agree');
  assert.equal(r.distribution.runs, 10);
  assert.equal(r.comparison.model.distribution.runs, 10);
  const bad = spawnSync(BIN, ['compare', '-', '--repeat', '0'], { input, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /repeat/);
});
