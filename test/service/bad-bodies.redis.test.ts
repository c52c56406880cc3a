// Acceptance 2: bad bodies each give 400 application/problem+json naming the field, never a 5xx.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from './helpers.js';

const spec = { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234' };

// [what is wrong, body (string = sent raw), content type, field the answer must name]
// (a body that is not application/json is a 415: http-edge.redis.test.ts)
const BAD: [string, unknown, string, string][] = [
  ['not JSON', '{"mutexType": ', 'application/json', '(body)'],
  ['empty body', '', 'application/json', '(body)'],
  ['a JSON array', '[1,2]', 'application/json', '(body)'],
  ['a JSON string', '"hello"', 'application/json', '(body)'],
  ['missing mutexType', { processCount: 2, key: '0x1234' }, 'application/json', 'mutexType'],
  ['unknown mutexType', { ...spec, mutexType: 'USYNC_MAGIC' }, 'application/json', 'mutexType'],
  ['processCount 0', { ...spec, processCount: 0 }, 'application/json', 'processCount'],
  ['processCount 65', { ...spec, processCount: 65 }, 'application/json', 'processCount'],
  ['processCount a string', { ...spec, processCount: 'two' }, 'application/json', 'processCount'],
  ['unknown field', { ...spec, colour: 'blue' }, 'application/json', 'colour'],
  ['unknown preset', { preset: 'solaris11-dream' }, 'application/json', 'preset'],
  ['preset not a string', { preset: 3 }, 'application/json', 'preset'],
  ['platform with native', { ...spec, engine: 'native', platform: 'solaris10' }, 'application/json', 'platform'],
  ['processes length mismatch', { ...spec, processes: [{ program: 'a' }] }, 'application/json', 'processes'],
  ['maxSteps above maximum', { ...spec, limits: { maxSteps: 1e12 } }, 'application/json', 'limits.maxSteps'],
  ['timeoutMs above maximum', { ...spec, limits: { timeoutMs: 10_000_000 } }, 'application/json', 'limits.timeoutMs'],
  ['unknown engine', { ...spec, engine: 'quantum' }, 'application/json', 'engine'],
  ['unknown platform', { ...spec, platform: 'hpux' }, 'application/json', 'platform'],
  ['fault kills a missing process', { ...spec, faults: [{ kill: 5 }] }, 'application/json', 'faults[0].kill'],
  ['bad per-process program', { ...spec, processes: [{ program: 'a b' }, {}] }, 'application/json', 'processes[0].program'],
  ['unknown explore strategy', { ...spec, explore: { strategy: 'guess' } }, 'application/json', 'explore.strategy'],
  ['preset with a bad override', { preset: 'solaris10-crash', cpus: 0 }, 'application/json', 'cpus'],
  ['iterations negative', { ...spec, iterations: -1 }, 'application/json', 'iterations'],
  ['robust USYNC_THREAD on solaris10 (mutex_init refuses it)', { ...spec, platform: 'solaris10', mutexType: 'USYNC_THREAD', robust: true }, 'application/json', 'robust'],
  ['libc on the simulator (it models musl as platform musl-1.2)', { ...spec, libc: 'musl' }, 'application/json', 'libc'],
  ['unknown libc', { ...spec, engine: 'native', libc: 'uclibc' }, 'application/json', 'libc'],
  ['native with a per-process key', { ...spec, engine: 'native', processes: [{ key: '0x99' }, {}] }, 'application/json', 'processes[0].key'],
  ['repeat above its maximum', { ...spec, repeat: 1001 }, 'application/json', 'repeat'],
  ['compare on the simulator', { ...spec, compare: true }, 'application/json', 'compare'],
];

test('every bad body answers 400 problem+json naming its field', async (t) => {
  const app = await build(t);
  assert.ok(BAD.length >= 15);
  for (const [what, body, type, field] of BAD) {
    const res = await app.inject({ method: 'POST', url: '/experiments', headers: { 'content-type': type }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
    assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/, what);
    const problem = res.json();
    assert.equal(problem.status, 400, what);
    assert.ok(problem.type && problem.title && problem.detail, what);
    assert.ok(problem.errors.some((e: { field: string }) => e.field === field), `${what}: expected a problem naming ${field}, got ${JSON.stringify(problem.errors)}`);
  }
});

test('libc "musl" on the simulator: the 400 points to platform "musl-1.2"', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: '/experiments', payload: { ...spec, mutexType: 'PTHREAD_PROCESS_PRIVATE', libc: 'musl' } });
  assert.equal(res.statusCode, 400);
  const error = res.json().errors.find((e: { field: string }) => e.field === 'libc');
  assert.match(error.message, /"platform": "musl-1\.2"/);
});

test('all bad fields are named at once', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: '/experiments', payload: { mutexType: 'X', processCount: 0, key: '0x1', colour: 1 } });
  assert.equal(res.statusCode, 400);
  const fields = res.json().errors.map((e: { field: string }) => e.field).sort();
  assert.deepEqual(fields, ['colour', 'mutexType', 'processCount']);
});

test('bad query and path parameters are 400 or 404 problem+json, not 5xx', async (t) => {
  const app = await build(t);
  const wait = await app.inject({ method: 'POST', url: '/experiments?wait=9999', payload: spec });
  assert.equal(wait.statusCode, 400);
  assert.ok(wait.json().errors.some((e: { field: string }) => e.field === 'querystring.wait'), wait.body);
  const limit = await app.inject({ url: '/experiments?limit=0' });
  assert.equal(limit.statusCode, 400);
  const cursor = await app.inject({ url: '/experiments?cursor=garbage' });
  assert.equal(cursor.statusCode, 400);
  assert.equal(cursor.json().errors[0].field, 'querystring.cursor');
  const status = await app.inject({ url: '/experiments?status=exploded' });
  assert.equal(status.statusCode, 400);
  const unknown = await app.inject({ url: '/experiments/not-a-real-id' });
  assert.equal(unknown.statusCode, 404);
  assert.match(unknown.headers['content-type'] as string, /problem\+json/);
  const route = await app.inject({ url: '/nowhere' });
  assert.equal(route.statusCode, 404);
  assert.match(route.headers['content-type'] as string, /problem\+json/);
});
