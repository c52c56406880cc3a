// The Solaris / illumos paths the model used to lack, each stepped by hand against the
// sources (synch.c of the 2005 import and of today, lwp_sobj.c): the single-threaded lock and
// unlock without atomics, EDEADLK for a second instance of the same program, the owner == self
// checks before spinning, illumos's mutex_trylock_process spin, LIFO sleep queues, the
// waiters byte lwp_mutex_wakeup leaves alone, and watchpoints that do not see the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex } from '../../../src/engine/machine/memory.js';
import { BLOCKED, RUNNABLE } from '../../../src/engine/machine/process.js';
import { EDEADLK } from '../../../src/engine/platforms/solaris-single-thread.js';
import { lwpMutexWakeup } from '../../../src/engine/platforms/solaris-kernel.js';
import { SolarisNames } from '../../../src/engine/platforms/solaris-names.js';
import { simulate } from '../../../src/engine/sim.js';
import type { Spec } from '../../../src/engine/spec.js';
import { bench, drive, lockByte, owner, segmentView, spec, story, waitersByte, type Bench } from '../helpers.js';

const traceOf = (b: Bench) => [...b.m.tr!.toTrace(b.threads.map((t) => ({ pid: t.proc.pid, tid: t.tid })))];

/** Two processes of one program (same ulwp_t addresses), `threads` each. */
function twins(platform: string, threads: number, cpus = 1): Spec {
  const s = story(platform, 'USYNC_THREAD', cpus);
  s.processes = [{ index: 0, key: '0x1234', threads, program: 'app' }, { index: 1, key: '0x1234', threads, program: 'app' }];
  return s;
}

