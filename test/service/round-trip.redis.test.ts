// Acceptance 5 (issue 13): the normalised spec GET shows can be POSTed back and gives the same
// experiment: the same normalised spec (and spec hash), and once a worker ran both, the same
// result. Over every preset, each also as an exploration and as a native run, and a replay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Compile } from 'typebox/schema';
import { specHash } from '../../src/engine/explore/spec-codec.js';
import { validateSpec } from '../../src/engine/spec.js';
import { listPresets } from '../../src/runner/presets.js';
import { runExperiment } from '../../src/runner/run.js';
import { CreateBodySchema } from '../../src/service/schemas/experiment.js';
import { build, finished, poll, post, REAL_RUNNER, testConfig, worker } from './helpers.js';

const created = async (app: Awaited<ReturnType<typeof build>>, body: unknown): Promise<string> => {
  const res = await post(app, body);
  assert.equal(res.statusCode, 202, `${JSON.stringify(body)} -> ${res.body}`);
  return res.json().id;
};
const specOf = async (app: Awaited<ReturnType<typeof build>>, id: string) => (await app.inject({ url: `/experiments/${id}` })).json().spec;
const withoutClock = (result: any) => ({ ...result, stats: { ...result.stats, engineMs: 0 } });

test('POST the normalised spec of every preset back: the same experiment (spec, hash, result)', async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER }); // the real engines: the results are compared
  const app = await build(t, config);
  await worker(t, config);
  const published = Compile(CreateBodySchema);
  const presets = listPresets();
  assert.ok(presets.length >= 3);
  const pairs: [string, string, string][] = [];
  for (const p of presets) {
    for (const [variant, body] of [
      ['as is', { preset: p.name }],
      ['seeded', { preset: p.name, seed: 11 }],
      ['exploration', { preset: p.name, explore: { strategy: 'dfs', maxPreemptions: 1, schedules: 20 } }],
      ['native', { ...p.spec, engine: 'native', platform: undefined, processes: undefined, iterations: 500 }],
    ] as const) {
      const name = `${p.name} ${variant}`;
      const first = await created(app, body);
      const normalised: any = await specOf(app, first);
      assert.ok(published.Check(normalised as unknown), `${name}: the published request schema accepts the normalised spec`);
      const again = await created(app, normalised);
      const back = await specOf(app, again);
      assert.deepEqual(back, normalised, `${name}: the same normalised spec`);
      if (normalised.engine === 'sim') {
        const hash = (s: unknown) => { const v = validateSpec(s, () => 0); assert.ok(v.ok); return specHash(v.spec); };
        assert.equal(hash(back), hash(normalised), name);
      }
      if (variant !== 'native') pairs.push([name, first, again]); // native runs are real processes: not byte-identical
    }
  }
  for (const [name, first, again] of pairs) {
    const a = (await poll(app, first, finished, 60_000)).record;
    const b = (await poll(app, again, finished, 60_000)).record;
    assert.equal(a.status, 'completed', `${name}: ${JSON.stringify(a.error)}`);
    assert.deepEqual(withoutClock(b.result), withoutClock(a.result), `${name}: the same result`);
  }
});

test('a replay round-trips too: GET shows the spec with its token, POSTed back it replays the same schedule', async (t) => {
  const app = await build(t);
  const preset = listPresets().find((p) => p.name === 'solaris10-crash')!;
  const v = validateSpec({ ...preset.spec, seed: 7, explore: { strategy: 'dfs', maxPreemptions: 1, schedules: 30 } }, () => 7);
  assert.ok(v.ok);
  const token = (await runExperiment(v.spec, { trace: false })).result.exploration?.shrunk?.token;
  assert.ok(token, 'the exploration found a counterexample to replay');
  const first = await created(app, { replay: token });
  const shown = (await app.inject({ url: `/experiments/${first}` })).json();
  assert.equal(shown.replay, token, 'GET shows the token beside the spec');
  const normalised: any = { ...shown.spec, replay: shown.replay };
  assert.ok(Compile(CreateBodySchema).Check(normalised as unknown), 'the published request schema accepts it');
  const again = await created(app, normalised);
  assert.deepEqual(await specOf(app, again), shown.spec);
  const tampered = await post(app, { ...normalised, cpus: normalised.cpus + 1 });
  assert.equal(tampered.statusCode, 400, 'a spec the token was not recorded for is refused');
  assert.ok(tampered.json().errors.some((e: { field: string }) => e.field === 'replay'), tampered.body);
});
