// Issue 4, acceptance 1-4, on real processes. cpus 2 = every CPU of the project's machines: on one
// CPU a private mutex mostly ends in lost wake-ups (hang) rather than in the assertion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Result } from '../../src/engine/result.js';
import { createNativeEngine } from '../../src/native/engine.js';
import { nativeSpec } from './helpers.js';

const engine = createNativeEngine({ hangMs: 150 });
const ASSERTION = "Assertion `mutex->__data.__owner == 0' failed.";

async function runs(n: number, input: Record<string, unknown>): Promise<Result[]> {
  const results: Result[] = [];
  for (let i = 0; i < n; i++) results.push(await engine.run(nativeSpec(input)));
  return results;
}

// The mistake shows in three ways, all of them glibc's: the owner assertion; lost updates (two
// processes took the lock with plain stores); or a lost wake-up: a single-threaded process that
// found the lock held sleeps on a PRIVATE futex, keyed by its own mm, that no other process's
// unlock reaches (the others unlock with a plain store and wake nobody). Which one a run ends in
// is timing: under the probe's interleaving (sched_yield every 8th unlock when 4 processes share
// 2 CPUs) loaded CI hosts showed 2 and 7 hangs in 10, so no share of the three is asserted.
test('PRIVATE, 4 single-threaded processes x 200000: the assertion, lost updates or a lost private-futex wake-up in >= 9 of 10', async () => {
  const results = await runs(10, { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 4, iterations: 200_000, cpus: 2 });
  const assertion = (r: (typeof results)[number]) => {
    const aborted = r.processes.find((p) => p.exit.kind === 'signaled' && p.exit.signal === 'SIGABRT');
    return aborted !== undefined && aborted.exit.kind === 'signaled' && (aborted.exit.message ?? '').includes(ASSERTION);
  };
  const broken = results.filter((r) => {
    if (r.verdict.outcome === 'crash') return assertion(r);
    if (r.verdict.outcome === 'hang') return r.processes.some((p) => p.exit.kind === 'hung' && /futex/.test(p.exit.waitingIn));
    return r.verdict.outcome === 'mutual_exclusion_violation' && r.counter.lostUpdates > 0;
  });
  const show = results.map((r) => r.verdict.outcome).join(', ');
  assert.ok(broken.length >= 9, `only ${broken.length}/10: ${show}`);
  const hung = results.find((r) => r.verdict.outcome === 'hang');
  if (hung) assert.match(hung.verdict.summary, /futex/);
  const crash = results.find((r) => r.verdict.outcome === 'crash');
  if (crash) {
    assert.match(crash.verdict.summary, /SIGABRT/);
    assert.match(crash.verdict.fix, /PTHREAD_PROCESS_SHARED/);
    assert.equal(crash.evidence.mutex.type, 'PTHREAD_PROCESS_PRIVATE');
    assert.equal((crash.evidence.mutex.words as Record<string, string>).__kind, '0x0', 'no PSHARED bit in __kind');
  }
});

test('PRIVATE, 2 processes x 2 threads x 200000: hang with a futex wait channel in >= 5 of 10', async () => {
  const results = await runs(10, { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, threadsPerProcess: 2, iterations: 200_000, cpus: 2 });
  const hung = results.filter((r) => r.verdict.outcome === 'hang'
    && r.processes.some((p) => p.exit.kind === 'hung' && /futex/.test(p.exit.waitingIn)));
  assert.ok(hung.length >= 5, `only ${hung.length}/10: ${results.map((r) => r.verdict.outcome).join(', ')}`);
  assert.match(hung[0].verdict.summary, /futex/);
  assert.match(hung[0].verdict.cause, /private futex/);
});

for (const shape of [{ processCount: 4, threadsPerProcess: 1 }, { processCount: 2, threadsPerProcess: 2 }]) {
  test(`SHARED, ${shape.processCount} processes x ${shape.threadsPerProcess} threads x 200000: ok 10 of 10, counter exact`, async () => {
    const results = await runs(10, { mutexType: 'PTHREAD_PROCESS_SHARED', ...shape, iterations: 200_000, cpus: 2 });
    for (const r of results) {
      assert.equal(r.verdict.outcome, 'ok', r.verdict.summary);
      assert.equal(r.counter.final, shape.processCount * shape.threadsPerProcess * 200_000);
      assert.equal(r.counter.lostUpdates, 0);
      assert.equal(r.mutualExclusion.maxHolders, 1);
      assert.ok(r.processes.every((p) => p.exit.kind === 'exited' && p.exit.code === 0));
      assert.equal((r.evidence.mutex.words as Record<string, string>).__kind, '0x80', 'PSHARED bit set');
    }
  });
}

