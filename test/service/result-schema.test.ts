// The published result schema (src/service/schemas/result.ts) against real results: every preset,
// glibc runs, a robust owner death, a native run, explorations of every strategy and a run stopped
// at its time budget. A field an engine adds without the schema fails here, naming the field (the
// response serializer would drop it); and fastify's schema-driven serializer writes each of them
// back to the same JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { Compile, Errors } from 'typebox/schema';
import { validateSpec, type Spec } from '../../src/engine/spec.js';
import type { Result } from '../../src/engine/result.js';
import { listPresets } from '../../src/runner/presets.js';
import { runExperiment } from '../../src/runner/run.js';
import { ExperimentSchema } from '../../src/service/schemas/experiment.js';
import { ResultSchema } from '../../src/service/schemas/result.js';
import { timeoutResult } from '../../src/worker/timeout-result.js';

const spec = (input: Record<string, unknown>): Spec => {
  const v = validateSpec({ seed: 7, ...input }, () => 7);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
};

async function realResults(): Promise<[string, Result][]> {
  const out: [string, Result][] = [];
  const run = async (name: string, s: Spec) => out.push([name, (await runExperiment(s, { trace: false })).result]);
  for (const p of listPresets()) await run(`preset ${p.name}`, spec(p.spec));
  // solaris9-same-code runs on 4 CPUs and ends ok; on 1 CPU its lost wake-up hangs every seed
  await run('solaris9 lost wake-up on 1 CPU', spec({ ...listPresets().find((p) => p.name === 'solaris9-same-code')!.spec, cpus: 1 }));
  await run('glibc-2.36 private on 2 CPUs', spec({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', cpus: 2 }));
  await run('glibc-2.33 shared', spec({ platform: 'glibc-2.33', mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, key: 'IPC_PRIVATE' }));
  await run('illumos robust, holder killed', spec({ platform: 'illumos', mutexType: 'USYNC_PROCESS', robust: true, processCount: 2, key: '0x1234', cpus: 2, faults: [{ kill: 0, whileHolding: true, afterAcquisitions: 3 }] }));
  await run('limit_exceeded by maxSteps', spec({ mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', limits: { maxSteps: 500 } }));
  for (const strategy of ['random', 'pct', 'dfs'] as const) {
    await run(`exploration ${strategy}`, spec({ ...listPresets().find((p) => p.name === 'solaris10-crash')!.spec, explore: { strategy, schedules: 30, maxPreemptions: 1 } }));
  }
  await run('exploration without failures', spec({ ...listPresets().find((p) => p.name === 'solaris10-fixed')!.spec, iterations: 5, explore: { strategy: 'random', schedules: 20 } }));
  await run('native glibc private', spec({ engine: 'native', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', iterations: 2000 }));
  await run('native repeat', spec({ engine: 'native', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, key: '0x1234', iterations: 1000, repeat: 10 }));
  await run('sim repeat', spec({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, key: '0x1234', iterations: 200, cpus: 2, repeat: 10 }));
  await run('compare', spec({ engine: 'native', mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, key: '0x1234', iterations: 200, compare: true, repeat: 5 }));
  out.push(['stopped at limits.timeoutMs', timeoutResult(spec({ mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234' }), 10, 12) as unknown as Result]);
  return out;
}

let cached: Promise<[string, Result][]> | undefined;
const results = () => (cached ??= realResults());

test('every real result validates against the published result schema', async () => {
  const check = Compile(ResultSchema);
  const all = await results();
  assert.ok(all.length >= 12);
  const outcomes = new Set(all.map(([, r]) => r.verdict.outcome));
  for (const o of ['ok', 'crash', 'hang', 'limit_exceeded']) assert.ok(outcomes.has(o as never), `the set covers ${o}: ${[...outcomes]}`);
  assert.ok(all.some(([, r]) => r.exploration), 'an exploration is among them');
  assert.ok(all.some(([, r]) => r.engine === 'native'), 'a native run is among them');
  const sample = JSON.parse(JSON.stringify(all[0]![1]));
  assert.equal(check.Check(sample), true);
  assert.equal(check.Check({ ...sample, verdict: { ...sample.verdict, undocumented: 1 } }), false, 'a field the schema does not name fails the check');
  for (const [name, result] of all) {
    const plain = JSON.parse(JSON.stringify(result));
    if (check.Check(plain)) continue;
    const problems = Errors(ResultSchema, plain)[1].map((e) => `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` ${JSON.stringify(e.params)}` : ''}`);
    assert.fail(`${name}: the result does not match src/service/schemas/result.ts (add the field there):\n  ${problems.join('\n  ')}`);
  }
});

test('fastify\'s schema-driven serializer writes every real result back unchanged (nothing dropped)', async (t) => {
  const app = Fastify({ logger: false });
  t.after(() => app.close());
  const all = await results();
  // the default serializer compiler: fast-json-stringify, built from the response schema
  app.get('/r/:i', { schema: { response: { 200: ExperimentSchema } } }, async (request) => {
    const [, result] = all[Number((request.params as { i: string }).i)]!;
    return {
      id: 'x', status: 'completed', spec: result.spec, queuedAt: new Date(0).toISOString(), startedAt: null, finishedAt: null,
      progress: { kind: 'exploration', strategy: 'pct', done: 3, planned: 9, failures: 1, elapsedMs: 12 },
      attempts: 1, result, error: null, trace: { events: 1, stored: 1, truncated: false, bytes: 20 }, links: { self: '/experiments/x', trace: '/experiments/x/trace' },
    };
  });
  for (const [i, [name, result]] of all.entries()) {
    const res = await app.inject({ url: `/r/${i}` });
    assert.equal(res.statusCode, 200, `${name}: ${res.body.slice(0, 300)}`);
    assert.deepEqual(res.json().result, JSON.parse(JSON.stringify(result)), name);
    assert.deepEqual(res.json().spec, JSON.parse(JSON.stringify(result.spec)), name);
  }
});
