// Issue 12: a fuzz pass over every operation of openapi/openapi.json with fast-check. Each
// request draws its path, query and header parameters and its body from the document's schemas,
// valid or not (plus the headers every client can send: Content-Type, Accept-Encoding,
// If-None-Match, Last-Event-ID, Authorization, Origin), sometimes under a method the path does
// not have. It goes to the app (inject; Server-Sent Events over a real socket, read until their
// headers) on the real Redis under a random prefix. No answer may be a 5xx, every 4xx must be
// problem+json, and no JSON body may pollute Object.prototype.
//
// The data it reads: a worker runs a few experiments first (completed with traces, one
// cancelled), then stops, so whatever the fuzz submits stays queued and costs no CPU; ?wait is
// kept to 0..1 s when valid for the same reason. Bounded by FUZZ_RUNS per operation (default
// 150) and FUZZ_SECONDS overall (default 60); FUZZ_SEED replays a run. Prints its figures.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import fc from 'fast-check';
import { build, finished, poll, post, REAL_RUNNER, testConfig, worker } from '../service/helpers.js';
import { anyOf, invalidOf, mutated, NASTY_STRINGS, validOf, type Schema } from './schema-arbitrary.js';

const DOC = JSON.parse(readFileSync(fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url)), 'utf8'));
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 60);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

interface Operation { method: string; path: string; parameters: { in: string; name: string; schema: Schema; required?: boolean }[]; body?: Schema; stream: boolean }

const operations: Operation[] = Object.entries(DOC.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({
    method: method.toUpperCase(), path,
    parameters: op.parameters ?? [],
    body: op.requestBody?.content?.['application/json']?.schema,
    stream: JSON.stringify(op.responses?.['200'] ?? {}).includes('text/event-stream'),
  })));

interface FuzzRequest { method: string; url: string; headers: Record<string, string>; payload?: string }

const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, '').trim();
const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');

function requestOf(op: Operation, ids: string[]): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const id = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.constantFrom(...NASTY_STRINGS.filter(Boolean)) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) });
  const pathValue = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, fc.tuple(id, fc.boolean())])));
  const queryValue = fc.record(Object.fromEntries(queryParams.map((p) => {
    // a valid ?wait waits that long for experiments nothing runs: keep it short
    const schema = p.name === 'wait' ? { ...p.schema, maximum: 1 } : p.schema;
    return [p.name, fc.option(anyOf(schema), { nil: undefined, freq: 2 })];
  })));
  const extraQuery = fc.option(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'x', 'limit', 'wait'), fc.constantFrom(...NASTY_STRINGS)), { nil: undefined });
  const headerValue = fc.record(Object.fromEntries(headerParams.map((p) => [p.name, fc.option(anyOf(p.schema), { nil: undefined })])));
  const common = fc.record({
    // mostly JSON where the operation takes a body, so the body's own checks are reached
    'content-type': fc.oneof(
      { weight: op.body ? 12 : 1, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
      { weight: 2, arbitrary: fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'application/problem+json', '*/*', 'garbage') },
      { weight: op.body ? 0 : 6, arbitrary: fc.constant(undefined) }),
    'accept-encoding': fc.option(fc.constantFrom('gzip', 'br', 'gzip, br', 'deflate', 'identity', '*', 'br;q=0, gzip;q=0', 'x-unknown', ''), { nil: undefined }),
    'if-none-match': fc.option(fc.oneof(fc.constantFrom('*', '""', 'W/"x"'), fc.string({ maxLength: 30 })), { nil: undefined }),
    'last-event-id': fc.option(fc.oneof(fc.constantFrom('0-0', '18446744073709551615-0', '18446744073709551616-0', '1-', 'x'), fc.string({ maxLength: 25 })), { nil: undefined, freq: 2 }),
    authorization: fc.option(fc.oneof(fc.constantFrom('Bearer ', 'Bearer x', 'Basic abc', 'bearer  a  b'), fc.string({ maxLength: 30 })), { nil: undefined }),
    origin: fc.option(fc.constantFrom('https://evil.example', 'null', 'http://localhost:3000'), { nil: undefined }),
    accept: fc.option(fc.constantFrom('application/json', 'text/event-stream', '*/*', 'image/png'), { nil: undefined }),
  });
  const bodySchema = op.body ?? { type: 'object' };
  const body = fc.oneof(
    { weight: 2, arbitrary: fc.record({ preset: fc.constantFrom('solaris10-crash', 'solaris10-fixed', 'solaris9-same-code'), seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }) }, { requiredKeys: ['preset'] }).map(text) },
    { weight: 3, arbitrary: mutated(bodySchema, validOf(bodySchema)).map(text) },
    { weight: 2, arbitrary: validOf(bodySchema).map(text) },
    { weight: 1, arbitrary: fc.constantFrom('{"preset":"solaris10-crash"}', '{"preset":"solaris10-crash","__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}',
      '', '{', 'null', '[]', '"x"', '1e999', '[' .repeat(3000), '{"a":'.repeat(500), `{"preset":"${'x'.repeat(100_000)}"}`) },
    { weight: 1, arbitrary: invalidOf(bodySchema).map(text) },
  );
  const method = fc.oneof({ weight: 12, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) });
  return fc.record({ method, pathValue, queryValue, extraQuery, headerValue, common, body: op.body ? fc.option(body, { nil: undefined, freq: 8 }) : fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: body }) }).map((r) => {
    let url = op.path;
    for (const [name, [value, encode]] of Object.entries(r.pathValue) as [string, [string, boolean]][]) url = url.replace(`{${name}}`, encode ? encodeURIComponent(value) : printable(value).replace(/[/?#\s]/g, '') || 'x');
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(r.queryValue)) if (value !== undefined) query.append(name, text(value));
    if (r.extraQuery) query.append(r.extraQuery[0], r.extraQuery[1]);
    const qs = query.toString();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...r.common, ...r.headerValue })) if (value !== undefined) headers[name] = printable(text(value));
    return { method: r.method, url: qs ? `${url}?${qs}` : url, headers, payload: r.body };
  });
}

