// Guard for ENGINE_VERSION. A replay token records the engine version; if the engine starts
// producing different schedules, traces or results while the version stays the same, old
// tokens replay into divergences instead of being refused. This test hashes (FNV-1a) what a
// few fixed specs produce on every platform (the NDJSON trace and the result JSON of single
// runs; chunk reports and a finished exploration, tokens included) and compares the hashes with
// ENGINE_FINGERPRINT, recorded beside ENGINE_VERSION in src/engine/explore/engine-version.ts.
//
// When it fails on purpose (you changed what the engine does): bump ENGINE_VERSION, then
// paste the fingerprint the failure message prints into ENGINE_FINGERPRINT (the tokens in the
// exploration case embed the version, so bump first, then copy). When it fails by accident
// (a refactoring that was meant to change nothing), the change is not behaviour-neutral.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../src/engine/sim.js';
import { validateSpec, type Spec, type SpecInput } from '../../src/engine/spec.js';
import { ChunkRunner, finishExploration, planExploration } from '../../src/engine/explore/index.js';
import { ENGINE_FINGERPRINT, ENGINE_VERSION } from '../../src/engine/explore/engine-version.js';

/** FNV-1a, 32 bits, over the UTF-16 code units of a string (a change detector, not a digest). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function specOf(input: Record<string, unknown>): Spec {
  const v = validateSpec(input as SpecInput, () => 1);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

// Fixed here rather than taken from presets/, so that editing a preset does not trip the guard.
const story = { key: '0x1234', processCount: 2, iterations: 20, processes: [{ program: 'app', threads: 2 }, { program: 'other', threads: 1 }] };
const kill = [{ kill: 1, whileHolding: true, afterAcquisitions: 5 }];
const killFirst = [{ kill: 0, whileHolding: true, afterAcquisitions: 5 }];
const RUNS: Record<string, Record<string, unknown>> = {
  'solaris10 thread seed 1': { ...story, platform: 'solaris10', mutexType: 'USYNC_THREAD', cpus: 1, seed: 1 },
  'solaris10 thread seed 2': { ...story, platform: 'solaris10', mutexType: 'USYNC_THREAD', cpus: 1, seed: 2 },
  'solaris10 process 2 cpus': { ...story, platform: 'solaris10', mutexType: 'USYNC_PROCESS', cpus: 2, seed: 3 },
  'solaris10 robust kill': { ...story, platform: 'solaris10', mutexType: 'USYNC_PROCESS', robust: true, cpus: 2, seed: 4, faults: kill },
  'solaris9 thread': { ...story, platform: 'solaris9', mutexType: 'USYNC_THREAD', cpus: 2, seed: 1 },
  'illumos thread': { ...story, platform: 'illumos', mutexType: 'USYNC_THREAD', cpus: 2, seed: 1 },
  'illumos robust kill': { ...story, platform: 'illumos', mutexType: 'USYNC_PROCESS', robust: true, cpus: 2, seed: 5, faults: kill },
  // Hangs: the words naming each kind of sleep queue are in the verdict (and in the trace's park events).
  'solaris9 lost wake-up hang': { ...story, platform: 'solaris9', mutexType: 'USYNC_THREAD', cpus: 1, seed: 1 },
  'illumos queue hang': { ...story, platform: 'illumos', mutexType: 'USYNC_THREAD', cpus: 2, seed: 11 },
  'solaris10 holder killed hang': { ...story, platform: 'solaris10', mutexType: 'USYNC_PROCESS', cpus: 2, seed: 7, faults: killFirst },
  'solaris9 holder killed hang': { ...story, platform: 'solaris9', mutexType: 'USYNC_PROCESS', cpus: 2, seed: 7, faults: killFirst },
  'illumos holder killed hang': { ...story, platform: 'illumos', mutexType: 'USYNC_PROCESS', cpus: 2, seed: 7, faults: killFirst },
  'glibc-2.36 private': { key: '0x1234', platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 3, iterations: 20, cpus: 2, seed: 1 },
  'glibc-2.33 robust kill': { key: '0x1234', platform: 'glibc-2.33', mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 3, iterations: 20, cpus: 2, seed: 6, faults: kill },
  'musl-1.2 private': { key: '0x1234', platform: 'musl-1.2', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 3, iterations: 20, cpus: 2, seed: 1 },
  'musl-1.2 robust kill': { key: '0x1234', platform: 'musl-1.2', mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 3, iterations: 20, cpus: 2, seed: 6, faults: kill },
  // the native probe's program as compare runs it: its work, SCHED_RR, a sched_yield every 8th unlock
  'glibc-2.36 probe program': { key: '0x1234', platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, iterations: 40, cpus: 2, seed: 1, scheduling: 'round-robin', work: { outside: 65, inside: 4, yieldEvery: 8 } },
};
const crash3 = { ...story, platform: 'solaris10', mutexType: 'USYNC_THREAD', cpus: 1, iterations: 3, seed: 1 };
const EXPLORATIONS: Record<string, Record<string, unknown>> = {
  'random 300': { ...crash3, explore: { strategy: 'random', schedules: 300 } },
  'pct 100 depth 2': { ...crash3, explore: { strategy: 'pct', schedules: 100, depth: 2 } },
  'dfs bound 1': { ...crash3, iterations: 2, explore: { strategy: 'dfs', schedules: 2000, maxPreemptions: 1 } },
};

function fingerprint(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, input] of Object.entries(RUNS)) {
    const { result, trace } = simulate(specOf(input), { trace: true });
    let ndjson = '';
    for (const e of trace) ndjson += JSON.stringify(e) + '\n';
    out[name] = `${fnv1a(ndjson)} ${fnv1a(JSON.stringify(result))}`;
  }
  for (const [name, input] of Object.entries(EXPLORATIONS)) {
    const spec = specOf(input);
    const plan = planExploration(spec);
    const runner = new ChunkRunner(spec, plan, 0, plan.schedules);
    while (!runner.runBatch(1000));
    const report = runner.result();
    const finished = name.startsWith('dfs') ? finishExploration(spec, plan, [report]) : null;
    out[name] = `${fnv1a(JSON.stringify(report))}` + (finished ? ` ${fnv1a([...finished.trace].map((e) => JSON.stringify(e)).join('\n'))} ${fnv1a(JSON.stringify(finished.result))}` : '');
  }
  return out;
}

test(`the engine's output matches the fingerprint recorded for ENGINE_VERSION ${ENGINE_VERSION}`, () => {
  const now = fingerprint();
  const changed = Object.keys(now).filter((k) => now[k] !== ENGINE_FINGERPRINT[k]);
  assert.deepEqual(now, ENGINE_FINGERPRINT,
    `The simulator's schedules, traces or results changed (${changed.join('; ')}) while ENGINE_VERSION is still '${ENGINE_VERSION}'. `
    + 'If the change is intended, bump ENGINE_VERSION in src/engine/explore/engine-version.ts (old replay tokens are then refused '
    + 'instead of diverging), run this test again and set ENGINE_FINGERPRINT to the object it prints:\n'
    + JSON.stringify(now, null, 2)
    + '\nIf the change was meant to be behaviour-neutral (a refactoring or optimisation), it is not: find what differs.');
});
