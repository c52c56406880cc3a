// Robust mutexes on the Solaris platforms: USYNC_PROCESS_ROBUST (Solaris 9 and 10) and
// USYNC_PROCESS|LOCK_ROBUST (illumos). A holder killed by an injected fault leaves LOCK_OWNERDEAD
// behind (the kernel's lwp_mutex_cleanup); the next locker gets EOWNERDEAD and makes the mutex
// consistent. Without robust the others wait forever; a robust process-private mutex is refused
// where mutex_init refuses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { execute, UnsupportedSpecError } from '../../../src/engine/sim.js';
import { run, simSpec } from './helpers.js';
import { validateSpec } from '../../../src/engine/spec.js';

const LOCK_OWNERDEAD = 0x1;
const kill = (afterAcquisitions: number) => [{ kill: 1, whileHolding: true, afterAcquisitions }];
type Recovery = { pid: number; tid: number; consistentRc: number; mutexFlag: string; mutexFlagBefore: string; consistent: string };
type Fault = { pid: number; mutexAtDeath: Record<string, unknown>; mutexAfterCleanup: Record<string, unknown> };

const CASES = [
  { platform: 'solaris10', consistent: 'mutex_init(USYNC_PROCESS_ROBUST)', type: 'USYNC_PROCESS_ROBUST', ownerCleared: false },
  { platform: 'solaris9', consistent: 'mutex_init(USYNC_PROCESS_ROBUST)', type: 'USYNC_PROCESS_ROBUST', ownerCleared: false },
  { platform: 'illumos', consistent: 'mutex_consistent', type: 'USYNC_PROCESS|LOCK_ROBUST', ownerCleared: true },
] as const;

for (const c of CASES) {
  test(`${c.platform} robust USYNC_PROCESS, holder killed: owner_died, recovered with ${c.consistent}, counter consistent`, () => {
    for (const cpus of [1, 2]) {
      for (const seed of [1, 4, 9]) {
        const r = run({ platform: c.platform, mutexType: 'USYNC_PROCESS', robust: true, processCount: 3, threadsPerProcess: 2, iterations: 150, cpus, seed, faults: kill(40) }, true);
        const res = r.result;
        const label = `${c.platform} cpus ${cpus} seed ${seed}: ${res.verdict.summary}`;
        assert.equal(res.verdict.outcome, 'owner_died', label);
        assert.deepEqual(res.processes[1]!.exit, { kind: 'killed', reason: 'fault' });
        for (const i of [0, 2]) assert.deepEqual(res.processes[i]!.exit, { kind: 'exited', code: 0 }, label);
        assert.equal(res.counter.lostUpdates, 0, label);
        assert.equal(res.counter.final, 2 * 2 * 150 + res.processes[1]!.acquisitions, label);
        assert.equal(res.mutualExclusion.maxHolders, 1, label);

        const fault = (res.evidence.faults as Fault[])[0]!;
        assert.equal(fault.mutexAtDeath.type, c.type);
        assert.equal(fault.mutexAtDeath.ownerpid, 1002, 'the dead process still owned it');
        assert.equal(fault.mutexAtDeath.lockByte, 1);
        assert.equal(Number(fault.mutexAtDeath.flag) & LOCK_OWNERDEAD, 0);
        assert.match(String(fault.mutexAfterCleanup.flags), /LOCK_OWNERDEAD/);
        assert.equal(fault.mutexAfterCleanup.ownerpid, 0);
        assert.equal(fault.mutexAfterCleanup.lockByte, 0);
        // The historical kernel clears only mutex_ownerpid; illumos's lwp_clear_mutex clears mutex_owner too.
        assert.equal(fault.mutexAfterCleanup.owner === '0x0', c.ownerCleared);

        const rec = res.evidence.recoveries as Recovery[];
        assert.equal(rec.length, 1);
        assert.notEqual(rec[0]!.pid, 1002);
        assert.equal(rec[0]!.consistentRc, 0);
        assert.equal(rec[0]!.consistent, c.consistent);
        assert.ok(parseInt(rec[0]!.mutexFlagBefore, 16) & LOCK_OWNERDEAD, 'the locker saw LOCK_OWNERDEAD');
        assert.equal(parseInt(rec[0]!.mutexFlag, 16) & LOCK_OWNERDEAD, 0, 'made consistent');
        assert.equal((res.evidence.mutex.final as Record<string, unknown>).flags, 'LOCK_INITED');

        assert.ok([...r.trace].some((e) => e.op === 'acquired' && String(e.note).includes('EOWNERDEAD: mutex_flag was')), 'the trace shows EOWNERDEAD');
        assert.match(res.verdict.summary, /EOWNERDEAD/);
        assert.ok(res.verdict.summary.includes(c.consistent));
        assert.match(res.verdict.cause, /lwp_mutex_cleanup/);
      }
    }
  });

  test(`${c.platform} USYNC_PROCESS not robust, holder killed: the others sleep in the kernel forever (hang)`, () => {
    const r = run({ platform: c.platform, mutexType: 'USYNC_PROCESS', processCount: 3, iterations: 150, cpus: 2, seed: 4, faults: kill(40) }).result;
    assert.equal(r.verdict.outcome, 'hang', r.verdict.summary);
    assert.ok(r.processes.some((p) => p.exit.kind === 'hung' && /lwp_mutex/.test(p.exit.waitingIn)));
    assert.equal((r.evidence.mutex.final as Record<string, unknown>).lockByte, 1, 'still locked by the dead owner');
    assert.deepEqual(r.evidence.recoveries, []);
    assert.match(r.verdict.cause, /robust: false/);
  });
}

