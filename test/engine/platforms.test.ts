// Each platform's lock and unlock paths, stepped by hand on a real (simulated) machine: the
// bytes of mutex_t after each path, who parks on which queue, who gets woken, who faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex } from '../../src/engine/machine/memory.js';
import { BLOCKED, RUNNABLE } from '../../src/engine/machine/process.js';
import { bench, drive, lockByte, owner, segmentView, story, waitersByte } from './helpers.js';

for (const platform of ['solaris10', 'solaris9', 'illumos']) {
  test(`${platform}: mutex_init bytes, uncontended lock and unlock (USYNC_THREAD)`, () => {
    const b = bench(story(platform, 'USYNC_THREAD'));
    const bytes = b.mutexBytes();
    assert.equal(bytes[6]! | (bytes[7]! << 8), 0x4d58, 'magic');
    assert.equal(bytes[4], 0, 'type USYNC_THREAD');
    assert.equal(bytes[0], 0x4, 'LOCK_INITED');
    const [t1] = b.threads;
    assert.ok(drive(b, t1!, 'lock') > 0);
    assert.equal(lockByte(b), 1);
    assert.equal(owner(b), t1!.ulwp, 'mutex_owner = ulwp_t of the holder');
    assert.ok(drive(b, t1!, 'unlock') > 0);
    assert.equal(lockByte(b), 0);
    assert.equal(owner(b), 0);
  });

  test(`${platform}: USYNC_PROCESS lock sets ownerpid; a waiter in another process sleeps in the kernel and is woken by the unlock`, () => {
    const b = bench(story(platform, 'USYNC_PROCESS'));
    const [t1, , t3] = b.threads;
    assert.equal(b.mutexBytes()[4], 1, 'type USYNC_PROCESS');
    drive(b, t1!, 'lock');
    assert.equal(segmentView(b).getUint32(8, true), t1!.proc.pid, 'mutex_ownerpid');
    assert.equal(drive(b, t3!, 'lock'), -1, 'contended on 1 CPU: the other process sleeps');
    assert.equal(t3!.state, BLOCKED);
    assert.match(t3!.waitingIn, /lwp_mutex_(timed)?lock: kernel sleep queue lwpchan:shm=1:0/);
    assert.equal(waitersByte(b), 1);
    drive(b, t1!, 'unlock');
    assert.equal(t3!.state, RUNNABLE, 'woken across processes: same (segment, offset) key');
    assert.ok(drive(b, t3!, 'lock') > 0);
    assert.equal(owner(b), t3!.ulwp);
  });
}

test('solaris10 USYNC_THREAD: a waiter of the same process spins, sees the owner off CPU, parks on its process queue, is woken by unlock', () => {
  const b = bench(story('solaris10', 'USYNC_THREAD'), true);
  const [t1, t2] = b.threads;
  drive(b, t1!, 'lock');
  assert.equal(drive(b, t2!, 'lock'), -1);
  assert.equal(t2!.state, BLOCKED);
  assert.match(t2!.waitingIn, /mutex_lock_queue .*sleep queue of pid 1001/);
  const ops = [...b.m.tr!.toTrace(b.threads.map((t) => ({ pid: t.proc.pid, tid: t.tid })))];
  assert.ok(ops.some((e) => e.op === 'deref' && e.field === 'ul_schedctl'), 'followed owner->ul_schedctl');
  assert.equal(waitersByte(b), 1);
  drive(b, t1!, 'unlock');
  assert.equal(t2!.state, RUNNABLE);
  assert.ok(drive(b, t2!, 'lock') > 0);
  assert.equal(owner(b), t2!.ulwp);
  assert.equal(waitersByte(b), 0);
});

test('solaris10 USYNC_THREAD: a spinner in another program dereferences a foreign ulwp_t and dies of SIGSEGV', () => {
  const b = bench(story('solaris10', 'USYNC_THREAD'));
  const [t1, , t3] = b.threads;
  drive(b, t1!, 'lock');
  assert.equal(drive(b, t3!, 'lock'), -1);
  const exit = t3!.exit!;
  assert.equal(exit.kind, 'signaled');
  assert.ok(exit.kind === 'signaled');
  assert.equal(exit.signal, 'SIGSEGV');
  assert.equal(exit.function, 'mutex_trylock_adaptive');
  assert.equal(exit.faultAddress, hex(t1!.ulwp + 0xc8), 'ul_schedctl (offset 0xc8 of a 32-bit ulwp_t) of the owner, in the other address space');
  assert.equal(t3!.proc.space.find(t1!.ulwp), undefined);
});

