// Injected kills in the simulator: a robust mutex recovers through EOWNERDEAD (owner_died), a
// non-robust one stays locked by the dead owner (hang), on glibc and on Solaris 10.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from './platforms/helpers.js';
import { validateSpec } from '../../src/engine/spec.js';

const kill = (afterAcquisitions: number, whileHolding = true) => [{ kill: 1, whileHolding, afterAcquisitions }];

test('glibc robust SHARED, holder killed: owner_died, the next locker recovers, counter consistent', () => {
  for (const platform of ['glibc-2.36', 'glibc-2.33']) {
    const r = run({ platform, mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 3, iterations: 300, cpus: 2, seed: 4, faults: kill(50) }, true);
    const res = r.result;
    assert.equal(res.verdict.outcome, 'owner_died', res.verdict.summary);
    assert.deepEqual(res.processes[1]!.exit, { kind: 'killed', reason: 'fault' });
    assert.equal(res.processes[1]!.acquisitions, 50);
    for (const i of [0, 2]) assert.deepEqual(res.processes[i]!.exit, { kind: 'exited', code: 0 });
    assert.equal(res.counter.lostUpdates, 0);
    assert.equal(res.counter.final, 2 * 300 + 50);
    const rec = res.evidence.recoveries as { pid: number; tid: number; lockWord: string; lockWordBefore: string; consistentRc: number }[];
    assert.equal(rec.length, 1);
    assert.notEqual(rec[0]!.pid, 1002);
    assert.equal(rec[0]!.consistentRc, 0);
    assert.ok(parseInt(rec[0]!.lockWordBefore, 16) & 0x40000000, 'the kernel had set FUTEX_OWNER_DIED');
    assert.equal(parseInt(rec[0]!.lockWord, 16) & 0x40000000, 0, 'cleared once the new owner has it');
    assert.equal(parseInt(rec[0]!.lockWord, 16) & 0x3fffffff, rec[0]!.tid);
    const fault = (res.evidence.faults as { pid: number; mutexAtDeath: Record<string, unknown>; mutexAfterCleanup: Record<string, unknown> }[])[0]!;
    assert.equal(fault.mutexAtDeath.lockOwnerTid, 1002);
    assert.equal(fault.mutexAfterCleanup.ownerDied, 1);
    assert.ok([...r.trace].some((e) => e.op === 'acquired' && String(e.note).includes('EOWNERDEAD')));
    assert.match(res.verdict.summary, /EOWNERDEAD/);
    assert.match(res.verdict.cause, /robust list/);
  }
});

test('robust PRIVATE on 2.36 behaves as shared (glibc forces PSHARED): no assertion, owner_died', () => {
  const r = run({ mutexType: 'PTHREAD_PROCESS_PRIVATE', robust: true, processCount: 4, iterations: 300, cpus: 2, seed: 2, faults: kill(20) }).result;
  assert.equal(r.verdict.outcome, 'owner_died', r.verdict.summary);
  assert.equal(r.mutualExclusion.maxHolders, 1);
});

test('glibc SHARED not robust, holder killed: the others hang in futex wait, the fix says robust', () => {
  const r = run({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 300, cpus: 2, seed: 4, faults: kill(50) }).result;
  assert.equal(r.verdict.outcome, 'hang', r.verdict.summary);
  const hung = r.processes.filter((p) => p.exit.kind === 'hung');
  assert.ok(hung.length > 0);
  assert.ok(hung.every((p) => p.exit.kind === 'hung' && /futex_wait/.test(p.exit.waitingIn) && p.exit.waitingIn.includes('futex:shm=1:0x0')));
  assert.equal((r.evidence.mutex.final as Record<string, unknown>).__owner, 1002, 'the dead TID still owns it');
  assert.match(r.verdict.summary, /killed by SIGKILL/);
  assert.match(r.verdict.fix, /PTHREAD_MUTEX_ROBUST/);
});

test('killed right after an unlock (whileHolding false): nothing is held, the others finish', () => {
  const r = run({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 200, cpus: 2, seed: 4, faults: kill(30, false) }).result;
  assert.equal(r.verdict.outcome, 'ok', r.verdict.summary);
  assert.deepEqual(r.processes[1]!.exit, { kind: 'killed', reason: 'fault' });
  assert.equal(r.counter.final, 2 * 200 + 30);
});