// Two processes on two CPUs: both run from the start, so the survivor still needs the mutex when the
// holder dies (with three on two CPUs, SCHED_RR can let two finish before the third starts).
test('robust SHARED, the holder killed: owner_died, the next locker recovers, counter consistent', async () => {
  const r = await engine.run(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 2, iterations: 20_000, cpus: 2, faults: [{ kill: 1, whileHolding: true, afterAcquisitions: 500 }] }));
  assert.equal(r.verdict.outcome, 'owner_died', r.verdict.summary);
  assert.deepEqual(r.processes[1].exit, { kind: 'killed', reason: 'fault' });
  assert.equal(r.processes[1].acquisitions, 500);
  const recoveries = r.evidence.recoveries as { pid: number; consistentRc: number; lockWord: string }[];
  assert.equal(recoveries.length, 1);
  assert.equal(recoveries[0].consistentRc, 0);
  assert.ok((parseInt(recoveries[0].lockWord, 16) & 0x40000000) === 0, 'FUTEX_OWNER_DIED is cleared once the new owner has it');
  assert.equal(r.counter.lostUpdates, 0);
  assert.equal(r.counter.final, 20_000 + 500);
  assert.deepEqual(r.processes[0].exit, { kind: 'exited', code: 0 });
});

// Two kills in one run: each death is told. Process 0 keeps working throughout (20000 iterations),
// so both victims' counts come while someone still needs the mutex.
test('robust SHARED, two holders killed: two recoveries, both in the summary', async () => {
  const r = await engine.run(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 3, iterations: 20_000, cpus: 2, faults: [{ kill: 1, whileHolding: true, afterAcquisitions: 500 }, { kill: 2, whileHolding: true, afterAcquisitions: 1000 }] }));
  assert.equal(r.verdict.outcome, 'owner_died', r.verdict.summary);
  const recoveries = r.evidence.recoveries as { pid: number; tid: number; consistentRc: number; lockWord: string }[];
  assert.equal(recoveries.length, 2, JSON.stringify(recoveries));
  assert.match(r.verdict.summary, /2 deaths were recovered in all/);
  for (const x of recoveries) assert.ok(r.verdict.summary.includes(`tid ${x.tid} of pid ${x.pid}, __lock ${x.lockWord}, consistent rc ${x.consistentRc}`), r.verdict.summary);
  const [told, other] = r.verdict.summary.startsWith(`process 1 (pid ${r.processes[1]!.pid})`) ? [1, 2] : [2, 1];
  assert.ok(r.verdict.cause.includes(`Process ${other} (pid ${r.processes[other]!.pid}) was also killed by an injected fault, holding the mutex.`), `told ${told}: ${r.verdict.cause}`);
  assert.equal(r.counter.lostUpdates, 0);
});

// The first kill leaves the mutex free, the second dies holding it: the hang is the second's.
test('not robust, a kill after a release and then a kill while holding: the hang is told as the holder\'s', async () => {
  const r = await engine.run(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 20_000, cpus: 2, faults: [{ kill: 1, whileHolding: false, afterAcquisitions: 5 }, { kill: 2, whileHolding: true, afterAcquisitions: 500 }] }));
  assert.equal(r.verdict.outcome, 'hang', r.verdict.summary);
  assert.ok(r.verdict.cause.includes(`Process 2 (pid ${r.processes[2]!.pid}) was killed while holding it`), r.verdict.cause);
  assert.ok(r.verdict.cause.includes(`Process 1 (pid ${r.processes[1]!.pid}) was also killed by an injected fault, just after releasing the mutex.`), r.verdict.cause);
  assert.doesNotMatch(r.verdict.cause, /this hang is not the dead owner's/);
});

test('SHARED but not robust, the holder killed: the others hang in futex wait', async () => {
  const r = await engine.run(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 20_000, cpus: 2, faults: [{ kill: 1, whileHolding: true, afterAcquisitions: 500 }] }));
  assert.equal(r.verdict.outcome, 'hang', r.verdict.summary);
  assert.match(r.verdict.cause, /killed while holding/);
  assert.ok(r.processes.filter((p) => p.exit.kind === 'hung').every((p) => p.exit.kind === 'hung' && /futex/.test(p.exit.waitingIn)));
});