test('solaris10: the 1000-round spin runs even on 1 CPU when the owner appears ON_PROC (same program, no ASLR)', () => {
  const s = story('solaris10', 'USYNC_THREAD');
  s.processes = [{ index: 0, key: '0x1234', threads: 2, program: 'app' }, { index: 1, key: '0x1234', threads: 2, program: 'app' }];
  const b = bench(s, true);
  const [a, , same, c] = b.threads;
  assert.equal(a!.ulwp, same!.ulwp, 'same program: the same ulwp_t address');
  drive(b, a!, 'lock');
  // pid 1002's thread 2 reads pid 1002's thread 1 schedctl through the owner pointer: ON_PROC while it runs
  const sc = same!.proc.schedctlMemory!;
  sc.u8[same!.schedctl - same!.proc.layoutSchedctlBase] = 0x04;
  assert.equal(drive(b, c!, 'lock'), -1, 'gives up, then sleeps on its own process queue');
  const spins = [...b.m.tr!.toTrace(b.threads.map((t) => ({ pid: t.proc.pid, tid: t.tid })))].filter((e) => e.op === 'owner_read' && e.pid === 1002).length;
  assert.equal(spins, 1000, 'ul_adaptive_spin rounds, no SIGSEGV');
  assert.match(c!.waitingIn, /sleep queue of pid 1002/);
});

test('solaris9 USYNC_THREAD: no owner dereference; a sleeper in another process misses the wake-up', () => {
  const b = bench(story('solaris9', 'USYNC_THREAD', 1), true);
  const [t1, , t3] = b.threads;
  drive(b, t1!, 'lock');
  assert.equal(drive(b, t3!, 'lock'), -1);
  assert.equal(t3!.state, BLOCKED, 'sleeping, not crashed');
  assert.match(t3!.waitingIn, /lwpchan:as=1002:/);
  drive(b, t1!, 'unlock');
  assert.equal(t3!.state, BLOCKED, 'the wake-up went to lwpchan (1001, va): lost');
  const trace = [...b.m.tr!.toTrace(b.threads.map((t) => ({ pid: t.proc.pid, tid: t.tid })))];
  assert.ok(!trace.some((e) => e.op === 'deref'));
});

test('solaris9 with 2 CPUs spins comparing owner values, never dereferencing', () => {
  const b = bench(story('solaris9', 'USYNC_THREAD', 2), true);
  const [t1, , t3] = b.threads;
  drive(b, t1!, 'lock');
  assert.equal(drive(b, t3!, 'lock'), -1);
  const trace = [...b.m.tr!.toTrace(b.threads.map((t) => ({ pid: t.proc.pid, tid: t.tid })))];
  assert.ok(trace.filter((e) => e.op === 'owner_read').length > 100, 'spun');
  assert.ok(!trace.some((e) => e.op === 'deref'));
  assert.equal(t3!.exit, null);
});

test('illumos: 1 CPU never spins (max spinners = ncpus - 1 = 0); 2 CPUs dereference the owner and fault', () => {
  const one = bench(story('illumos', 'USYNC_THREAD', 1), true);
  drive(one, one.threads[0]!, 'lock');
  assert.equal(drive(one, one.threads[2]!, 'lock'), -1);
  assert.equal(one.threads[2]!.state, BLOCKED);
  const trace = [...one.m.tr!.toTrace(one.threads.map((t) => ({ pid: t.proc.pid, tid: t.tid })))];
  assert.ok(!trace.some((e) => e.op === 'owner_read' || e.op === 'deref'));
  const two = bench(story('illumos', 'USYNC_THREAD', 2));
  drive(two, two.threads[0]!, 'lock');
  drive(two, two.threads[2]!, 'lock');
  const exit = two.threads[2]!.exit;
  assert.ok(exit?.kind === 'signaled' && exit.function === 'mutex_trylock_adaptive');
});

test('illumos USYNC_THREAD unlock wakes a same-process waiter and keeps the waiters byte right', () => {
  const b = bench(story('illumos', 'USYNC_THREAD', 1));
  const [t1, t2] = b.threads;
  drive(b, t1!, 'lock');
  assert.equal(drive(b, t2!, 'lock'), -1);
  assert.equal(waitersByte(b), 1);
  drive(b, t1!, 'unlock');
  assert.equal(t2!.state, RUNNABLE);
  assert.equal(waitersByte(b), 0);
  assert.ok(drive(b, t2!, 'lock') > 0);
  assert.equal(lockByte(b), 1);
});