// It used to be accepted and run as an ok without the fault; now it is refused before it runs.
test('a fault beyond the iterations could never fire: the spec is refused, naming the field', () => {
  const v = validateSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, key: '0x1234', iterations: 20, seed: 1, faults: kill(21) }, () => 1);
  assert.ok(!v.ok);
  assert.deepEqual(v.errors.map((e) => e.field), ['faults[0].afterAcquisitions']);
  const edge = run({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 20, seed: 1, faults: kill(20, false) }).result;
  assert.deepEqual(edge.processes[1]!.exit, { kind: 'killed', reason: 'fault' }, 'the last acquisition is within reach');
  assert.doesNotMatch(edge.verdict.cause, /never fired/);
});

test('Solaris 10 USYNC_PROCESS, holder killed: waiters sleep in the kernel forever (hang)', () => {
  const r = run({ platform: 'solaris10', mutexType: 'USYNC_PROCESS', processCount: 3, iterations: 300, cpus: 2, seed: 4, faults: kill(50) }).result;
  assert.equal(r.verdict.outcome, 'hang', r.verdict.summary);
  assert.deepEqual(r.processes[1]!.exit, { kind: 'killed', reason: 'fault' });
  assert.ok(r.processes.some((p) => p.exit.kind === 'hung' && /lwp_mutex_timedlock/.test(p.exit.waitingIn)));
});

