// Replay tokens: decode(encode(x)) = x for arbitrary specs and schedules (fast-check), and the
// refusals a user can meet: another engine version, a damaged token, another spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeToken, encodeToken, checkTokenSpec, TOKEN_PREFIX, type ReplayToken } from '../../../src/engine/explore/token.js';
import { ENGINE_VERSION } from '../../../src/engine/explore/engine-version.js';
import { specHash } from '../../../src/engine/explore/spec-codec.js';
import { MUTEX_TYPES, PLATFORMS, WATCH_FIELDS, validateSpec, type Spec } from '../../../src/engine/spec.js';
import { presetSpec } from './helpers.js';

const specArb = fc.integer({ min: 1, max: 5 }).chain((processCount) => fc.record({
  mutexType: fc.constantFrom(...MUTEX_TYPES),
  processCount: fc.constant(processCount),
  key: fc.oneof(fc.constant('IPC_PRIVATE'), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 0xffff }).map((n) => '0x' + n.toString(16))),
  platform: fc.constantFrom(...PLATFORMS),
  threadsPerProcess: fc.integer({ min: 1, max: 16 }),
  iterations: fc.integer({ min: 1, max: 10_000_000 }),
  cpus: fc.integer({ min: 1, max: 64 }),
  seed: fc.integer({ min: 0, max: 0xffffffff }),
  processes: fc.array(fc.record({
    key: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
    threads: fc.option(fc.integer({ min: 1, max: 16 }), { nil: undefined }),
    program: fc.option(fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/), { nil: undefined }),
  }, { requiredKeys: [] }), { minLength: processCount, maxLength: processCount }),
  robust: fc.boolean(),
  faults: fc.array(fc.record({ kill: fc.integer({ min: 0, max: processCount - 1 }), whileHolding: fc.boolean(), afterAcquisitions: fc.integer({ min: 0, max: 1_000_000 }) }), { maxLength: 3 }),
  tools: fc.record({
    watchpoint: fc.oneof(fc.constant(false as const), fc.record({ process: fc.oneof(fc.constant('all' as const), fc.integer({ min: 0, max: processCount - 1 })), field: fc.constantFrom(...WATCH_FIELDS) })),
    core: fc.boolean(), pmap: fc.boolean(),
  }),
  limits: fc.record({ maxSteps: fc.integer({ min: 1, max: 200_000_000 }), timeoutMs: fc.integer({ min: 1, max: 120_000 }) }),
})).filter((input) => validateSpec(input, () => 0).ok) // validateSpec also applies the platforms' refusals (robust USYNC_THREAD on Solaris 9/10)
  .map((input) => {
  const v = validateSpec(input, () => 0);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
});

const scheduleArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 1023 })), { maxLength: 40 }).map((pairs) => {
  const sorted = [...new Map(pairs.map(([at, t]) => [at, t])).entries()].sort((a, b) => a[0] - b[0]);
  return { decisions: (sorted.at(-1)?.[0] ?? 0) + 1 + 17, deviations: sorted.flat() };
});

test('decode(encode(x)) = x for arbitrary specs, strategies, seeds and schedules', () => {
  fc.assert(fc.property(specArb, scheduleArb, fc.constantFrom('run', 'random', 'pct', 'dfs', 'shrunk' as const), fc.nat(1_000_000), (spec, schedule, strategy, scheduleIndex) => {
    const x: ReplayToken = { engineVersion: ENGINE_VERSION, specHash: specHash(spec), strategy, seed: spec.seed, scheduleIndex, spec, schedule };
    const text = encodeToken(x);
    assert.ok(text.startsWith(TOKEN_PREFIX));
    const d = decodeToken(text);
    assert.ok(d.ok, d.ok ? '' : d.reason);
    assert.deepEqual(d.token, x);
  }), { numRuns: 300 });
});

const sample = (): { spec: Spec; text: string } => {
  const spec = presetSpec('solaris10-crash');
  return { spec, text: encodeToken({ strategy: 'shrunk', seed: spec.seed, scheduleIndex: 7, spec, schedule: { decisions: 1805, deviations: [1797, 2] } }) };
};

test('a token is short: the preset and a one-preemption schedule fit in about a hundred characters', () => {
  const { text } = sample();
  assert.ok(text.length < 120, `${text.length}: ${text}`);
});

test('a token from another engine version is refused, naming both versions', () => {
  const spec = presetSpec('solaris10-crash');
  const text = encodeToken({ engineVersion: 'sim-0', strategy: 'dfs', seed: 1, scheduleIndex: 0, spec, schedule: { decisions: 3, deviations: [] } });
  const d = decodeToken(text);
  assert.equal(d.ok, false);
  assert.match(!d.ok ? d.reason : '', new RegExp(`engine version sim-0; this is engine version ${ENGINE_VERSION}`));
});

test('a damaged or truncated token is refused by its checksum', () => {
  const { text } = sample();
  const i = TOKEN_PREFIX.length + 10;
  const flipped = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
  for (const bad of [flipped, text.slice(0, -3), 'hello']) {
    const d = decodeToken(bad);
    assert.equal(d.ok, false, bad);
  }
  assert.match((decodeToken(flipped) as { reason: string }).reason, /checksum|damaged|malformed/);
  assert.match((decodeToken('hello') as { reason: string }).reason, /not a mutexlab replay token/);
});

test('a token recorded for another spec is refused when the caller names its spec', () => {
  const { spec, text } = sample();
  const d = decodeToken(text);
  assert.ok(d.ok);
  assert.equal(checkTokenSpec(d.token, spec), null);
  assert.equal(checkTokenSpec(d.token, { ...spec, seed: 5 }), null, 'the seed is not part of the spec hash');
  assert.match(checkTokenSpec(d.token, presetSpec('solaris10-fixed')) ?? '', /recorded for a different spec/);
});
