// Acceptance 5: /docs serves Swagger UI; /openapi.json equals the checked-in openapi/openapi.json.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { formatOpenApi, OPENAPI_FILE } from '../../src/service/openapi.js';
import { build } from './helpers.js';

test('/openapi.json is the checked-in openapi/openapi.json (run `npm run openapi` after changing a route)', async (t) => {
  const app = await build(t);
  const served = (await app.inject({ url: '/openapi.json' })).json();
  assert.equal(formatOpenApi(served), readFileSync(OPENAPI_FILE, 'utf8'));
  for (const path of ['/experiments', '/experiments/{id}', '/experiments/{id}/trace', '/presets', '/limits', '/stats', '/healthz', '/readyz']) {
    assert.ok(served.paths[path], `documents ${path}`);
  }
  const post = served.paths['/experiments'].post;
  assert.ok(post.requestBody.content['application/json'].examples, 'worked examples for Swagger UI');
  assert.ok(post.responses['400'] && post.responses['202'] && post.responses['503']);
});

test('/docs serves Swagger UI', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: '/docs/' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /swagger-ui/i);
  const init = await app.inject({ url: '/docs/static/swagger-initializer.js' });
  assert.equal(init.statusCode, 200);
  assert.match(init.body, /resolveUrl\('\.\/json'\)/, 'the UI loads the generated document (/docs/json)');
  const doc = await app.inject({ url: '/docs/json' });
  assert.deepEqual(doc.json().paths['/experiments'] !== undefined, true);
});
