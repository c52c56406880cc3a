// The pictures over HTTP: GET /experiments/{id}/trace?format=chrome and /timeline.svg for
// solaris10-crash run by the real engine through a real worker, and their refusals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chromeTraceProblems } from '../viz/chrome-format.js';
import { build, finished, poll, post, REAL_RUNNER, testConfig, worker } from './helpers.js';

test('trace?format=chrome and timeline.svg of solaris10-crash through the service', async (t) => {
  const config = testConfig({ MUTEXLAB_RUNNER: REAL_RUNNER });
  const app = await build(t, config);
  const { id } = (await post(app, { preset: 'solaris10-crash', seed: 1 })).json(); // seed 1 crashes
  const early = await app.inject({ url: `/experiments/${id}/timeline.svg` });
  assert.equal(early.statusCode, 409, 'no worker yet: not finished');
  await worker(t, config);
  const { record } = await poll(app, id, finished);
  assert.equal(record.result.verdict.outcome, 'crash');

  const chrome = await app.inject({ url: `/experiments/${id}/trace?format=chrome` });
  assert.equal(chrome.statusCode, 200);
  assert.match(String(chrome.headers['content-type']), /^application\/json/);
  assert.ok(chrome.body.length < 2 * 1024 * 1024, `${chrome.body.length} bytes`);
  const doc = chrome.json();
  assert.deepEqual(chromeTraceProblems(doc), []);
  assert.ok(doc.traceEvents.some((e: any) => e.cat === 'signal' && /SIGSEGV/.test(e.name)));
  assert.ok(doc.traceEvents.some((e: any) => e.name === 'process_name' && /^pid \d+ other/.test(e.args.name)));

  const ndjson = await app.inject({ url: `/experiments/${id}/trace` });
  assert.match(String(ndjson.headers['content-type']), /^application\/x-ndjson/, 'the default format is unchanged');

  const svg = await app.inject({ url: `/experiments/${id}/timeline.svg` });
  assert.equal(svg.statusCode, 200);
  assert.match(String(svg.headers['content-type']), /^image\/svg\+xml/);
  assert.match(svg.body, /^<svg /);
  assert.match(svg.body, /SIGSEGV in mutex_trylock_adaptive/);
  const again = await app.inject({ url: `/experiments/${id}/timeline.svg`, headers: { 'if-none-match': String(svg.headers.etag) } });
  assert.equal(again.statusCode, 304);

  const badFormat = await app.inject({ url: `/experiments/${id}/trace?format=pdf` });
  assert.equal(badFormat.statusCode, 400);
  assert.equal(badFormat.json().errors[0].field, 'querystring.format');
  assert.equal((await app.inject({ url: '/experiments/nope/timeline.svg' })).statusCode, 404);
});
