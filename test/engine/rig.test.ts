// SimRig reuses one machine for many runs of a spec; every run must be the run `execute`
// builds from scratch. Seeds run back to back on one rig (so anything a run leaves behind
// would show in the next) and each result is compared with a fresh execution's, on every
// platform, with crashes (core dumps, timers), hangs, kills and several segments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResult, execute } from '../../src/engine/sim.js';
import { SimRig } from '../../src/engine/rig.js';
import { RandomScheduler } from '../../src/engine/schedulers/random.js';
import { RecordingScheduler } from '../../src/engine/explore/recorder.js';
import { validateSpec, type Spec, type SpecInput } from '../../src/engine/spec.js';

function specOf(input: Record<string, unknown>): Spec {
  const v = validateSpec(input as SpecInput, () => 1);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

const story = { key: '0x1234', processCount: 2, iterations: 4, seed: 1, processes: [{ program: 'app', threads: 2 }, { program: 'other', threads: 1 }] };
const kill = [{ kill: 1, whileHolding: true, afterAcquisitions: 2 }];
const CASES: Record<string, Record<string, unknown>> = {
  'solaris10 crash': { ...story, platform: 'solaris10', mutexType: 'USYNC_THREAD', cpus: 1, iterations: 40 },
  'solaris10 two keys': { ...story, platform: 'solaris10', mutexType: 'USYNC_PROCESS', cpus: 2, processes: [{ program: 'app', threads: 2 }, { program: 'other', threads: 1, key: 'IPC_PRIVATE' }] },
  'solaris10 robust kill': { ...story, platform: 'solaris10', mutexType: 'USYNC_PROCESS', robust: true, cpus: 2, faults: kill },
  'solaris9': { ...story, platform: 'solaris9', mutexType: 'USYNC_THREAD', cpus: 2 },
  'illumos': { ...story, platform: 'illumos', mutexType: 'USYNC_THREAD', cpus: 2, tools: { watchpoint: { field: 'owner', process: 1 } } },
  'glibc-2.33 robust kill': { key: '0x1234', platform: 'glibc-2.33', mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 3, iterations: 4, cpus: 2, faults: kill },
  'glibc-2.36 private': { key: '0x1234', platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 3, iterations: 4, cpus: 3 },
  // futex sleepers left on their queues (time-sharing), and round-robin with sched_yield
  'musl-1.2 private': { key: '0x1234', platform: 'musl-1.2', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, iterations: 40, cpus: 2 },
  'musl-1.2 shared round-robin': { key: '0x1234', platform: 'musl-1.2', mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 4, iterations: 40, cpus: 2, scheduling: 'round-robin', work: { yieldEvery: 8 } },
  'step limit': { ...story, platform: 'solaris10', mutexType: 'USYNC_PROCESS', cpus: 2, limits: { maxSteps: 60 } },
};

// What the 40 seeds of each case end in: the comparison covers these paths.
const OUTCOMES: Record<string, string[]> = {
  'solaris10 crash': ['crash', 'ok'], 'solaris10 two keys': ['ok'], 'solaris10 robust kill': ['owner_died'], 'solaris9': ['ok'],
  'illumos': ['crash', 'hang', 'mutual_exclusion_violation', 'ok'], 'glibc-2.33 robust kill': ['ok', 'owner_died'], 'glibc-2.36 private': ['crash', 'mutual_exclusion_violation'],
  'musl-1.2 private': ['hang', 'ok'], 'musl-1.2 shared round-robin': ['ok'], 'step limit': ['limit_exceeded'],
};

for (const [name, input] of Object.entries(CASES)) {
  test(`SimRig: ${name}, 40 seeds in a row = 40 fresh executions`, () => {
    const spec = specOf(input);
    const rig = new SimRig(spec);
    const outcomes = new Set<string>();
    const kept: { result: unknown; json: string }[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const rec = new RecordingScheduler(new RandomScheduler(seed));
      const onRig = buildResult(rig.execute(seed, rec));
      const fresh = new RecordingScheduler(new RandomScheduler(seed));
      const expected = buildResult(execute({ ...spec, seed }, { scheduler: fresh }));
      assert.deepEqual(onRig, expected, `seed ${seed}`);
      assert.deepEqual(rec.schedule(), fresh.schedule(), `seed ${seed}: schedule`);
      outcomes.add(onRig.verdict.outcome);
      kept.push({ result: onRig, json: JSON.stringify(onRig) });
    }
    // A result stays as it was built: later runs on the rig share no object with it.
    for (const k of kept) assert.equal(JSON.stringify(k.result), k.json);
    assert.deepEqual([...outcomes].sort(), OUTCOMES[name], 'the outcomes this case is meant to cover');
  });
}

