// The README's five-minute start runs the spec files in examples/: every examples/ path the
// README names exists, and each file runs through bin/mutexlab (a real child process, as a
// reader types it) to the outcome the README promises.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url)); // dist/test -> repository
const BIN = `${ROOT}bin/mutexlab`;

function run(file: string) {
  const r = spawnSync(process.execPath, [BIN, 'run', file], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${file}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('every examples/ file the README names exists, and every example is named by the README', () => {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const named = new Set([...readme.matchAll(/examples\/[\w.-]+\.json/g)].map((m) => m[0]));
  assert.ok(named.size >= 3, `the README uses the examples: ${[...named]}`);
  for (const path of named) assert.ok(existsSync(ROOT + path), `${path} is named in the README but missing`);
  for (const file of readdirSync(`${ROOT}examples`)) assert.ok(named.has(`examples/${file}`), `examples/${file} is not in the README`);
  assert.doesNotMatch(readme, /run spec\.json/, 'no command on a file that does not exist');
});

test('examples run to the outcomes the README gives', () => {
  const story = run('examples/story.json');
  assert.equal(story.verdict.outcome, 'crash');
  assert.match(story.verdict.summary, /SIGSEGV in mutex_trylock_adaptive/);
  const fixed = run('examples/story-fixed.json');
  assert.equal(fixed.verdict.outcome, 'ok');
  assert.equal(fixed.seed, story.seed, 'the fix keeps the seed');
  const glibc = run('examples/glibc-2.36.json');
  assert.notEqual(glibc.verdict.outcome, 'ok', 'the private mutex on glibc 2.36 breaks');
  const explored = run('examples/story-explore.json');
  assert.equal(explored.exploration.schedules, 200);
  assert.ok((explored.exploration.outcomes.crash ?? 0) > 0, 'the exploration finds crashes');
});
