// The HTTP edge against a hostile client (issue 12, items 9 and 11): same-origin unless
// CORS_ORIGINS lists an origin; JSON bodies only (415, and nothing queued); 405 with Allow for a
// known path under the wrong method; compressed JSON, NDJSON and SVG; no 500 from odd paths or
// Last-Event-ID values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { build, finished, poll, post, queueOf, REAL_RUNNER, testConfig, worker } from './helpers.js';

const spec = { mutexType: 'USYNC_PROCESS', processCount: 2, key: '0x1234', iterations: 20 };
const ATTACKER = 'https://evil.example';

test('CORS is closed by default: no Access-Control-* for any origin, a preflight is a 405', async (t) => {
  const app = await build(t);
  const get = await app.inject({ url: '/presets', headers: { origin: ATTACKER } });
  assert.equal(get.statusCode, 200);
  assert.equal(get.headers['access-control-allow-origin'], undefined);
  const preflight = await app.inject({ method: 'OPTIONS', url: '/experiments', headers: { origin: ATTACKER, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
  assert.equal(preflight.statusCode, 405, preflight.body);
  assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  assert.equal(preflight.headers['access-control-allow-methods'], undefined);
  assert.equal(preflight.headers.allow, 'GET, HEAD, POST');
});

test('CORS_ORIGINS: listed origins get the headers and a preflight, others none', async (t) => {
  const friend = 'http://localhost:5173';
  const app = await build(t, testConfig({ CORS_ORIGINS: `${friend}, https://ops.example` }));
  const ok = await app.inject({ url: '/presets', headers: { origin: friend } });
  assert.equal(ok.headers['access-control-allow-origin'], friend);
  assert.match(String(ok.headers['access-control-expose-headers']), /Location/);
  const preflight = await app.inject({ method: 'OPTIONS', url: '/experiments', headers: { origin: friend, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
  assert.equal(preflight.statusCode, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], friend);
  const other = await app.inject({ url: '/presets', headers: { origin: ATTACKER } });
  assert.equal(other.statusCode, 200);
  assert.equal(other.headers['access-control-allow-origin'], undefined);
  const otherPreflight = await app.inject({ method: 'OPTIONS', url: '/experiments', headers: { origin: ATTACKER, 'access-control-request-method': 'POST' } });
  assert.notEqual(otherPreflight.statusCode, 204);
  assert.equal(otherPreflight.headers['access-control-allow-origin'], undefined);
});

test('CORS_ORIGINS refuses what is not an origin', async () => {
  for (const bad of ['*', 'evil.example', 'https://a.example/path', 'ftp://a.example', 'https://a.example/']) {
    assert.throws(() => testConfig({ CORS_ORIGINS: bad }), /CORS_ORIGINS/, bad);
  }
});

test('a cross-site POST (text/plain, form, multipart, none) is 415 and queues nothing', async (t) => {
  const config = testConfig();
  const app = await build(t, config);
  const queue = await queueOf(t, config);
  const body = JSON.stringify({ preset: 'solaris10-crash' });
  for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', undefined]) {
    const headers: Record<string, string> = { origin: ATTACKER };
    if (type) headers['content-type'] = type;
    const res = await app.inject({ method: 'POST', url: '/experiments', headers, payload: body });
    assert.equal(res.statusCode, 415, `${type}: ${res.body}`);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
    assert.equal(res.json().errors[0].field, 'Content-Type');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  }
  const list = await app.inject({ url: '/experiments' });
  assert.deepEqual(list.json().items, [], 'no record was written');
  assert.equal(await queue.count(), 0, 'no job was queued');
  // JSON with a charset is JSON
  const json = await app.inject({ method: 'POST', url: '/experiments', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: body });
  assert.equal(json.statusCode, 202, json.body);
});

test('a known path with a wrong method is 405 with Allow; an unknown path stays 404', async (t) => {
  const app = await build(t);
  const cases: [string, string, string][] = [
    ['PUT', '/experiments', 'GET, HEAD, POST'],
    ['DELETE', '/experiments', 'GET, HEAD, POST'],
    ['PATCH', '/experiments/abc', 'GET, HEAD, DELETE'],
    ['POST', '/experiments/abc/trace', 'GET, HEAD'],
    ['DELETE', '/presets', 'GET, HEAD'],
    ['POST', '/healthz', 'GET, HEAD'],
    ['PUT', '/dashboard/app.js', 'GET, HEAD'],
  ];
  for (const [method, url, allow] of cases) {
    const res = await app.inject({ method: method as 'PUT', url });
    assert.equal(res.statusCode, 405, `${method} ${url}: ${res.body}`);
    assert.equal(res.headers.allow, allow, `${method} ${url}`);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
    assert.equal(res.json().code, 'method_not_allowed');
  }
  const nowhere = await app.inject({ method: 'PUT', url: '/nowhere' });
  assert.equal(nowhere.statusCode, 404);
  assert.equal(nowhere.headers.allow, undefined);
});

test('JSON, NDJSON and SVG are compressed with br or gzip; the trace as it streams', async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER });
  const app = await build(t, config);
  await worker(t, config);
  const id = (await post(app, { preset: 'solaris10-crash', seed: 3 })).json().id;
  await poll(app, id, finished, 30_000);
  const plain = await app.inject({ url: `/experiments/${id}/trace` });
  assert.equal(plain.statusCode, 200);
  assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding, no compression');
  const cases: [string, string, RegExp][] = [
    [`/experiments/${id}`, 'gzip', /^application\/json/],
    [`/experiments/${id}`, 'br', /^application\/json/],
    [`/experiments/${id}/trace`, 'gzip', /^application\/x-ndjson/],
    [`/experiments/${id}/trace`, 'br', /^application\/x-ndjson/],
    [`/experiments/${id}/timeline.svg`, 'gzip', /^image\/svg\+xml/],
    [`/experiments/${id}/trace?format=chrome`, 'br', /^application\/json/],
    ['/openapi.json', 'gzip', /^application\/json/],
  ];
  for (const [url, encoding, type] of cases) {
    const res = await app.inject({ url, headers: { 'accept-encoding': encoding } });
    assert.equal(res.statusCode, 200, url);
    assert.match(res.headers['content-type'] as string, type, url);
    assert.equal(res.headers['content-encoding'], encoding, url);
    const raw = res.rawPayload;
    const text = (encoding === 'br' ? brotliDecompressSync(raw) : gunzipSync(raw)).toString('utf8');
    assert.ok(raw.length < text.length, `${url}: ${raw.length} bytes on the wire for ${text.length}`);
    if (url.endsWith('/trace')) {
      assert.equal(text, plain.body, 'the decompressed trace is the trace');
      t.diagnostic(`trace ${encoding}: ${text.length} -> ${raw.length} bytes`);
    }
  }
  // a preference for gzip is honoured; both taken: br
  const both = await app.inject({ url: `/experiments/${id}`, headers: { 'accept-encoding': 'gzip, br' } });
  assert.equal(both.headers['content-encoding'], 'br');
  const prefer = await app.inject({ url: `/experiments/${id}`, headers: { 'accept-encoding': 'br;q=0.5, gzip' } });
  assert.equal(prefer.headers['content-encoding'], 'gzip');
});

test('no 500 from prototype names, odd paths or out-of-range Last-Event-IDs', async (t) => {
  const app = await build(t);
  const id = (await post(app, spec)).json().id;
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '%2e%2e%2fpackage.json', '..%2F..%2Fetc%2Fpasswd', '%00', 'index.html']) {
    const res = await app.inject({ url: `/dashboard/${name}` });
    assert.equal(res.statusCode, 404, `/dashboard/${name}: ${res.statusCode} ${res.body}`);
  }
  for (const name of ['__proto__', 'constructor', 'toString']) {
    for (const url of [`/experiments/${name}`, `/experiments/${name}/trace`, `/experiments/${name}/events`, `/experiments/${name}/timeline.svg`, `/experiments?status=${name}`, `/experiments?cursor=${name}`]) {
      const res = await app.inject({ url });
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${url}: ${res.statusCode} ${res.body}`);
    }
    const res = await post(app, { preset: name });
    assert.equal(res.statusCode, 400, `preset ${name}: ${res.body}`);
  }
  const ids = ['18446744073709551615-18446744073709551615', '18446744073709551616-0', '0-18446744073709551616', '99999999999999999999-0', '18446744073709551615-99999999999999999999', '-1-0', '1-', '1e3-0', '0x10-0', '$', '+', '-'];
  for (const lastEventId of ids) {
    const res = await app.inject({ url: `/experiments/${id}/events`, headers: { 'last-event-id': lastEventId } });
    assert.equal(res.statusCode, 400, `Last-Event-ID ${JSON.stringify(lastEventId)}: ${res.statusCode} ${res.body}`);
    assert.equal(res.json().errors[0].field, 'Last-Event-ID');
    const byQuery = await app.inject({ url: `/experiments/${id}/events?lastEventId=${encodeURIComponent(lastEventId)}` });
    assert.equal(byQuery.statusCode, 400, `?lastEventId=${lastEventId}: ${byQuery.body}`);
  }
  // a large id Redis takes is taken: nothing comes after it, so the stream just waits
  const controller = new AbortController();
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const res = await fetch(`${base}/experiments/${id}/events`, { headers: { 'last-event-id': '18446744073709551615-7' }, signal: controller.signal });
  assert.equal(res.status, 200);
  controller.abort();
});
