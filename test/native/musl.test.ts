// The probe linked statically against musl (`"libc": "musl"`): the result names musl and its
// version, a PSHARED mutex is exact, a PRIVATE one across processes loses wake-ups (hang) and
// never lets two holders in, a robust PSHARED mutex is recovered after its owner is killed with
// 0x40000000 still in _m_lock, and a robust PRIVATE one is not recovered at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Result } from '../../src/engine/result.js';
import { createNativeEngine } from '../../src/native/engine.js';
import { probePathFor } from '../../src/native/probe-command.js';
import { faultVictim, ownerTid } from '../../src/native/verdict-words.js';
import { nativeSpec } from './helpers.js';

const engine = createNativeEngine({ hangMs: 150 });
const words = (r: Result) => r.evidence.mutex.words as Record<string, string | number>;

async function runs(n: number, input: Record<string, unknown>): Promise<Result[]> {
  const results: Result[] = [];
  for (let i = 0; i < n; i++) results.push(await engine.run(nativeSpec({ libc: 'musl', ...input })));
  return results;
}

test('the musl probe is built (musl-gcc -static)', () => {
  assert.ok(existsSync(probePathFor('musl')), `${probePathFor('musl')} missing: install musl-tools (scripts/setup.sh) and npm run build`);
});

test('the result names the libc and its version: musl from the probe-musl build, glibc from the host', async () => {
  const [musl] = await runs(1, { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 1000 });
  const libc = musl!.evidence.libc as { name: string; version: string; versionFrom: string };
  assert.equal(libc.name, 'musl');
  assert.match(libc.version, /^1\.2\.\d+$/);
  assert.match(libc.versionFrom, /__libc_version/);
  assert.equal(musl!.evidence.glibc, undefined);
  assert.deepEqual(Object.keys(words(musl!)), ['_m_type', '_m_lock', '_m_waiters', '_m_count', '_m_prev', '_m_next']);
  const glibc = await engine.run(nativeSpec({ mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 2, iterations: 1000 }));
  assert.equal(glibc.spec.libc, 'glibc');
  assert.equal((glibc.evidence.libc as { name: string }).name, 'glibc');
  assert.match((glibc.evidence.libc as { version: string }).version, /^2\.\d+$/);
  assert.equal((glibc.evidence.libc as { version: string }).version, glibc.evidence.glibc);
});

test('PSHARED, 4 x 1 and 2 x 2 threads x 50000: ok and exact every time', async () => {
  for (const shape of [{ processCount: 4 }, { processCount: 2, threadsPerProcess: 2 }]) {
    for (const r of await runs(3, { mutexType: 'PTHREAD_PROCESS_SHARED', ...shape, iterations: 50_000, cpus: 2 })) {
      assert.equal(r.verdict.outcome, 'ok', r.verdict.summary);
      assert.equal(r.counter.final, 4 * 50_000);
      assert.equal(r.mutualExclusion.maxHolders, 1);
      assert.equal(words(r)._m_type, '0x80');
      assert.equal(words(r)._m_lock, '0x0');
    }
  }
});

// musl's lost wake-up is rare per cycle and its rate per run depends on the host's load (bench:musl
// at load ~10: 97 of 100 runs of 100000 iterations hung; a quiet CI host: 1 of 4). What always
// holds is asserted on every run; the hang is looked for in up to 12 runs of 400000.
test('PRIVATE, 2 single-threaded processes: never two holders or lost updates; a lost wake-up (hang) found, its verdict told from the words', async () => {
  const results: Result[] = [];
  while (results.length < 12 && results.filter((r) => r.verdict.outcome === 'hang').length < 1) {
    results.push(...await runs(1, { mutexType: 'PTHREAD_PROCESS_PRIVATE', processCount: 2, iterations: 400_000, cpus: 2 }));
  }
  for (const r of results) {
    assert.ok(r.verdict.outcome === 'ok' || r.verdict.outcome === 'hang', r.verdict.summary);
    assert.equal(r.mutualExclusion.maxHolders, 1);
    assert.equal(r.counter.lostUpdates, 0);
    assert.ok(!r.processes.some((p) => p.exit.kind === 'signaled'));
  }
  const hung = results.filter((r) => r.verdict.outcome === 'hang');
  assert.ok(hung.length >= 1, results.map((r) => r.verdict.outcome).join(', '));
  const r = hung[0]!;
  assert.ok(r.processes.some((p) => p.exit.kind === 'hung' && /futex/.test(p.exit.waitingIn)));
  assert.equal(words(r)._m_lock, '0x0', 'released');
  assert.ok(Number(words(r)._m_waiters) > 0, 'a counted sleeper');
  assert.match(r.verdict.cause, /_m_type 0x0: pshared bit 128 clear/);
  assert.match(r.verdict.cause, /FUTEX_PRIVATE/);
  assert.match(r.verdict.cause, /_m_lock reads 0x0 \(free\) while _m_waiters still counts/);
  assert.match(r.verdict.fix, /PTHREAD_PROCESS_SHARED/);
});

