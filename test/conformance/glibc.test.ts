// One conformance suite, two engines: the scenarios of issue 4 (acceptance 1-4) run on real
// processes (engine "native", this host's glibc) and on the simulator (platform "glibc-2.36"),
// and both must land in the same outcome class. Then glibc-2.33 in the simulator turns case 1
// into lost wake-ups or ok, never the assertion. Native iterations are kept modest here (the
// native tests carry the 200000-iteration runs); each native scenario runs a few times and the
// class must hold in most runs, the simulator's in every seed tried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateSpec, type Spec } from '../../src/engine/spec.js';
import { simEngine } from '../../src/engine/sim.js';
import { OWNER_ASSERTION } from '../../src/engine/platforms/glibc.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Outcome, Result } from '../../src/engine/result.js';
import { createNativeEngine } from '../../src/native/engine.js';

const native = createNativeEngine({ hangMs: 150 });

interface Scenario {
  name: string;
  spec: Record<string, unknown>;
  /** Outcomes that count as "the same result" for this scenario. */
  accept: Outcome[];
  /** Extra checks every accepted result must pass, on either engine. */
  check?: (r: Result) => void;
  nativeIterations: number;
  simIterations: number;
  /** A known divergence between the engines, still run and reported (node:test TODO), not hidden. */
  todo?: string;
}