for (const platform of ['solaris10', 'illumos']) {
  test(`${platform}: a single-threaded process takes and releases a USYNC_THREAD mutex without an atomic operation, and wakes nobody`, () => {
    const b = bench(story(platform, 'USYNC_THREAD'), true);
    const single = b.threads[2]!; // 'other' never created a second thread
    const before = b.m.atomics;
    assert.ok(drive(b, single, 'lock') > 0);
    assert.equal(b.m.atomics, before, 'no xchg, cas or swap');
    assert.equal(lockByte(b), 1);
    assert.equal(owner(b), single.ulwp);
    const writes = traceOf(b).filter((e) => e.op === 'write' && e.pid === 1002);
    assert.deepEqual(writes.map((e) => `${e.field} ${e.note}`), ['mutex_lockw mutex_lock', 'mutex_owner mutex_lock'], 'a plain store of the lock byte, then the owner');
    b.world.segment.backing.u8[14] = 1; // a waiter bit the single-threaded unlock does not look at
    assert.ok(drive(b, single, 'unlock') > 0);
    assert.equal(b.m.atomics, before, 'plain stores');
    assert.equal(segmentView(b).getUint32(12, true), 0, 'mutex_lockword = 0: lock byte and waiters byte');
    assert.equal(owner(b), 0);
    assert.ok(!traceOf(b).some((e) => e.op === 'unpark'), 'no wake-up');
  });

  test(`${platform}: two single-threaded processes can both get in: each reads the lock byte 0 before the other stores 1`, () => {
    const s = story(platform, 'USYNC_THREAD');
    s.processes = [{ index: 0, key: '0x1234', threads: 1, program: 'app' }, { index: 1, key: '0x1234', threads: 1, program: 'other' }];
    const b = bench(s);
    const [x, y] = b.threads;
    b.mutex.lock(b.m, x!); // mutex_lock: reads mutex_type
    b.mutex.lock(b.m, x!); // reads mutex_lockw == 0 ... and is preempted before its store
    assert.ok(drive(b, y!, 'lock') > 0, 'the other process takes it the same way');
    assert.ok(drive(b, x!, 'lock') > 0, 'x stores 1 over it: both hold the mutex');
    assert.equal(owner(b), x!.ulwp);
    assert.equal(x!.lockRc, 0);
    assert.equal(y!.lockRc, 0);
  });

  test(`${platform}: a second instance of the same single-threaded program gets EDEADLK for a lock it never took`, () => {
    const b = bench(twins(platform, 1), true);
    const [first, second] = b.threads;
    assert.equal(first!.ulwp, second!.ulwp, 'no ASLR: the same ulwp_t address');
    drive(b, first!, 'lock');
    assert.equal(drive(b, second!, 'lock'), 3, 'mutex_type, mutex_lockw, mutex_owner: then it returns');
    assert.equal(second!.lockRc, EDEADLK);
    assert.equal(second!.state, RUNNABLE, 'returned, not asleep');
    assert.equal(owner(b), first!.ulwp, 'nothing changed in the mutex');
    assert.deepEqual(b.mutex.lockErrors!.map((e) => [e.pid, e.tid, e.error, e.owner]), [[1002, 1, 'EDEADLK', hex(first!.ulwp)]]);
    const err = traceOf(b).find((e) => e.op === 'lock_error')!;
    assert.equal(err.pid, 1002);
    assert.match(String(err.note), /^mutex_lock: EDEADLK/);
  });

  test(`${platform}: the program ignores EDEADLK: the run records it and the two instances share the critical section`, () => {
    const s = spec({ platform, mutexType: 'USYNC_THREAD', processCount: 2, key: '0x1234', cpus: 1, iterations: 50, seed: 3, processes: [{ program: 'app', threads: 1 }, { program: 'app', threads: 1 }] });
    let seen = 0;
    for (let seed = 1; seed <= 20 && seen === 0; seed++) {
      const { result: r, trace } = simulate({ ...s, seed }, { trace: true });
      const errors = r.evidence.lockErrors as { pid: number; tid: number; error: string }[] | undefined;
      if (!errors) continue;
      seen++;
      const events = [...trace].filter((e) => e.op === 'lock_error');
      assert.equal(events.length, errors.length, 'every EDEADLK is in the trace and in the evidence');
      assert.ok(errors.every((e) => e.error === 'EDEADLK'));
      assert.ok(r.mutualExclusion.maxHolders >= 2, 'it went into its critical section without the lock');
    }
    assert.ok(seen > 0, 'some seed of 20 interleaves a lock with the twin holding it');
  });

  test(`${platform}: before spinning, a locker whose own ulwp_t is mutex_owner goes straight to its sleep queue`, () => {
    const b = bench(twins(platform, 2, 2), true);
    const [a, , same] = b.threads; // pid 1002's thread 1 has the address of pid 1001's thread 1
    drive(b, a!, 'lock');
    assert.equal(drive(b, same!, 'lock'), -1);
    assert.equal(same!.state, BLOCKED);
    const own = traceOf(b).filter((e) => e.pid === 1002);
    assert.ok(!own.some((e) => e.op === 'spin' || e.op === 'deref' || e.op === 'owner_read'), 'no adaptive spin, no dereference');
    assert.match(same!.waitingIn, /sleep queue of pid 1002/);
  });

  test(`${platform}: libc sleep queues are mostly LIFO: the last thread to sleep is woken first`, () => {
    const s = story(platform, 'USYNC_THREAD');
    s.processes = [{ index: 0, key: '0x1234', threads: 3, program: 'app' }];
    const b = bench(s, true);
    const [t1, t2, t3] = b.threads;
    drive(b, t1!, 'lock');
    assert.equal(drive(b, t2!, 'lock'), -1);
    assert.equal(drive(b, t3!, 'lock'), -1);
    drive(b, t1!, 'unlock');
    assert.equal(t3!.state, RUNNABLE, 'enqueue() put the later sleeper at the head');
    assert.equal(t2!.state, BLOCKED);
  });
}

test('solaris10: every 16th enqueue on a queue head goes to the tail (thread_queue_fifo 4)', () => {
  const s = story('solaris10', 'USYNC_THREAD');
  s.processes = [{ index: 0, key: '0x1234', threads: 3, program: 'app' }];
  const b = bench(s);
  const [t1, t2, t3] = b.threads;
  const queues = (b.mutex as unknown as { queues: { enqueue(m: unknown, t: unknown): void; keys: string[] } }).queues;
  const key = queues.keys[0]!;
  // 13 enqueues of t2 on and off the queue bring qh_qcnt to 13; t2 is then the 14th (an empty
  // queue), t1 the 15th (LIFO: the head), t3 the 16th (FIFO: the tail)
  for (let i = 0; i < 13; i++) { queues.enqueue(b.m, t2!); b.m.unqueue(t2!); }
  queues.enqueue(b.m, t2!);
  queues.enqueue(b.m, t1!);
  queues.enqueue(b.m, t3!);
  const order = [b.m.dequeue(key), b.m.dequeue(key), b.m.dequeue(key)].map((t) => t!.tid);
  assert.deepEqual(order, [1, 2, 3], '15th at the head, 16th at the tail');
});

