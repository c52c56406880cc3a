// The CLI shows the same validation messages as the API: the body of issue 13 item 6, run as a
// real process, exits 2 and names every bad field with the allowed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { validateSpec } from '../../src/engine/spec.js';

const BIN = fileURLToPath(new URL('../../../bin/mutexlab', import.meta.url));

test('mutexlab run - with the issue body: exit 2, every bad field named, the same messages as validateSpec', () => {
  const body = { mutexType: 'USYNC_THRAED', processCount: 2, key: '1234', cpus: -1, iterations: 1.5, platform: 'solaris11', mutexTyp: 1 };
  const r = spawnSync(process.execPath, [BIN, 'run', '-'], { input: JSON.stringify(body), encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  const v = validateSpec(body, () => 1);
  assert.ok(!v.ok);
  assert.equal(v.errors.length, 6);
  for (const e of v.errors) assert.ok(r.stderr.includes(`  ${e.field}: ${e.message}\n`), `stderr lacks ${e.field}: ${e.message}\n${r.stderr}`);
  assert.match(r.stderr, /mutexTyp: is not a known field; did you mean "mutexType"\?/);
  assert.match(r.stderr, /platform: must be one of "solaris10", "solaris9", "illumos", "glibc-2.33", "glibc-2.36"/);
});