function specFor(engine: 'sim' | 'native', s: Scenario, seed: number, platform = 'glibc-2.36'): Spec {
  const input = { ...s.spec, key: '0x1234', engine, iterations: engine === 'native' ? s.nativeIterations : s.simIterations, seed, ...(engine === 'sim' ? { platform } : {}) };
  const v = validateSpec(input, () => seed);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

async function outcomes(engine: Engine, specs: Spec[]): Promise<Result[]> {
  const out: Result[] = [];
  for (const spec of specs) out.push(await engine.run(spec));
  return out;
}

const assertionOf = (r: Result) => r.processes.map((p) => p.exit).find((e) => e.kind === 'signaled' && e.signal === 'SIGABRT');

const SCENARIOS: Scenario[] = [
  {
    name: '1. PRIVATE, 4 single-threaded processes',
    spec: { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, cpus: 2 },
    accept: ['crash', 'mutual_exclusion_violation'],
    check: (r) => {
      if (r.verdict.outcome === 'crash') {
        const e = assertionOf(r);
        assert.ok(e && e.kind === 'signaled' && (e.message ?? '').endsWith(OWNER_ASSERTION), `${r.engine}: ${JSON.stringify(e)}`);
      } else assert.ok(r.counter.lostUpdates > 0 || r.mutualExclusion.maxHolders > 1);
    },
    nativeIterations: 50_000, simIterations: 2_000,
    // Since CPUs interleave (sim-2), the simulator ends this case in a lost wake-up (hang) in about
    // half the seeds (1, 3, 6 of 1..6, at 2000 to 20000 iterations): a process that finds the lock
    // held sleeps in a private futex no other process can wake, and the other single-threaded
    // processes unlock with plain stores. Real processes here reach the assertion first. Which of
    // the two races wins depends on timing the model does not yet have right; open, see the note.
    todo: 'sim-2 ends half the seeds in a hang where real processes reach the assertion',
  },
  {
    name: '2. PRIVATE, 2 processes x 2 threads',
    spec: { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, threadsPerProcess: 2, cpus: 2 },
    accept: ['hang'],
    check: (r) => assert.ok(r.processes.some((p) => p.exit.kind === 'hung' && /futex/.test(p.exit.waitingIn)), `${r.engine}: no futex wait channel`),
    nativeIterations: 50_000, simIterations: 2_000,
  },
  {
    name: '3a. SHARED, 4 single-threaded processes',
    spec: { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 4, cpus: 2 },
    accept: ['ok'],
    check: (r) => { assert.equal(r.counter.lostUpdates, 0); assert.equal(r.counter.final, 4 * r.spec.iterations); },
    nativeIterations: 50_000, simIterations: 1_500,
  },
  {
    name: '3b. SHARED, 2 processes x 2 threads',
    spec: { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, threadsPerProcess: 2, cpus: 2 },
    accept: ['ok'],
    check: (r) => { assert.equal(r.counter.lostUpdates, 0); assert.equal(r.counter.final, 4 * r.spec.iterations); },
    nativeIterations: 50_000, simIterations: 1_500,
  },
  {
    name: '4. robust SHARED, the holder killed at its 500th acquisition',
    // two processes on two CPUs, so the survivor is still running when the holder dies
    spec: { mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 2, cpus: 2, faults: [{ kill: 1, whileHolding: true, afterAcquisitions: 500 }] },
    accept: ['owner_died'],
    check: (r) => {
      assert.deepEqual(r.processes[1]!.exit, { kind: 'killed', reason: 'fault' });
      assert.equal(r.processes[1]!.acquisitions, 500);
      const rec = r.evidence.recoveries as { consistentRc: number; lockWord: string }[];
      assert.equal(rec.length, 1);
      assert.equal(rec[0]!.consistentRc, 0);
      assert.equal(parseInt(rec[0]!.lockWord, 16) & 0x40000000, 0);
      assert.equal(r.counter.lostUpdates, 0);
      assert.equal(r.counter.final, r.spec.iterations + 500);
    },
    nativeIterations: 20_000, simIterations: 1_500,
  },
];

const NATIVE_RUNS = 3;
const SIM_SEEDS = [1, 2, 3, 4, 5, 6];

for (const s of SCENARIOS) {
  test(`${s.name}: native and sim glibc-2.36 give the same outcome class (${s.accept.join(' | ')})`, { todo: s.todo }, async () => {
    const sim = await outcomes(simEngine, SIM_SEEDS.map((seed) => specFor('sim', s, seed)));
    const nat = await outcomes(native, Array.from({ length: NATIVE_RUNS }, (_, i) => specFor('native', s, 100 + i)));
    const show = (rs: Result[]) => rs.map((r) => r.verdict.outcome).join(', ');
    const simIn = sim.filter((r) => s.accept.includes(r.verdict.outcome));
    const natIn = nat.filter((r) => s.accept.includes(r.verdict.outcome));
    assert.equal(simIn.length, sim.length, `sim: ${show(sim)}`);
    assert.ok(natIn.length * 2 > nat.length, `native: ${show(nat)}`);
    for (const r of [...simIn, ...natIn]) s.check?.(r);
    // the two engines agree on the shape of what they report, too
    for (const r of [...sim, ...nat]) assert.equal(r.processes.length, s.spec.processCount);
  });
}

test('the assertion line the simulator writes is the one this host\'s glibc prints (after the program name)', async () => {
  const s = SCENARIOS[0]!;
  let nativeLine: string | undefined;
  for (let i = 0; i < 5 && nativeLine === undefined; i++) {
    const e = assertionOf(await native.run(specFor('native', s, 200 + i)));
    if (e && e.kind === 'signaled') nativeLine = e.message;
  }
  let simLine: string | undefined;
  for (const seed of SIM_SEEDS) {
    const e = assertionOf(await simEngine.run(specFor('sim', s, seed)));
    if (e && e.kind === 'signaled') { simLine = e.message; break; }
  }
  assert.ok(nativeLine !== undefined, 'no native run aborted on the assertion in 5 tries');
  assert.ok(simLine !== undefined, 'no simulated run aborted on the assertion');
  const strip = (line: string) => line.replace(/^[^:]+: /, '');
  assert.equal(strip(simLine), strip(nativeLine));
});

test('sim glibc-2.33 turns case 1 into lost wake-ups (hang) or ok, never the assertion', async () => {
  const s = SCENARIOS[0]!;
  const rs = await outcomes(simEngine, [...SIM_SEEDS, 7, 8, 9, 10].map((seed) => specFor('sim', s, seed, 'glibc-2.33')));
  for (const r of rs) {
    assert.ok(r.verdict.outcome === 'hang' || r.verdict.outcome === 'ok', `${r.seed}: ${r.verdict.outcome}: ${r.verdict.summary}`);
    assert.equal(assertionOf(r), undefined);
    assert.equal(r.mutualExclusion.maxHolders, 1);
  }
  assert.ok(rs.some((r) => r.verdict.outcome === 'hang' && /futex_wait/.test(JSON.stringify(r.processes))));
});
