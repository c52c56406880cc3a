// Issue 2's acceptance items 1-4 on the simulated engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../src/engine/sim.js';
import { spec } from './helpers.js';

const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

test('1. solaris10-crash, seeds 1..20: SIGSEGV in mutex_trylock_adaptive on a foreign ulwp_t, core, watchpoint, magic, pmap', () => {
  let crashes = 0, coreOwnerZero = 0;
  for (const seed of seeds(20)) {
    const { result: r } = simulate(spec({ preset: 'solaris10-crash', seed }));
    assert.equal(r.evidence.mutex.magic, '0x4d58');
    const shm = r.evidence.pmap.map((p) => p.mappings.find((m) => m.kind === 'shm' && m.key === '0x1234'));
    assert.ok(shm.every(Boolean), 'both pmaps show the segment of key 0x1234');
    assert.equal(new Set(shm.map((m) => m!.start)).size, 1, 'same attach address in both');
    if (r.verdict.outcome !== 'crash') continue;
    crashes++;
    const dead = r.processes.find((p) => p.exit.kind === 'signaled')!;
    assert.equal(dead.exit.kind === 'signaled' && dead.exit.signal, 'SIGSEGV');
    assert.equal(dead.exit.kind === 'signaled' && dead.exit.function, 'mutex_trylock_adaptive');
    const fault = parseInt((dead.exit as { faultAddress: string }).faultAddress, 16);
    // the fault address is inside a ulwp_t of the OTHER process ...
    const other = r.processes.find((p) => p.pid !== dead.pid)!;
    assert.ok(other.threads.some((t) => fault >= parseInt(t.ulwp!, 16) && fault < parseInt(t.ulwp!, 16) + 0x200), `fault ${fault.toString(16)} in a thread structure of pid ${other.pid}`);
    // ... and not mapped in the crashing one
    const mine = r.evidence.pmap.find((p) => p.pid === dead.pid)!.mappings;
    assert.ok(!mine.some((m) => fault >= parseInt(m.start, 16) && fault < parseInt(m.end, 16)), 'fault address unmapped in the crashing process');
    const wp = r.evidence.watchpoints.find((w) => w.pid === dead.pid)!;
    assert.ok(wp.foreignWrites > 0, 'the crashing process watchpoint missed foreign stores');
    assert.equal(wp.fired, wp.ownWrites);
    assert.equal(r.evidence.core?.pid, dead.pid);
    if (r.evidence.core?.mutex.owner === '0x0') coreOwnerZero++;
    assert.match(r.verdict.summary, new RegExp(`pid ${dead.pid}.*SIGSEGV.*mutex_trylock_adaptive`));
    assert.match(r.verdict.fix, /USYNC_PROCESS/);
  }
  assert.ok(crashes >= 15, `most seeds crash (${crashes}/20)`);
  assert.ok(coreOwnerZero > 0, `some cores show owner 0x0 (${coreOwnerZero})`);
});

test('2. solaris10-fixed, seeds 1..100: ok, counter exact, one holder at most', () => {
  for (const seed of seeds(100)) {
    const { result: r } = simulate(spec({ preset: 'solaris10-fixed', seed }));
    assert.equal(r.verdict.outcome, 'ok', `seed ${seed}: ${r.verdict.summary}`);
    assert.equal(r.counter.final, r.counter.expected);
    assert.equal(r.counter.expected, 300);
    assert.equal(r.mutualExclusion.maxHolders, 1);
  }
});

test('3. solaris9-same-code, seeds 1..20: no SIGSEGV', () => {
  for (const seed of seeds(20)) {
    const { result: r } = simulate(spec({ preset: 'solaris9-same-code', seed }));
    assert.ok(!r.processes.some((p) => p.exit.kind === 'signaled'), `seed ${seed}: ${r.verdict.summary}`);
    assert.notEqual(r.verdict.outcome, 'crash');
    assert.equal(r.mutualExclusion.maxHolders, 1, 'the shared lock byte still excludes');
  }
});

test('4. same spec and seed: identical result and trace', () => {
  for (const preset of ['solaris10-crash', 'solaris10-fixed', 'solaris9-same-code']) {
    const a = simulate(spec({ preset, seed: 11 }), { trace: true });
    const b = simulate(spec({ preset, seed: 11 }), { trace: true });
    assert.equal(JSON.stringify(a.result), JSON.stringify(b.result));
    assert.equal([...a.trace].map((e) => JSON.stringify(e)).join('\n'), [...b.trace].map((e) => JSON.stringify(e)).join('\n'));
    assert.ok(a.trace.length > 100);
    const c = simulate(spec({ preset, seed: 12 }), { trace: true });
    assert.notEqual([...c.trace].map((e) => JSON.stringify(e)).join('\n'), [...a.trace].map((e) => JSON.stringify(e)).join('\n'), 'another seed, another schedule');
  }
});
