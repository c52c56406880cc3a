// validateSpec names every bad field at once, across the schema, the checks between fields and
// the platforms' refusals, in words (allowed values, plain descriptions, "did you mean"), and
// accepts back every normalised spec it produces (the round trip of GET -> POST).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ENGINES, MUTEX_TYPES, PLATFORMS, STRATEGIES, WATCH_FIELDS, validateSpec, type FieldError } from '../../src/engine/spec.js';
import { specHash } from '../../src/engine/explore/spec-codec.js';
import { didYouMean } from '../../src/engine/spec-errors.js';
import { listPresets } from '../../src/runner/presets.js';

const errorsOf = (input: unknown): FieldError[] => {
  const v = validateSpec(input, () => 7);
  assert.equal(v.ok, false, `expected ${JSON.stringify(input)} to be refused`);
  return v.ok ? [] : v.errors;
};
const messageOf = (errors: FieldError[], field: string): string => {
  const e = errors.find((x) => x.field === field);
  assert.ok(e, `expected an error naming ${field}, got ${JSON.stringify(errors)}`);
  return e!.message;
};

// The body of issue 13 item 6. It has four bad members (mutexType, cpus, iterations, platform);
// processCount 2 and key "0x1234" are valid.
const ISSUE_BODY = { mutexType: 'USYNC_THRAED', processCount: 2, key: '0x1234', cpus: -1, iterations: 1.5, platform: 'solaris11' };

test('the issue body: every bad field named at once, enums with their allowed values and a suggestion', () => {
  const errors = errorsOf(ISSUE_BODY);
  assert.deepEqual(errors.map((e) => e.field).sort(), ['cpus', 'iterations', 'mutexType', 'platform']);
  const mutexType = messageOf(errors, 'mutexType');
  for (const t of MUTEX_TYPES) assert.ok(mutexType.includes(`"${t}"`), mutexType);
  assert.match(mutexType, /did you mean "USYNC_THREAD"\?/);
  const platform = messageOf(errors, 'platform');
  for (const p of PLATFORMS) assert.ok(platform.includes(`"${p}"`), platform);
  assert.match(messageOf(errors, 'cpus'), /whole number from 1 to 64 \(got -1\)/);
  assert.match(messageOf(errors, 'iterations'), /whole number from 1 to 10000000 \(got 1\.5\)/);
  for (const e of errors) assert.doesNotMatch(e.message, /equal to constant|anyOf|\^|\$/, `${e.field}: ${e.message}`);
});

test('five bad fields (the issue body with a bad key) are five errors; the key is described in words', () => {
  const errors = errorsOf({ ...ISSUE_BODY, key: '1234' });
  assert.deepEqual(errors.map((e) => e.field).sort(), ['cpus', 'iterations', 'key', 'mutexType', 'platform']);
  const key = messageOf(errors, 'key');
  assert.match(key, /a hex string like "0x1234", .*number.*, or "IPC_PRIVATE" \(got "1234"\)/);
  assert.doesNotMatch(key, /[[\]^$\\]/, 'no regular expression in the message');
});

test('near-miss field names get "did you mean", also nested', () => {
  const errors = errorsOf({ mutexTyp: 'USYNC_THREAD', processCount: 2, key: '0x1234', tools: { watchpoints: false }, explore: { strategy: 'dfs', maxPremptions: 2 } });
  assert.match(messageOf(errors, 'mutexTyp'), /is not a known field; did you mean "mutexType"\?/);
  assert.equal(messageOf(errors, 'mutexType'), 'is required');
  assert.match(messageOf(errors, 'tools.watchpoints'), /did you mean "watchpoint"\?/);
  assert.match(messageOf(errors, 'explore.maxPremptions'), /did you mean "maxPreemptions"\?/);
  assert.equal(messageOf(errorsOf({ mutexType: 'USYNC_THREAD', processCount: 2, key: 1, colour: 'blue' }), 'colour'), 'is not a known field');
});

