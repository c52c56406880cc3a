// The conformance scenarios, run for each libc on both engines: real processes (engine "native"
// with the probe linked against that libc) and the simulator's model of it (LIBC_MODEL:
// glibc -> "glibc-2.36", musl -> "musl-1.2"). Both engines must land in the libc's outcome class.
// Native iterations are kept modest (the native tests carry the long runs); each native scenario
// runs a few times and the class must hold in most runs, the simulator's in every seed tried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateSpec, type Spec } from '../../src/engine/spec.js';
import { simEngine } from '../../src/engine/sim.js';
import { LIBC_MODEL, type Libc } from '../../src/engine/libc.js';
import { OWNER_ASSERTION } from '../../src/engine/platforms/glibc.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Outcome, Result } from '../../src/engine/result.js';
import { createNativeEngine } from '../../src/native/engine.js';

export const native = createNativeEngine({ hangMs: 150 });

export interface Scenario {
  name: string;
  spec: Record<string, unknown>;
  /** Outcomes that count as "the same result" for this scenario, per libc. */
  accept: Record<Libc, Outcome[]>;
  /** Extra checks every accepted result must pass, on either engine. */
  check?: (r: Result, libc: Libc) => void;
  nativeIterations: number;
  simIterations: number;
  /** A known divergence between the engines, still run and reported (node:test TODO), not hidden. */
  todo?: Partial<Record<Libc, string>>;
}

export function specFor(engine: 'sim' | 'native', libc: Libc, s: Scenario, seed: number, platform: string = LIBC_MODEL[libc]): Spec {
  const input = {
    ...s.spec, key: '0x1234', engine, iterations: engine === 'native' ? s.nativeIterations : s.simIterations, seed,
    // contended futex cycles cost the model hundreds of steps each (system calls take time)
    ...(engine === 'sim' ? { platform, limits: { maxSteps: 100_000_000 } } : { libc }),
  };
  const v = validateSpec(input, () => seed);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.spec;
}

export async function outcomes(engine: Engine, specs: Spec[]): Promise<Result[]> {
  const out: Result[] = [];
  for (const spec of specs) out.push(await engine.run(spec));
  return out;
}

export const assertionOf = (r: Result) => r.processes.map((p) => p.exit).find((e) => e.kind === 'signaled' && e.signal === 'SIGABRT');

/** The mutex words after the run, whichever engine: the simulator's `final`, the probe's `words`. */
const wordsOf = (r: Result) => (r.evidence.mutex.final ?? r.evidence.mutex.words) as Record<string, unknown>;

/** A lost wake-up on musl: exclusion held, the lock word free, a counted waiter nobody woke. */
function muslLostWakeUp(r: Result): void {
  assert.equal(r.mutualExclusion.maxHolders, 1, `${r.engine}: two holders on musl`);
  assert.equal(r.counter.lostUpdates, 0);
  assert.equal(wordsOf(r)._m_lock, '0x0', `${r.engine}: ${JSON.stringify(wordsOf(r))}`);
  assert.ok(Number(wordsOf(r)._m_waiters) > 0, `${r.engine}: ${JSON.stringify(wordsOf(r))}`);
}

