// bin/mutexlab run with `explore`, then bin/mutexlab replay TOKEN, as a user runs them: real
// processes, real files. The replay's trace file is byte for byte the exploration's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/mutexlab', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mutexlab-replay-'));
const run = (args: string[]) => { const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' }); return { code: r.status, stdout: r.stdout, stderr: r.stderr }; };

test('run with explore prints the exploration; replay of its shrunk token gives the same verdict and the same trace file bytes', () => {
  const spec = join(dir, 'explore.json');
  writeFileSync(spec, JSON.stringify({ preset: 'solaris10-crash', seed: 11, explore: { strategy: 'dfs', maxPreemptions: 2, schedules: 100 } }));
  const a = run(['run', spec, '--trace', join(dir, 'explore.ndjson')]);
  assert.equal(a.code, 0, a.stderr);
  const explored = JSON.parse(a.stdout);
  assert.equal(explored.exploration.strategy, 'dfs');
  assert.equal(explored.exploration.shrunk.outcome, 'crash');
  const b = run(['replay', explored.exploration.shrunk.token, '--preset', 'solaris10-crash', '--trace', join(dir, 'replay.ndjson')]);
  assert.equal(b.code, 0, b.stderr);
  const replayed = JSON.parse(b.stdout);
  assert.equal(replayed.verdict.cause, explored.verdict.cause);
  const ta = readFileSync(join(dir, 'explore.ndjson'));
  assert.ok(ta.length > 1000);
  assert.ok(readFileSync(join(dir, 'replay.ndjson')).equals(ta));
});

test('replay refuses a damaged token and a token for another spec with exit 2 and the reason', () => {
  const a = run(['run', '--preset', 'solaris10-crash']);
  assert.equal(a.code, 0);
  const damaged = run(['replay', 'mlx1.AQVzaW0tMRD9omNHT4-YAwEBAAACtCQBZAG0JAIDYXBw']);
  assert.equal(damaged.code, 2);
  assert.match(damaged.stderr, /mutexlab replay: the replay token is damaged/);
  const spec = join(dir, 'explore2.json');
  writeFileSync(spec, JSON.stringify({ preset: 'solaris10-crash', iterations: 3, work: {}, processes: [{ program: 'app', threads: 2 }, { program: 'other', threads: 1 }], explore: { strategy: 'random', schedules: 300 } }));
  const explored = JSON.parse(run(['run', spec]).stdout);
  const token = explored.exploration.firstFailure?.token ?? explored.exploration.shrunk?.token;
  assert.ok(token, 'the exploration found no failure to take a token from');
  const wrong = run(['replay', token, '--preset', 'solaris10-fixed']);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /recorded for a different spec/);
});
