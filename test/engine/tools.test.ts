// The tools: per-process watchpoints, pmap, core snapshots taken when the dump completes,
// the context-switch record; plus limits and hangs as outcomes with their evidence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../src/engine/sim.js';
import { CORE_DUMP_TICKS } from '../../src/engine/machine/machine.js';
import { spec } from './helpers.js';

test('watchpoint: fires on the process own stores only; other processes stores are counted as foreign', () => {
  const { result: r, trace } = simulate(spec({ preset: 'solaris10-fixed', seed: 3 }), { trace: true });
  const stores = new Map<number, number>();
  for (const e of trace) if (e.op === 'write' && e.field === 'mutex_owner') stores.set(e.pid, (stores.get(e.pid) ?? 0) + 1);
  for (const w of r.evidence.watchpoints) {
    assert.equal(w.fired, stores.get(w.pid) ?? 0, `pid ${w.pid} fired on its own stores`);
    const foreign = [...stores].filter(([pid]) => pid !== w.pid).reduce((n, [, c]) => n + c, 0);
    assert.equal(w.foreignWrites, foreign);
    assert.equal(w.address, '0xfeb7f010');
  }
  assert.equal([...trace].filter((e) => e.op === 'watchpoint').length, r.evidence.watchpoints.reduce((n, w) => n + w.fired, 0));
});

test('watchpoint on one process and another field; tools can be switched off', () => {
  const { result: r } = simulate(spec({ preset: 'solaris10-fixed', seed: 3, tools: { watchpoint: { process: 1, field: 'lockword' }, pmap: false, core: false } }));
  assert.equal(r.evidence.watchpoints.length, 1);
  assert.equal(r.evidence.watchpoints[0]!.pid, 1002);
  assert.equal(r.evidence.watchpoints[0]!.field, 'lockword');
  assert.ok(r.evidence.watchpoints[0]!.foreignWrites > 0);
  assert.deepEqual(r.evidence.pmap, []);
  const off = simulate(spec({ preset: 'solaris10-fixed', seed: 3, tools: { watchpoint: false } })).result;
  assert.deepEqual(off.evidence.watchpoints, []);
});

test('pmap: the segment with key and shmid; ulwp_t mappings of different programs do not overlap', () => {
  const { result: r } = simulate(spec({ preset: 'solaris10-fixed', seed: 1 }));
  const [a, b] = r.evidence.pmap;
  const shmA = a!.mappings.find((m) => m.kind === 'shm')!;
  const shmB = b!.mappings.find((m) => m.kind === 'shm')!;
  assert.deepEqual([shmA.key, shmA.shmid, shmA.start], [shmB.key, shmB.shmid, shmB.start]);
  assert.equal(r.processes[0]!.attachAddress, shmA.start);
  const ulwpA = a!.mappings.find((m) => m.kind === 'ulwp')!;
  for (const t of r.processes[0]!.threads) {
    const u = parseInt(t.ulwp!, 16);
    assert.ok(u >= parseInt(ulwpA.start, 16) && u < parseInt(ulwpA.end, 16));
    assert.ok(!b!.mappings.some((m) => u >= parseInt(m.start, 16) && u < parseInt(m.end, 16)), 'not mapped in the other program');
  }
});

test('core snapshot: taken when the dump completes, a seeded duration from CORE_DUMP_TICKS after the fault; the other process ran meanwhile', () => {
  let differs = 0;
  const durations = new Set<number>();
  for (let seed = 1; seed <= 10; seed++) {
    const { result: r, trace } = simulate(spec({ preset: 'solaris10-crash', seed }), { trace: true });
    const core = r.evidence.core;
    if (!core) continue;
    const took = Number(core.writtenAt) - Number(core.faultedAt);
    assert.ok(took >= CORE_DUMP_TICKS.min && took <= CORE_DUMP_TICKS.max, `seed ${seed}: ${took} ticks`);
    durations.add(took);
    const events = [...trace];
    const signal = events.find((e) => e.op === 'signal')!;
    const dumped = events.find((e) => e.op === 'core_dump')!;
    assert.equal(dumped.t - signal.t, took);
    assert.ok(events.some((e) => e.seq > signal.seq && e.seq < dumped.seq && e.pid !== core.pid && e.op === 'write'), 'others stored during the dump');
    if (JSON.stringify((r.evidence.mutexAtFault as object)) !== JSON.stringify(core.mutex)) differs++;
  }
  assert.ok(differs > 0, 'the core differs from memory at the fault in some seeds');
  assert.ok(durations.size > 1, 'the duration is drawn per run, not a constant');
});

test('context switches are counted and traced; the switches before the fault are in the evidence', () => {
  const { result: r, trace } = simulate(spec({ preset: 'solaris10-crash', seed: 2 }), { trace: true });
  const switches = [...trace].filter((e) => e.op === 'switch');
  assert.equal(switches.length, r.stats.contextSwitches);
  assert.ok(r.stats.contextSwitches > 0);
  assert.ok(Array.isArray(r.evidence.switchesBeforeFault) && (r.evidence.switchesBeforeFault as unknown[]).length > 0);
});

test('limits.maxSteps: limit_exceeded with partial evidence', () => {
  const { result: r } = simulate(spec({ preset: 'solaris10-fixed', seed: 1, limits: { maxSteps: 500 } }));
  assert.equal(r.verdict.outcome, 'limit_exceeded');
  assert.equal(r.stats.steps, 500);
  assert.ok(r.counter.expected < r.counter.planned!);
  assert.match(r.verdict.summary, /limits\.maxSteps = 500/);
  assert.equal(r.evidence.pmap.length, 2);
});

test('hang: every live thread blocked; the verdict names where each waits', () => {
  const { result: r } = simulate(spec({ preset: 'solaris9-same-code', cpus: 1, seed: 3 }));
  assert.equal(r.verdict.outcome, 'hang');
  const hung = r.processes.filter((p) => p.exit.kind === 'hung');
  assert.ok(hung.length > 0);
  for (const p of hung) assert.match(r.verdict.cause, new RegExp(`pid ${p.pid} tid \\d+: lwp_mutex_lock`));
  assert.match(r.verdict.cause, /an unlock in another process cannot wake them/);
});