test('robust PSHARED, the holder killed at its 500th acquisition: owner_died, the new owner\'s _m_lock still has 0x40000000', async () => {
  for (const r of await runs(2, { mutexType: 'PTHREAD_PROCESS_SHARED', robust: true, processCount: 2, iterations: 20_000, cpus: 2, faults: [{ kill: 1, whileHolding: true, afterAcquisitions: 500 }] })) {
    assert.equal(r.verdict.outcome, 'owner_died', r.verdict.summary);
    const rec = r.evidence.recoveries as { lockWord: string; consistentRc: number; tid: number }[];
    assert.equal(rec.length, 1);
    assert.equal(rec[0]!.consistentRc, 0);
    assert.equal(parseInt(rec[0]!.lockWord, 16) & 0x40000000, 0x40000000);
    assert.equal(parseInt(rec[0]!.lockWord, 16) & 0x3fffffff, rec[0]!.tid);
    assert.equal(r.counter.final, 20_000 + 500);
    assert.match(r.verdict.cause, /0x40000000 still in it/);
  }
});

test('robust PRIVATE, the holder killed: musl gave the kernel no robust list, _m_lock keeps the dead TID, hang', async () => {
  const [r] = await runs(1, { mutexType: 'PTHREAD_PROCESS_PRIVATE', robust: true, processCount: 2, iterations: 20_000, cpus: 2, faults: [{ kill: 1, whileHolding: true, afterAcquisitions: 500 }] });
  assert.equal(r!.verdict.outcome, 'hang', r!.verdict.summary);
  if (r!.processes[1]!.exit.kind === 'killed') { // the kill came (a lost wake-up can stop the run first)
    const victimTid = r!.processes[1]!.threads[0]!.tid;
    assert.equal(parseInt(String(words(r!)._m_lock), 16) & 0x3fffffff, victimTid);
    assert.match(r!.verdict.cause, /set_robust_list/);
  }
});

// A NORMAL musl mutex is locked by storing EBUSY (16) in _m_lock: no TID. The verdict used to
// read that 16 as TID 16, which in a repeat's fifth repetition of 3 processes is a real pid.
test('a held NORMAL mutex\'s 16 is EBUSY, not TID 16: nobody is named its owner, even a victim with pid 16', async () => {
  const [r] = await runs(1, { mutexType: 'PTHREAD_PROCESS_SHARED', processCount: 3, iterations: 20_000, cpus: 2, faults: [{ kill: 0, whileHolding: true, afterAcquisitions: 1 }] });
  assert.equal(r!.verdict.outcome, 'hang', r!.verdict.summary);
  assert.equal(parseInt(String(words(r!)._m_type), 16) & 15, 0, 'NORMAL, not robust');
  assert.equal(parseInt(String(words(r!)._m_lock), 16) & 0x3fffffff, 16, 'EBUSY in the lock word');
  assert.equal(ownerTid(r!), null);
  assert.match(r!.verdict.cause, /killed while holding it/, 'the kill it asked for (whileHolding) still names the dead owner');
  // the same evidence with the kill made just after a release, and the victim given pid 16
  const v = r!.processes[0]!;
  const moved = { ...r!, spec: { ...r!.spec, faults: [{ ...r!.spec.faults[0]!, whileHolding: false }] }, processes: r!.processes.map((p) => p === v ? { ...p, pid: 16, threads: p.threads.map((t) => ({ ...t, tid: 16 })) } : p) };
  assert.equal(faultVictim(moved)?.held, false, 'a pid of 16 is not named by an EBUSY lock word');
});
