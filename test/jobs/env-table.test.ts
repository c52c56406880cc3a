// The README's configuration table is the schema's (src/jobs/env.ts): every variable, default and
// meaning. `npm run docs:config` rewrites it; this fails when someone forgot to.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readConfig } from '../../src/jobs/config.js';
import { EnvSchema } from '../../src/jobs/env.js';
import { configTable, README_FILE, withTable } from '../../src/jobs/env-table.js';

test('the README configuration table is the one the schema writes (run `npm run docs:config`)', () => {
  const readme = readFileSync(README_FILE, 'utf8');
  assert.equal(readme, withTable(readme), 'README.md differs from the table the schema writes');
  for (const name of Object.keys(EnvSchema.properties)) assert.ok(configTable().includes(`| \`${name}\` |`), name);
});

test('the table shows the defaults readConfig applies', () => {
  const c = readConfig({});
  const row = (name: string) => configTable().split('\n').find((l) => l.startsWith(`| \`${name}\` |`))!.split(' | ')[1];
  assert.equal(row('PORT'), String(c.port));
  assert.equal(row('QUEUE_PREFIX'), c.prefix);
  assert.equal(row('RESULT_TTL'), String(c.resultTtlSeconds));
  assert.equal(row('SSE_HEARTBEAT_MS'), String(c.sseHeartbeatMs));
  assert.equal(row('RATE_LIMIT'), '(none)');
  assert.equal(c.rateLimit, null);
});