test('the fix of a hang after a kill names the platform\'s own robust calls', () => {
  // musl registers only process-shared robust mutexes with the kernel, so a private robust one
  // stays locked; the others are not robust at all. Each fix must speak its own API.
  const cases = [
    { spec: { platform: 'musl-1.2', mutexType: 'PTHREAD_PROCESS_PRIVATE', robust: true }, init: /pthread_mutexattr_setrobust/, consistent: /call pthread_mutex_consistent$/ },
    { spec: { platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_SHARED' }, init: /pthread_mutexattr_setrobust/, consistent: /call pthread_mutex_consistent before unlocking$/ },
    { spec: { platform: 'illumos', mutexType: 'USYNC_PROCESS' }, init: /mutex_init\(&m, USYNC_PROCESS \| LOCK_ROBUST, NULL\)/, consistent: /call mutex_consistent before unlocking$/ },
    { spec: { platform: 'solaris10', mutexType: 'USYNC_PROCESS' }, init: /mutex_init\(&m, USYNC_PROCESS_ROBUST, NULL\)/, consistent: /call mutex_init again \(the USYNC_PROCESS_ROBUST way\) before unlocking$/ },
  ];
  for (const c of cases) {
    const res = run({ ...c.spec, processCount: 3, iterations: 50, cpus: 2, seed: 1, faults: kill(1) }, true).result;
    assert.equal(res.verdict.outcome, 'hang', `${c.spec.platform}: ${res.verdict.summary}`);
    assert.match(res.verdict.fix, c.init, c.spec.platform);
    assert.match(res.verdict.fix, c.consistent, `${c.spec.platform}: ${res.verdict.fix}`);
  }
});

// A kill is the story of a hang only when the dead process held the mutex and nobody took it
// after. Killed just after releasing, with lost wake-ups (musl) and glibc's private misuse
// still in the run, some runs hang for those reasons: the verdict must tell that story and say
// what the kill left behind, not "it never unlocks again" (what it said before).
test('a kill that left the mutex free is not blamed for a later hang; one that left it held is', () => {
  const afterRelease = { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 3, iterations: 2000, cpus: 2, faults: kill(3, false) };
  for (const platform of ['musl-1.2', 'glibc-2.36']) {
    const hangs = [];
    for (let seed = 1; seed <= 120 && hangs.length < 3; seed++) {
      const res = run({ ...afterRelease, platform, seed }).result;
      if (res.verdict.outcome !== 'hang') continue;
      hangs.push(seed);
      const fault = (res.evidence.faults as { heldBy: number[] }[])[0]!;
      assert.deepEqual(fault.heldBy, [], `${platform} seed ${seed}: the victim held nothing when it died`);
      assert.doesNotMatch(res.verdict.summary, /never unlock/, `${platform} seed ${seed}: ${res.verdict.summary}`);
      assert.match(res.verdict.cause, /The injected fault \(process 1, pid 1002, killed just after releasing the mutex at its acquisition 3\) came while none of its threads held the mutex; the survivors took it \d+ times after the death\./);
    }
    assert.ok(hangs.length > 0, `${platform}: no hang in 120 seeds to check`);
  }
  // two threads a process: the victim's other thread may be inside the critical section when
  // the process dies after one thread's unlock
  const held = [];
  for (let seed = 1; seed <= 200 && held.length === 0; seed++) {
    const res = run({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, threadsPerProcess: 2, iterations: 300, cpus: 2, seed, faults: kill(3, false) }).result;
    const fault = (res.evidence.faults as { tid: number; heldBy: number[] }[] | undefined)?.[0];
    if (res.verdict.outcome !== 'hang' || !fault) continue;
    held.push(seed);
    assert.equal(fault.heldBy.length, 1);
    assert.notEqual(fault.heldBy[0], fault.tid, 'not the thread whose unlock triggered the kill');
    assert.match(res.verdict.summary, new RegExp(`its thread ${fault.heldBy[0]} held the mutex at that moment, so it is never unlocked again`));
  }
  assert.ok(held.length > 0, 'no hang after a kill in 200 seeds');
});

test('musl, not robust: a hang after the holder is killed says "not robust", not "is robust, but"', () => {
  const res = run({ platform: 'musl-1.2', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 3, iterations: 300, cpus: 2, seed: 1, faults: kill(20) }).result;
  assert.equal(res.verdict.outcome, 'hang', res.verdict.summary);
  assert.match(res.verdict.cause, /is not robust \(robust: false\)/);
  assert.doesNotMatch(res.verdict.cause, /is robust, but/);
});

test('the kill aside comes only where another story is told: not in owner_died or the dead owner\'s hang, and in an ok run', () => {
  const recovered = run({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 3, iterations: 300, cpus: 2, seed: 4, faults: kill(50) }).result;
  assert.equal(recovered.verdict.outcome, 'owner_died');
  const hung = run({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 300, cpus: 2, seed: 4, faults: kill(50) }).result;
  assert.equal(hung.verdict.outcome, 'hang');
  for (const res of [recovered, hung]) assert.doesNotMatch(res.verdict.cause, /The injected fault/, `${res.verdict.outcome}: the kill is the story, told once`);
  const ok = run({ platform: 'musl-1.2', mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 3, iterations: 2000, cpus: 2, seed: 1, faults: kill(3, false) }).result;
  assert.equal(ok.verdict.outcome, 'ok');
  assert.match(ok.verdict.cause, /The injected fault \(process 1, pid 1002, killed just after releasing the mutex at its acquisition 3\) came while none of its threads held the mutex; the survivors took it \d+ times after the death\./);
});

// A fault whose process stops first never fires; the verdict must not leave the user thinking it did.
test('a fault that never fired is told: the dead owner\'s hang stops process 2 before its own kill', () => {
  for (const platform of ['glibc-2.36', 'solaris10']) {
    const mutexType = platform === 'solaris10' ? 'USYNC_PROCESS' : 'PTHREAD_PROCESS_SHARED';
    const faults = [{ kill: 1, whileHolding: true, afterAcquisitions: 5 }, { kill: 2, whileHolding: false, afterAcquisitions: 300 }];
    const r = run({ platform, mutexType, processCount: 3, iterations: 300, cpus: 2, seed: 3, faults }).result;
    assert.equal(r.verdict.outcome, 'hang', r.verdict.summary);
    const p2 = r.processes[2]!;
    assert.ok(p2.acquisitions < 300, `process 2 made ${p2.acquisitions}`);
    assert.notDeepEqual(p2.exit, { kind: 'killed', reason: 'fault' });
    assert.ok(r.verdict.cause.includes(`The injected fault on process 2 (pid ${p2.pid}) never fired: it made ${p2.acquisitions} acquisitions of the mutex, short of the 300 after which it was to be killed.`), r.verdict.cause);
    assert.doesNotMatch(r.verdict.cause, /fault on process 1 .*never fired/, 'the fault that fired is not among them');
  }
});

test('every fault fired: no "never fired" sentence', () => {
  const r = run({ mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 3, iterations: 300, cpus: 2, seed: 4, faults: kill(50) }).result;
  assert.equal(r.verdict.outcome, 'owner_died');
  assert.doesNotMatch(r.verdict.cause, /never fired/);
});

// Several kills: the story is the death that matters, and each other death gets its sentence.
test('two kills, the first leaving the mutex free: the hang is told as the second victim\'s, the first is an aside', () => {
  const faults = [{ kill: 1, whileHolding: false, afterAcquisitions: 5 }, { kill: 2, whileHolding: true, afterAcquisitions: 100 }];
  const r = run({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 300, cpus: 2, seed: 1, faults }).result;
  assert.equal(r.verdict.outcome, 'hang', r.verdict.summary);
  assert.match(r.verdict.summary, /^hang: process 2 \(pid 1003\) was killed by SIGKILL \(injected fault\) while holding the mutex .* at its acquisition 100/);
  assert.match(r.verdict.cause, /__owner 1003/, 'the lock word still names the second victim');
  assert.match(r.verdict.cause, /Another injected fault \(process 1, pid 1002, killed just after releasing the mutex at its acquisition 5\) came while none of its threads held the mutex; the survivors took it \d+ times after the death\./);
});

test('two holders killed, a robust mutex: the first recovery is the story, the second death and its own recovery follow', () => {
  const faults = [{ kill: 1, whileHolding: true, afterAcquisitions: 50 }, { kill: 2, whileHolding: true, afterAcquisitions: 100 }];
  const r = run({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 3, iterations: 300, cpus: 2, seed: 4, faults }).result;
  assert.equal(r.verdict.outcome, 'owner_died', r.verdict.summary);
  const recs = r.evidence.recoveries as { pid: number; tid: number; consistentRc: number }[];
  assert.equal(recs.length, 2);
  assert.match(r.verdict.summary, /^process 1 \(pid 1002\) was killed .* at its acquisition 50/);
  assert.ok(r.verdict.cause.endsWith(`Another injected fault (process 2, pid 1003, killed holding the mutex at its acquisition 100) came while its thread 1 held the mutex or was releasing it; thread ${recs[1]!.tid} of pid ${recs[1]!.pid} got EOWNERDEAD and made it consistent (rc ${recs[1]!.consistentRc}).`), r.verdict.cause);
});

test('two faults on one process: the second never fires, because the first killed it', () => {
  const faults = [{ kill: 1, whileHolding: false, afterAcquisitions: 5 }, { kill: 1, whileHolding: true, afterAcquisitions: 50 }];
  const r = run({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 100, cpus: 2, seed: 1, faults }).result;
  assert.equal(r.processes[1]!.acquisitions, 5);
  assert.ok(r.verdict.cause.includes(`The injected fault on process 1 (pid ${r.processes[1]!.pid}) never fired: it made 5 acquisitions of the mutex, short of the 50 after which it was to be killed (an earlier fault killed it first).`), r.verdict.cause);
});

// Process 3 dies holding (t=4986), process 2 dies holding nothing (t=5064), and only then does
// pid 1001 recover process 3's death (t=5221): the recovery belongs to the holder's death, not
// to whichever kill came last before it.
test('a recovery is told with the holder\'s death it answers, even when another kill came in between', () => {
  const faults = [{ kill: 1, whileHolding: true, afterAcquisitions: 11 }, { kill: 2, whileHolding: false, afterAcquisitions: 21 }, { kill: 3, whileHolding: true, afterAcquisitions: 23 }];
  const r = run({ platform: 'glibc-2.36', mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 4, iterations: 60, cpus: 2, seed: 141, faults }).result;
  assert.equal(r.verdict.outcome, 'owner_died', r.verdict.summary);
  const kills = r.evidence.faults as { index: number; t: number }[];
  const recs = r.evidence.recoveries as { t: number; tid: number; pid: number }[];
  assert.deepEqual(kills.map((k) => k.index), [1, 3, 2]);
  assert.ok(kills[1]!.t < kills[2]!.t && kills[2]!.t < recs[1]!.t, 'the shape this test is about');
  assert.ok(r.verdict.cause.includes(`Another injected fault (process 3, pid 1004, killed holding the mutex at its acquisition 23) came while its thread 1 held the mutex or was releasing it; thread ${recs[1]!.tid} of pid ${recs[1]!.pid} got EOWNERDEAD and made it consistent (rc 0).`), r.verdict.cause);
  assert.match(r.verdict.cause, /Another injected fault \(process 2, pid 1003, killed just after releasing the mutex at its acquisition 21\) came while none of its threads held the mutex; the survivors took it \d+ times after the death\./);
});