test('schema errors, checks between fields and platform refusals come back together', () => {
  const errors = errorsOf({
    mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234', platform: 'solaris10', robust: true, cpus: 0,
    faults: [{ kill: 2 }], processes: [{ program: 'a b' }, {}, {}], tools: { watchpoint: { field: 'pc' } },
  });
  assert.deepEqual(errors.map((e) => e.field).sort(), ['cpus', 'faults[0].kill', 'processes', 'processes[0].program', 'robust', 'tools.watchpoint.field']);
  assert.match(messageOf(errors, 'robust'), /mutex_init/);
  assert.match(messageOf(errors, 'processes[0].program'), /letters, digits/);
  assert.match(messageOf(errors, 'tools.watchpoint.field'), /one of "owner", "lockword", "ownerpid"/);
});

test('didYouMean: transpositions count once, far words get no suggestion', () => {
  assert.equal(didYouMean('USYNC_THRAED', MUTEX_TYPES), 'USYNC_THREAD');
  assert.equal(didYouMean('procesCount', ['processCount', 'processes']), 'processCount');
  assert.equal(didYouMean('colour', ['mutexType', 'key', 'cpus']), undefined);
});

test('the normalised spec of every preset validates back to itself (same spec hash)', () => {
  const presets = listPresets();
  assert.ok(presets.length >= 3);
  for (const p of presets) {
    for (const variant of [p.spec, { ...p.spec, explore: { strategy: 'dfs' as const } }, { ...p.spec, engine: 'native' as const, platform: undefined, processes: undefined, threadsPerProcess: 2 }]) {
      const first = validateSpec(variant, () => 11);
      assert.ok(first.ok, `${p.name}: ${JSON.stringify(!first.ok && first.errors)}`);
      const again = validateSpec(JSON.parse(JSON.stringify(first.spec)), () => 99);
      assert.ok(again.ok, `${p.name}: the normalised spec is refused: ${JSON.stringify(!again.ok && again.errors)}`);
      assert.deepEqual(again.spec, first.spec, p.name);
      if (first.spec.engine === 'sim') assert.equal(specHash(again.spec), specHash(first.spec));
    }
  }
});

// Valid inputs over the whole schema: every field optional where it is, every enum value.
const inputArb = fc.integer({ min: 1, max: 4 }).chain((processCount) => fc.record({
  mutexType: fc.constantFrom(...MUTEX_TYPES),
  processCount: fc.constant(processCount),
  key: fc.oneof(fc.constant('IPC_PRIVATE'), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 0xffff }).map((n) => '0x' + n.toString(16).toUpperCase())),
  engine: fc.constantFrom(...ENGINES),
  platform: fc.constantFrom(...PLATFORMS),
  threadsPerProcess: fc.integer({ min: 1, max: 8 }),
  iterations: fc.integer({ min: 1, max: 5_000_000 }),
  cpus: fc.integer({ min: 1, max: 64 }),
  seed: fc.integer({ min: 0, max: 0xffffffff }),
  processes: fc.array(fc.record({
    threads: fc.integer({ min: 1, max: 16 }),
    program: fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/),
  }, { requiredKeys: [] }), { minLength: processCount, maxLength: processCount }),
  robust: fc.boolean(),
  faults: fc.array(fc.record({ kill: fc.integer({ min: 0, max: processCount - 1 }), whileHolding: fc.boolean(), afterAcquisitions: fc.integer({ min: 0, max: 1000 }) }, { requiredKeys: ['kill'] }), { maxLength: 2 }),
  tools: fc.record({
    watchpoint: fc.oneof(fc.constant(false as const), fc.record({ process: fc.oneof(fc.constant('all' as const), fc.integer({ min: 0, max: processCount - 1 })), field: fc.constantFrom(...WATCH_FIELDS) }, { requiredKeys: [] })),
    core: fc.boolean(), pmap: fc.boolean(),
  }, { requiredKeys: [] }),
  explore: fc.record({ strategy: fc.constantFrom(...STRATEGIES), schedules: fc.integer({ min: 1, max: 5000 }), depth: fc.integer({ min: 1, max: 10 }), maxPreemptions: fc.integer({ min: 0, max: 10 }) }, { requiredKeys: ['strategy'] }),
  limits: fc.record({ maxSteps: fc.integer({ min: 1, max: 200_000_000 }), timeoutMs: fc.integer({ min: 1, max: 120_000 }) }, { requiredKeys: [] }),
}, { requiredKeys: ['mutexType', 'processCount', 'key'] }));

