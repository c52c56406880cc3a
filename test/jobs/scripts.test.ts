// The record scripts as files (src/jobs/lua): each declares its KEYS and ARGV in its header, its
// includes expand once each, and no script builds a key of its own (Redis Cluster would refuse it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandScript, LUA_DIR, SCRIPTS, scripts } from '../../src/jobs/scripts.js';

test('every script file names its KEYS and ARGV and is one the store loads', () => {
  const files = readdirSync(LUA_DIR).filter((f) => f.endsWith('.lua')).map((f) => f.slice(0, -4)).sort();
  assert.deepEqual(files, Object.values(SCRIPTS).sort());
  for (const file of files) {
    const text = readFileSync(join(LUA_DIR, `${file}.lua`), 'utf8');
    const header = text.split('\n').filter((l) => l.startsWith('--')).join('\n');
    assert.match(header, /KEYS/, `${file}.lua names its KEYS`);
    assert.match(header, /ARGV/, `${file}.lua names its ARGV`);
  }
});

test('includes expand in place, each once, and the scripts build no key from a prefix', () => {
  for (const [name, text] of Object.entries(scripts())) {
    assert.doesNotMatch(text, /@include/, name);
    assert.equal(text.match(/local function emit\(/g)?.length ?? 0, /emit\(/.test(text) ? 1 : 0, `${name}: record.lua once`);
    assert.doesNotMatch(text, /\.\. ':(x|idx|idem|events|cancel|seq)/, `${name} builds a key in Lua`);
  }
  const files: Record<string, string> = { a: '--- @include "b"\n--- @include "c"\nA', b: '--- @include "c"\nB', c: 'C' };
  assert.equal(expandScript('a', (n) => files[n]!), 'C\nB\n\nA');
});
