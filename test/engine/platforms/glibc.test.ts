// The glibc platforms' lock and unlock paths, read back from the trace and the mutex bytes:
// pthread_mutex_init's __kind, the 2.36 plain-store path and when it applies, lll_lock / futex
// keys, the __owner assertion, and 2.33 never asserting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OWNER_ASSERTION } from '../../../src/engine/platforms/glibc.js';
import { accesses, events, run } from './helpers.js';
import { bench, drive, segmentView, spec } from '../helpers.js';

const PRIVATE = 'PTHREAD_PROCESS_PRIVATE', SHARED = 'PTHREAD_PROCESS_SHARED';

test('pthread_mutex_init: __kind 0 private, 0x80 shared, robust forces PSHARED (0x90) even when private', () => {
  const kind = (mutexType: string, robust: boolean) =>
    (run({ mutexType, robust, processCount: 1, iterations: 1 }).result.evidence.mutex.final as Record<string, unknown>).__kind;
  assert.equal(kind(PRIVATE, false), '0x0');
  assert.equal(kind(SHARED, false), '0x80');
  assert.equal(kind(PRIVATE, true), '0x90');
  assert.equal(kind(SHARED, true), '0x90');
});

test('2.36, single-threaded process, PRIVATE: plain load/store lock, plain store unlock, no futex call', () => {
  const r = run({ mutexType: PRIVATE, processCount: 1, iterations: 3 }, true);
  const writes = accesses(r, '__lock').filter((e) => e.op === 'write');
  assert.deepEqual(writes.map((e) => [e.value, e.note]), [
    [1, 'lll_mutex_lock_optimized'], [0, 'lll_mutex_unlock_optimized'],
    [1, 'lll_mutex_lock_optimized'], [0, 'lll_mutex_unlock_optimized'],
    [1, 'lll_mutex_lock_optimized'], [0, 'lll_mutex_unlock_optimized'],
  ]);
  assert.ok(!events(r).some((e) => e.op === 'park' || e.op === 'unpark'));
  const owner = accesses(r, '__owner').filter((e) => e.op === 'write').map((e) => e.value);
  assert.deepEqual(owner, [1001, 0, 1001, 0, 1001, 0], '__owner = TID (the pid for a main thread), reset on unlock');
  assert.equal(r.result.verdict.outcome, 'ok');
});

test('2.33 has no fast path: CAS 0 -> 1 in lll_lock, exchange 0 in lll_unlock', () => {
  const r = run({ platform: 'glibc-2.33', mutexType: PRIVATE, processCount: 1, iterations: 2 }, true);
  const writes = accesses(r, '__lock').filter((e) => e.op === 'write');
  assert.deepEqual(writes.map((e) => [e.value, e.old, e.note]), [[1, 0, 'lll_lock'], [0, 1, 'lll_unlock'], [1, 0, 'lll_lock'], [0, 1, 'lll_unlock']]);
});

test('2.36 skips the fast path for a PSHARED mutex and for a process with a second thread', () => {
  const shared = run({ mutexType: SHARED, processCount: 1, iterations: 1 }, true);
  assert.deepEqual(accesses(shared, '__lock').filter((e) => e.op === 'write').map((e) => e.note), ['lll_lock', 'lll_unlock']);
  const threaded = run({ mutexType: PRIVATE, processCount: 1, threadsPerProcess: 2, iterations: 1 }, true);
  const notes = new Set(accesses(threaded, '__lock').filter((e) => e.op === 'write').map((e) => e.note));
  assert.ok(notes.has('lll_lock') && !notes.has('lll_mutex_lock_optimized'), [...notes].join(','));
});

test('contended SHARED mutex: waiters swap in 2 and sleep on the (segment, offset) futex; unlock wakes them across processes', () => {
  const r = run({ mutexType: SHARED, processCount: 2, threadsPerProcess: 2, iterations: 300, cpus: 2, seed: 5 }, true);
  assert.equal(r.result.verdict.outcome, 'ok');
  assert.equal(r.result.counter.final, 1200);
  const parks = events(r).filter((e) => e.op === 'park');
  assert.ok(parks.length > 0, 'some lockers slept');
  assert.ok(parks.every((e) => String(e.note).includes('futex:shm=1:0x0') && String(e.note).includes('__lll_lock_wait')), String(parks[0]?.note));
  assert.ok(accesses(r, '__lock').some((e) => e.op === 'write' && e.value === 2 && e.note === '__lll_lock_wait'));
  const wakes = events(r).filter((e) => e.op === 'unpark');
  assert.ok(wakes.some((e) => e.note === '__lll_lock_wake'));
  // every sleeper was woken (the run is ok, not a hang), whichever process unlocked
});

test('PRIVATE, 2 processes x 2 threads (2.36): waiters sleep on their own (mm, address) futex and the run hangs', () => {
  for (const seed of [1, 2, 3]) {
    const r = run({ mutexType: PRIVATE, processCount: 2, threadsPerProcess: 2, iterations: 2000, cpus: 2, seed });
    assert.equal(r.result.verdict.outcome, 'hang', r.result.verdict.summary);
    const hung = r.result.processes.filter((p) => p.exit.kind === 'hung');
    assert.ok(hung.length > 0);
    for (const p of hung) {
      assert.ok(p.exit.kind === 'hung' && p.exit.waitingIn.includes(`futex:mm=${p.pid}:`) && p.exit.waitingIn.startsWith('futex_wait'), JSON.stringify(p.exit));
    }
    assert.equal(r.result.mutualExclusion.maxHolders, 1, 'the CAS on the shared word still excludes');
    assert.match(r.result.verdict.cause, /PRIVATE futex/);
    assert.match(r.result.verdict.fix, /PTHREAD_PROCESS_SHARED/);
  }
});