test('the same robust spec and seed give the same result (determinism)', () => {
  const input = { platform: 'illumos', mutexType: 'USYNC_PROCESS', robust: true, processCount: 3, iterations: 100, cpus: 2, seed: 7, faults: kill(10) };
  const a = run(input).result, b = run(input).result;
  assert.equal(JSON.stringify(a), JSON.stringify(b));
});

test('solaris10 / solaris9 refuse a robust process-private mutex, naming the field robust', () => {
  for (const platform of ['solaris10', 'solaris9']) {
    for (const mutexType of ['USYNC_THREAD', 'PTHREAD_PROCESS_PRIVATE']) {
      // validateSpec refuses it with the other bad fields; the simulator still refuses a spec built without it
      const v = validateSpec({ key: '0x1234', platform, mutexType, robust: true, processCount: 2 }, () => 1);
      assert.ok(!v.ok && v.errors.some((e) => e.field === 'robust' && /USYNC_PROCESS_ROBUST/.test(e.message)));
      const spec = simSpec({ platform, mutexType, processCount: 2 });
      assert.throws(() => execute({ ...spec, robust: true }),
        (e: unknown) => e instanceof UnsupportedSpecError && e.field === 'robust' && /USYNC_PROCESS_ROBUST/.test(e.message));
    }
  }
});

test('the CLI exits 2 for a robust USYNC_THREAD spec on solaris10 and names the field', () => {
  const cli = fileURLToPath(new URL('../../../../bin/mutexlab', import.meta.url));
  const spec = JSON.stringify({ platform: 'solaris10', mutexType: 'USYNC_THREAD', robust: true, processCount: 2, key: '0x1234' });
  const p = spawnSync(process.execPath, [cli, 'run', '-'], { input: spec, encoding: 'utf8' });
  assert.equal(p.status, 2, p.stderr);
  assert.match(p.stderr, /invalid spec:\s+robust: /);
  assert.equal(p.stdout, '');
});

test('illumos robust USYNC_THREAD (valid there) shared by processes: a killed holder is never cleaned up (hang)', () => {
  const r = run({ platform: 'illumos', mutexType: 'USYNC_THREAD', robust: true, processCount: 3, iterations: 300, cpus: 2, seed: 4, faults: kill(50) }).result;
  assert.equal(r.verdict.outcome, 'hang', r.verdict.summary);
  const final = r.evidence.mutex.final as Record<string, unknown>;
  assert.equal(final.type, 'USYNC_THREAD|LOCK_ROBUST');
  assert.equal(final.flags, 'LOCK_INITED', 'nobody set LOCK_OWNERDEAD');
  assert.deepEqual(r.evidence.recoveries, []);
  assert.match(r.verdict.cause, /heldlock_exit/);
  assert.match(r.verdict.fix, /USYNC_PROCESS \| LOCK_ROBUST/);
});
