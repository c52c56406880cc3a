// Issue 13 acceptance 4 and 5 through HTTP: the body with several bad fields gets one 400 naming
// each (enums with their allowed values); the OpenAPI document describes the result (outcome enum,
// evidence, exploration) and gives every operation its error statuses and real media types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MUTEX_TYPES, PLATFORMS } from '../../src/engine/spec.js';
import { OUTCOMES } from '../../src/engine/result.js';
import { build, post } from './helpers.js';

test('the issue body: one 400 problem+json naming every bad field, enums with their allowed values', async (t) => {
  const app = await build(t);
  const issueBody = { mutexType: 'USYNC_THRAED', processCount: 2, key: '0x1234', cpus: -1, iterations: 1.5, platform: 'solaris11' };
  for (const [body, fields] of [
    [issueBody, ['cpus', 'iterations', 'mutexType', 'platform']], // processCount 2 and key "0x1234" are valid: four bad members
    [{ ...issueBody, key: '1234' }, ['cpus', 'iterations', 'key', 'mutexType', 'platform']],
    [{ ...issueBody, key: '1234', mutexTyp: 'USYNC_THREAD', robust: true }, ['cpus', 'iterations', 'key', 'mutexTyp', 'mutexType', 'platform']],
  ] as const) {
    const res = await post(app, body);
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
    const problem = res.json();
    const errors = problem.errors as { field: string; message: string }[];
    assert.deepEqual(errors.map((e) => e.field).sort(), [...fields]);
    const message = (field: string) => errors.find((e) => e.field === field)!.message;
    for (const v of MUTEX_TYPES) assert.ok(message('mutexType').includes(`"${v}"`), message('mutexType'));
    for (const v of PLATFORMS) assert.ok(message('platform').includes(`"${v}"`), message('platform'));
    assert.match(message('mutexType'), /did you mean "USYNC_THREAD"/);
    if (fields.includes('key' as never)) assert.match(message('key'), /a hex string like "0x1234", .*, or "IPC_PRIVATE"/);
    if (fields.includes('mutexTyp' as never)) assert.match(message('mutexTyp'), /did you mean "mutexType"\?/);
    for (const e of errors) assert.ok(problem.detail.includes(`${e.field} ${e.message}`), 'detail repeats every error');
  }
  // a platform's refusal joins the schema's errors in the same answer
  const refused = await post(app, { mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234', robust: true, cpus: 0 });
  assert.deepEqual(refused.json().errors.map((e: { field: string }) => e.field).sort(), ['cpus', 'robust']);
});

test('OpenAPI: the result schema, and every operation with its error statuses and real media types', async (t) => {
  const app = await build(t);
  const doc = (await app.inject({ url: '/openapi.json' })).json();
  const get = doc.paths['/experiments/{id}'].get.responses['200'].content['application/json'].schema;
  const result = get.properties.result.anyOf.find((s: { type?: string }) => s.type === 'object');
  assert.ok(result, 'result is an object schema, not "string"');
  assert.deepEqual(result.properties.verdict.properties.outcome.enum, [...OUTCOMES]);
  for (const member of ['summary', 'cause', 'fix', 'terms']) assert.ok(result.properties.verdict.properties[member], `verdict.${member}`);
  for (const member of ['mutex', 'core', 'watchpoints', 'pmap']) assert.ok(result.properties.evidence.properties[member], `evidence.${member}`);
  assert.equal(result.properties.evidence.additionalProperties, true, 'evidence is open-ended');
  for (const member of ['strategy', 'schedules', 'outcomes', 'failureRate', 'shrunk', 'stoppedBy']) assert.ok(result.properties.exploration.properties[member], `exploration.${member}`);
  assert.equal(get.properties.spec.type, 'object');
  assert.ok(get.properties.progress.anyOf.some((s: { type?: string }) => s.type === 'object'));

  const media: Record<string, string> = {
    'get /experiments/{id}/events': 'text/event-stream', 'get /events': 'text/event-stream', 'get /experiments/{id}/trace': 'application/x-ndjson',
    'get /experiments/{id}/timeline.svg': 'image/svg+xml', 'get /metrics': 'text/plain',
  };
  let operations = 0;
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      operations++;
      const name = `${method} ${path}`;
      const statuses = Object.keys(op.responses);
      assert.ok(statuses.includes('500'), `${name} documents 500`);
      for (const [status, response] of Object.entries<any>(op.responses)) {
        if (Number(status) >= 400) assert.deepEqual(Object.keys(response.content ?? {}), ['application/problem+json'], `${name} ${status} is problem+json`);
      }
      const ok = op.responses['200'];
      if (ok && media[name]) assert.ok(ok.content[media[name]], `${name} 200 is ${media[name]}, not ${Object.keys(ok.content)}`);
      else if (ok) assert.deepEqual(Object.keys(ok.content), ['application/json'], name);
      const isPublic = ['/healthz', '/readyz', '/metrics'].includes(path);
      if (!isPublic) for (const s of ['401', '429']) assert.ok(statuses.includes(s), `${name} documents ${s}`);
      if ((op.parameters ?? []).length > 0 || op.requestBody) assert.ok(statuses.includes('400'), `${name} documents 400`);
      if (!['/healthz', '/presets', '/limits'].includes(path)) assert.ok(statuses.includes('503'), `${name} documents 503`);
    }
  }
  assert.ok(operations >= 14, `${operations} operations`);
  const postOp = doc.paths['/experiments'].post;
  for (const s of ['200', '202', '400', '401', '409', '413', '415', '422', '429', '503']) assert.ok(postOp.responses[s], `POST /experiments documents ${s}`);
  const examples = postOp.requestBody.content['application/json'].examples;
  assert.ok(examples['the-story'] && examples['the-fix'], 'named examples');
  assert.ok(!Object.keys(examples).some((k) => /^example\d+$/.test(k)), 'no example1..N');
  assert.ok(postOp.responses['400'].content['application/problem+json'].examples['five-bad-fields'].value.errors.length >= 5);
});

test('the contract is in the repository and the README and the engine point to it', async () => {
  const { readFileSync } = await import('node:fs');
  const at = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
  const contract = at('docs/contract.md');
  for (const heading of ['## The spec', '## The normalised spec', '## The result', '## The trace', '## Progress', '## Replay tokens', '## Statuses', '## Errors']) assert.ok(contract.includes(heading), heading);
  for (const outcome of OUTCOMES) assert.ok(contract.includes(`\`${outcome}\``), `the contract explains ${outcome}`);
  assert.match(at('README.md'), /\(docs\/contract\.md\)/);
  for (const file of ['README.md', 'src/engine/result.ts', 'src/engine/trace.ts']) assert.doesNotMatch(at(file), /shared\/CONTRACT\.md/, file);
});