test('property: whatever validateSpec accepts, its normalised spec is accepted again and unchanged', () => {
  let accepted = 0;
  fc.assert(fc.property(inputArb, (input) => {
    const first = validateSpec(input, () => 5);
    if (!first.ok) return; // e.g. native with a platform: refused, and said so
    accepted++;
    const again = validateSpec(JSON.parse(JSON.stringify(first.spec)), () => 6);
    assert.ok(again.ok, JSON.stringify(!again.ok && again.errors));
    assert.deepEqual(again.spec, first.spec);
  }), { numRuns: 400 });
  assert.ok(accepted > 100, `only ${accepted} of 400 generated specs were valid: the generator is too narrow`);
});

test('libc: native only, "glibc" by default in the normalised native spec; on the simulator a 400 naming libc that points to the platform', () => {
  const native = validateSpec({ mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', engine: 'native', libc: 'musl' }, () => 7);
  assert.ok(native.ok);
  assert.equal(native.spec.libc, 'musl');
  const byDefault = validateSpec({ mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', engine: 'native' }, () => 7);
  assert.ok(byDefault.ok && byDefault.spec.libc === 'glibc');
  const sim = validateSpec({ mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234' }, () => 7);
  assert.ok(sim.ok && !('libc' in sim.spec), 'a simulated spec has no libc: its platform says it');
  const onSim = errorsOf({ mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', libc: 'musl' });
  assert.deepEqual(onSim.map((e) => e.field), ['libc']);
  assert.match(messageOf(onSim, 'libc'), /engine "native" only.*"platform": "musl-1\.2"/);
  assert.match(messageOf(errorsOf({ mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', engine: 'sim', libc: 'glibc' }), 'libc'), /"platform": "glibc-2\.36"/);
  // a bad value: the allowed values and a suggestion, together with the other bad fields
  const bad = errorsOf({ mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, key: '0x1234', engine: 'native', libc: 'mussl', cpus: 0 });
  assert.deepEqual(bad.map((e) => e.field).sort(), ['cpus', 'libc']);
  assert.match(messageOf(bad, 'libc'), /"glibc", "musl".*did you mean "musl"\?/);
});

test('a fault its process can never reach is refused, naming faults[i].afterAcquisitions and the most it can be', () => {
  const base = { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, key: '0x1234', platform: 'glibc-2.36', iterations: 100 };
  const over = validateSpec({ ...base, faults: [{ kill: 0, afterAcquisitions: 50 }, { kill: 1, afterAcquisitions: 101 }] }, () => 1);
  assert.ok(!over.ok);
  assert.deepEqual(over.errors.map((e) => e.field), ['faults[1].afterAcquisitions']);
  assert.match(over.errors[0]!.message, /at most 100/);
  // the process's own thread count raises its bound; the edge is accepted
  assert.ok(validateSpec({ ...base, processes: [{}, { threads: 3 }], faults: [{ kill: 1, afterAcquisitions: 300 }] }, () => 1).ok);
  const threads = validateSpec({ ...base, processes: [{}, { threads: 3 }], faults: [{ kill: 1, afterAcquisitions: 301 }] }, () => 1);
  assert.ok(!threads.ok && /at most 300/.test(threads.errors[0]!.message));
});