export const SCENARIOS: Scenario[] = [
  {
    name: '1. PRIVATE, 4 single-threaded processes',
    spec: { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, cpus: 2 },
    // glibc: the plain-store race (the assertion, or two holders), or a lost wake-up when a
    // process that found the lock held sleeps in its PRIVATE futex and the others unlock with
    // plain stores (native: 13 of 100 runs at 1000 iterations in one compare, 2 to 7 of 10 at 200000)
    accept: { glibc: ['crash', 'mutual_exclusion_violation', 'hang'], musl: ['hang'] },
    check: (r, libc) => {
      if (libc === 'musl') return muslLostWakeUp(r);
      if (r.verdict.outcome === 'hang') {
        assert.ok(r.processes.some((p) => p.exit.kind === 'hung' && /futex/.test(p.exit.waitingIn)), `${r.engine}: no futex wait channel`);
      } else if (r.verdict.outcome === 'crash') {
        const e = assertionOf(r);
        assert.ok(e && e.kind === 'signaled' && (e.message ?? '').endsWith(OWNER_ASSERTION), `${r.engine}: ${JSON.stringify(e)}`);
      } else assert.ok(r.counter.lostUpdates > 0 || r.mutualExclusion.maxHolders > 1);
    },
    // musl's lost wake-up is rare per cycle: at 50000 iterations a loaded host finished 2 of 3
    // runs ok (bench:musl: at 100000, 100 of 100 hang); 200000 makes the class the run's, not the load's
    nativeIterations: 200_000, simIterations: 2_000,
  },
  {
    name: '2. PRIVATE, 2 processes x 2 threads',
    spec: { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, threadsPerProcess: 2, cpus: 2 },
    accept: { glibc: ['hang'], musl: ['hang'] },
    check: (r, libc) => {
      assert.ok(r.processes.some((p) => p.exit.kind === 'hung' && /futex/.test(p.exit.waitingIn)), `${r.engine}: no futex wait channel`);
      if (libc === 'musl') muslLostWakeUp(r);
    },
    // 20000: at 2000 the model ends 2 seeds of 6 ok (the lost wake-up needs a holder preempted
    // in its critical section while a waiter enters FUTEX_WAIT, rare per cycle since sim-3).
    // Native 200000, as case 1 on musl: at 50000 a quiet host ended musl ok in 3 of 6 runs and
    // glibc in 1 of 6 (so 2 hangs of 3 failed often); at 200000, 6 of 6 hang on both, in 0.6 to
    // 0.9 s a run (bin/mutexlab run, 2026-12-03)
    nativeIterations: 200_000, simIterations: 20_000,
  },
  {
    name: '3a. SHARED, 4 single-threaded processes',
    spec: { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 4, cpus: 2 },
    accept: { glibc: ['ok'], musl: ['ok'] },
    check: (r) => { assert.equal(r.counter.lostUpdates, 0); assert.equal(r.counter.final, 4 * r.spec.iterations); },
    nativeIterations: 50_000, simIterations: 1_500,
  },
  {
    name: '3b. SHARED, 2 processes x 2 threads',
    spec: { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, threadsPerProcess: 2, cpus: 2 },
    accept: { glibc: ['ok'], musl: ['ok'] },
    check: (r) => { assert.equal(r.counter.lostUpdates, 0); assert.equal(r.counter.final, 4 * r.spec.iterations); },
    nativeIterations: 50_000, simIterations: 1_500,
  },
  {
    name: '4. robust SHARED, the holder killed at its 500th acquisition',
    // two processes on two CPUs, so the survivor is still running when the holder dies
    spec: { mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 2, cpus: 2, faults: [{ kill: 1, whileHolding: true, afterAcquisitions: 500 }] },
    accept: { glibc: ['owner_died'], musl: ['owner_died'] },
    check: (r, libc) => {
      assert.deepEqual(r.processes[1]!.exit, { kind: 'killed', reason: 'fault' });
      assert.equal(r.processes[1]!.acquisitions, 500);
      const rec = r.evidence.recoveries as { consistentRc: number; lockWord: string }[];
      assert.equal(rec.length, 1);
      assert.equal(rec[0]!.consistentRc, 0);
      // the lock word as the new owner holds it right after EOWNERDEAD: glibc has dropped
      // FUTEX_OWNER_DIED, musl keeps 0x40000000 until pthread_mutex_consistent
      assert.equal(parseInt(rec[0]!.lockWord, 16) & 0x40000000, libc === 'musl' ? 0x40000000 : 0, `${r.engine}: ${rec[0]!.lockWord}`);
      assert.equal(r.counter.lostUpdates, 0);
      assert.equal(r.counter.final, r.spec.iterations + 500);
    },
    nativeIterations: 20_000, simIterations: 1_500,
  },
];

const NATIVE_RUNS = 3;
export const SIM_SEEDS = [1, 2, 3, 4, 5, 6];

/** One test per scenario: the libc's native runs and its model's seeds land in the same outcome class. */
export function conformance(libc: Libc): void {
  for (const s of SCENARIOS) {
    test(`${s.name}: native ${libc} and sim ${LIBC_MODEL[libc]} give the same outcome class (${s.accept[libc].join(' | ')})`, { todo: s.todo?.[libc] }, async () => {
      const accept = s.accept[libc];
      const sim = await outcomes(simEngine, SIM_SEEDS.map((seed) => specFor('sim', libc, s, seed)));
      const nat = await outcomes(native, Array.from({ length: NATIVE_RUNS }, (_, i) => specFor('native', libc, s, 100 + i)));
      const show = (rs: Result[]) => rs.map((r) => r.verdict.outcome).join(', ');
      const simIn = sim.filter((r) => accept.includes(r.verdict.outcome));
      const natIn = nat.filter((r) => accept.includes(r.verdict.outcome));
      assert.equal(simIn.length, sim.length, `sim: ${show(sim)}`);
      assert.ok(natIn.length * 2 > nat.length, `native: ${show(nat)}`);
      for (const r of [...simIn, ...natIn]) s.check?.(r, libc);
      // the two engines agree on the shape of what they report, too
      for (const r of [...sim, ...nat]) assert.equal(r.processes.length, s.spec.processCount);
      for (const r of nat) assert.equal((r.evidence.libc as { name: string }).name, libc);
    });
  }
}