test('fuzz: every operation of openapi.json, valid and invalid inputs: no 5xx, 4xx are problem+json', { timeout: (SECONDS + 120) * 1000 }, async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER, MAX_QUEUED: '0', SSE_HEARTBEAT_MS: '60000' });
  const app = await build(t, config);
  const running = await worker(t, config);
  const ids: string[] = [];
  for (const body of [{ preset: 'solaris10-crash', seed: 1 }, { preset: 'solaris10-fixed', iterations: 30 }, { preset: 'solaris9-same-code', iterations: 30 }]) {
    const id = (await post(app, body)).json().id;
    await poll(app, id, finished, 60_000);
    ids.push(id);
  }
  await running.close();
  const cancelled = (await post(app, { preset: 'solaris10-crash' })).json().id;
  assert.equal((await app.inject({ method: 'DELETE', url: `/experiments/${cancelled}` })).statusCode, 202);
  ids.push(cancelled, (await post(app, { preset: 'solaris10-fixed' })).json().id);
  // DELETE draws from its own ids (queued ones and one it may delete), so the finished
  // experiments stay for the trace and timeline operations that come after it
  const deletable = [cancelled, (await post(app, { preset: 'solaris10-fixed' })).json().id, (await post(app, { preset: 'solaris9-same-code' })).json().id];
  const base = await app.listen({ port: 0, host: '127.0.0.1' });

  const histogram = new Map<string, Map<number, number>>();
  const bad: string[] = [];
  let requests = 0;
  const send = async (req: FuzzRequest, stream: boolean): Promise<{ status: number; type: string; body: string }> => {
    if (!stream || req.method !== 'GET') {
      const res = await app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, payload: req.payload });
      return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), body: res.headers['content-encoding'] ? '' : res.body };
    }
    // an open event stream never ends: read its status and headers over a socket, then leave
    const controller = new AbortController();
    const res = await fetch(base + req.url, { headers: req.headers, signal: controller.signal });
    const type = res.headers.get('content-type') ?? '';
    const body = type.startsWith('text/event-stream') ? '' : await res.text();
    controller.abort();
    return { status: res.status, type, body };
  };

  const started = Date.now();
  const perOperation = (SECONDS * 1000) / operations.length;
  for (const op of operations) {
    const key = `${op.method} ${op.path}`;
    const counts = new Map<number, number>();
    histogram.set(key, counts);
    const failure = await fc.check(fc.asyncProperty(requestOf(op, op.method === 'DELETE' ? deletable : ids), async (req) => {
      requests++;
      const res = await send(req, op.stream);
      counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
      const where = `${req.method} ${req.url.slice(0, 200)} ${JSON.stringify(req.headers)} ${req.payload?.slice(0, 200) ?? ''} -> ${res.status} ${res.type} ${res.body.slice(0, 300)}`;
      if (res.status >= 500) { bad.push(where); return false; }
      if (res.status >= 400 && req.method !== 'HEAD' && !/^application\/problem\+json/.test(res.type)) { bad.push(`not problem+json: ${where}`); return false; }
      return true;
    }), { numRuns: RUNS, seed: SEED, interruptAfterTimeLimit: perOperation, endOnFailure: true });
    // a property that threw (not a refused answer: those are in `bad` already) is a finding too
    if (failure.failed && failure.errorInstance) bad.push(`${key}: ${String(failure.errorInstance).slice(0, 500)}`);
  }
  const seconds = (Date.now() - started) / 1000;

  const total = new Map<number, number>();
  for (const counts of histogram.values()) for (const [s, n] of counts) total.set(s, (total.get(s) ?? 0) + n);
  const line = (m: Map<number, number>) => [...m].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(' ');
  const report = [`fuzz: ${requests} requests over ${operations.length} operations in ${seconds.toFixed(1)} s (seed ${SEED}, FUZZ_RUNS ${RUNS})`, `statuses: ${line(total)}`,
    ...[...histogram].map(([op, counts]) => `  ${op.padEnd(36)} ${line(counts)}`)];
  for (const l of report) t.diagnostic(l);
  process.stdout.write(report.join('\n') + '\n');

  assert.deepEqual(bad, [], 'every answer is below 500, and every 4xx is problem+json');
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no body polluted Object.prototype');
  assert.equal([...total.keys()].filter((s) => s >= 500).length, 0);
  assert.ok(requests >= operations.length * Math.min(RUNS, 20), `enough requests ran (${requests})`);
});
