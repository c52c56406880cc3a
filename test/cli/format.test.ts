// bin/mutexlab run --format: each format on stdout for the solaris10-crash preset, through the
// real binary and the real simulator.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromeTraceProblems } from '../viz/chrome-format.js';

const BIN = fileURLToPath(new URL('../../../bin/mutexlab', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'run', '--preset', 'solaris10-crash', '--seed', '7', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

test('--format json (the default) prints the result', () => {
  const plain = run();
  const json = run('--format', 'json');
  assert.equal(json.status, 0, json.stderr);
  // the same result, apart from the wall-clock engineMs
  const strip = (text: string) => { const r = JSON.parse(text); delete r.stats.engineMs; return r; };
  assert.deepEqual(strip(json.stdout), strip(plain.stdout));
  assert.equal(JSON.parse(json.stdout).verdict.outcome, 'crash');
});

test('--format ndjson prints the trace, one event per line, as --trace writes it', () => {
  const out = run('--format', 'ndjson');
  assert.equal(out.status, 0, out.stderr);
  const events = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(events.length > 50);
  assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i));
  assert.ok(events.some((e) => e.op === 'signal'));
});

test('--format chrome prints a valid Chrome trace under 2 MB', () => {
  const out = run('--format', 'chrome');
  assert.equal(out.status, 0, out.stderr);
  assert.ok(out.stdout.length < 2 * 1024 * 1024, `${out.stdout.length} bytes`);
  const doc = JSON.parse(out.stdout);
  assert.deepEqual(chromeTraceProblems(doc), []);
  assert.ok(doc.traceEvents.some((e: any) => e.cat === 'signal' && /SIGSEGV/.test(e.name)));
});

test('--format svg prints the timeline with the crash', () => {
  const out = run('--format', 'svg');
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /^<svg /);
  assert.match(out.stdout, /class="crash"/);
  assert.match(out.stdout, /SIGSEGV in mutex_trylock_adaptive/);
});

test('an unknown --format is a usage error (exit 2) naming the choices', () => {
  const out = run('--format', 'png');
  assert.equal(out.status, 2);
  assert.match(out.stderr, /--format must be one of json, ndjson, chrome, svg \(got "png"\)/);
  assert.equal(out.stdout, '');
});