test('PRIVATE, 4 single-threaded processes (2.36): SIGABRT on the __owner assertion with the real message, or lost updates', () => {
  let crashes = 0, violations = 0;
  for (let seed = 1; seed <= 12; seed++) {
    const r = run({ mutexType: PRIVATE, processCount: 4, iterations: 2000, cpus: 2, seed }).result;
    if (r.verdict.outcome === 'crash') {
      crashes++;
      // the first to fault (another may hit the assertion while the first dumps core)
      const dead = r.processes.find((p) => p.pid === r.evidence.core?.pid)!;
      assert.deepEqual(dead.exit, { kind: 'signaled', signal: 'SIGABRT', function: '___pthread_mutex_lock', message: `app: ${OWNER_ASSERTION}` });
      const seen = Number((r.evidence.mutexAtFault as Record<string, unknown>).__owner);
      assert.notEqual(seen, 0);
      assert.notEqual(seen, dead.pid, 'the __owner it found is another process\'s TID');
      assert.ok(r.processes.some((p) => p.pid === seen));
      assert.equal(r.evidence.core?.signal, 'SIGABRT');
      assert.match(r.verdict.cause, /plain store/);
    } else {
      // Two holders at once; a run whose plain-store unlocks then lost a wake-up ranks as a hang (outcome-rank.ts).
      assert.ok(['mutual_exclusion_violation', 'hang'].includes(r.verdict.outcome), r.verdict.summary);
      assert.ok(r.mutualExclusion.maxHolders >= 2);
      violations++;
    }
  }
  assert.ok(crashes > 0, `crashes ${crashes}, violations ${violations}`);
  assert.equal(OWNER_ASSERTION, "pthread_mutex_lock.c:94: ___pthread_mutex_lock: Assertion `mutex->__data.__owner == 0' failed.");
});

test('2.33, the same 4 single-threaded processes: never the assertion, never two holders; lost wake-ups (hang) or ok', () => {
  const outcomes = new Set<string>();
  for (let seed = 1; seed <= 15; seed++) {
    const r = run({ platform: 'glibc-2.33', mutexType: PRIVATE, processCount: 4, iterations: 1000, cpus: 2, seed }).result;
    outcomes.add(r.verdict.outcome);
    assert.ok(r.verdict.outcome === 'hang' || r.verdict.outcome === 'ok', r.verdict.summary);
    assert.equal(r.mutualExclusion.maxHolders, 1);
    assert.equal(r.counter.lostUpdates, 0);
    assert.ok(!r.processes.some((p) => p.exit.kind === 'signaled'));
  }
  assert.ok(outcomes.has('hang'));
});

test('SHARED on glibc-2.36: ok and exact for 4 x 1 and 2 x 2', () => {
  for (const shape of [{ processCount: 4, threadsPerProcess: 1 }, { processCount: 2, threadsPerProcess: 2 }]) {
    for (const seed of [1, 2]) {
      const r = run({ mutexType: SHARED, ...shape, iterations: 1500, cpus: 2, seed }).result;
      assert.equal(r.verdict.outcome, 'ok', r.verdict.summary);
      assert.equal(r.counter.final, 4 * 1500);
      assert.equal((r.evidence.mutex.final as Record<string, unknown>).__lock, '0x0');
    }
  }
});

test('same spec and seed give the same bytes', () => {
  const a = run({ mutexType: PRIVATE, processCount: 4, iterations: 500, cpus: 2, seed: 9 }, true);
  const b = run({ mutexType: PRIVATE, processCount: 4, iterations: 500, cpus: 2, seed: 9 }, true);
  assert.equal(JSON.stringify(a.result), JSON.stringify(b.result));
  assert.equal([...a.trace.ndjson()].join(''), [...b.trace.ndjson()].join(''));
});

test('each version aborts with its own assertion line: 2.33 line 81 in __pthread_mutex_lock, 2.36 line 94 in ___pthread_mutex_lock', () => {
  for (const [platform, line, fn] of [['glibc-2.33', 81, '__pthread_mutex_lock'], ['glibc-2.36', 94, '___pthread_mutex_lock']] as const) {
    const b = bench(spec({ platform, mutexType: PRIVATE, processCount: 1, key: '0x1234', iterations: 1 }));
    const t = b.threads[0]!;
    segmentView(b).setInt32(8, 4242, true); // __owner left set by someone else
    assert.equal(drive(b, t, 'lock'), -1, 'the assertion kills the process');
    const exit = t.exit;
    assert.ok(exit?.kind === 'signaled');
    assert.equal(exit.signal, 'SIGABRT');
    assert.equal(exit.function, fn);
    assert.equal(exit.message, `app: pthread_mutex_lock.c:${line}: ${fn}: Assertion \`mutex->__data.__owner == 0' failed.`);
  }
});