test('illumos USYNC_PROCESS: with 2 CPUs a contended locker spins in mutex_trylock_process before sleeping in the kernel; with 1 CPU it does not', () => {
  for (const cpus of [1, 2]) {
    const b = bench(story('illumos', 'USYNC_PROCESS', cpus), true);
    const [t1, , t3] = b.threads;
    drive(b, t1!, 'lock');
    assert.equal(drive(b, t3!, 'lock'), -1, 'sleeps in the kernel in the end');
    const own = traceOf(b).filter((e) => e.pid === 1002);
    const spins = own.filter((e) => e.op === 'spin' && e.note === 'mutex_trylock_process').length;
    const lockByteReads = own.filter((e) => e.op === 'read' && e.field === 'mutex_lockw' && e.note === 'mutex_trylock_process').length;
    if (cpus === 1) { assert.equal(spins, 0); assert.equal(lockByteReads, 0); }
    else { assert.equal(spins, 1); assert.equal(lockByteReads, 1000, 'ul_adaptive_spin reads of the lock byte'); }
    assert.ok(!own.some((e) => e.op === 'deref'), 'never dereferences the owner');
    assert.match(t3!.waitingIn, /lwp_mutex_timedlock: kernel sleep queue/);
  }
});

test('lwp_mutex_wakeup that finds no sleeper leaves the waiters byte alone', () => {
  const b = bench(story('solaris10', 'USYNC_PROCESS'), true);
  const t = b.threads[0]!;
  b.world.segment.backing.u8[14] = 1;
  lwpMutexWakeup(b.m, t, new SolarisNames(b.m), t.proc.mutexVa, 'lwpchan:shm=1:0');
  assert.equal(waitersByte(b), 1, '"if it fails, do not write into the waiter bit"');
  assert.ok(!traceOf(b).some((e) => e.op === 'write'));
});

test('watchpoints do not see the kernel\'s stores: lwp_mutex_timedlock and lwp_mutex_wakeup write the lock word unseen', () => {
  const s = spec({ preset: 'solaris10-fixed', seed: 3, tools: { watchpoint: { process: 'all', field: 'lockword' } } });
  const { result: r, trace } = simulate(s, { trace: true });
  const lockwordFields = new Set(['mutex_lockword', 'mutex_lockw', 'mutex_waiters']);
  const kernelFns = new Set(['lwp_mutex_timedlock', 'lwp_mutex_wakeup']);
  for (const w of r.evidence.watchpoints) {
    const own = [...trace].filter((e) => e.op === 'write' && e.pid === w.pid && lockwordFields.has(String(e.field)));
    const kernel = own.filter((e) => kernelFns.has(String(e.note)));
    assert.ok(kernel.length > 0, `pid ${w.pid}: the kernel stored to the lock word`);
    assert.equal(w.kernelWrites, kernel.length);
    assert.equal(w.fired, own.length - kernel.length, 'fired on user-level stores only');
  }
});

test('the 32-bit ul_schedctl pointer sits at 0xc8 in ulwp_t: a spinner of the same program reads its own thread\'s schedctl there', () => {
  const b = bench(twins('solaris10', 2), true);
  const [a, , , c] = b.threads;
  drive(b, a!, 'lock');
  drive(b, c!, 'lock');
  const deref = traceOf(b).find((e) => e.op === 'deref' && e.field === 'ul_schedctl' && e.pid === 1002)!;
  assert.equal(deref.addr, hex(a!.ulwp + 0xc8));
  assert.equal(deref.value, hex(b.threads[2]!.schedctl), 'pid 1002 thread 1\'s sc_shared_t, read through pid 1001\'s owner pointer');
});
