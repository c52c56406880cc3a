// libc's own sleep queues for a USYNC_THREAD mutex (solaris10 and illumos): one per process,
// hashed by the mutex's VIRTUAL address, so only threads of the same process can be found
// there. mutex_lock_queue puts the caller on it and parks; mutex_wakeup takes one off.
import { hex } from '../machine/memory.js';
import type { Machine } from '../machine/machine.js';
import type { SimProcess, SimThread } from '../machine/process.js';
import { MUTEX_WAITERS, userQueueKey } from './solaris-mutex.js';
import type { SolarisNames } from './solaris-names.js';

/** A process's queue for its mutex: the key, and how a hang's verdict names a sleeper there. */
export function userQueue(p: SimProcess): { key: string; waitingIn: string } {
  return { key: userQueueKey(p.pid, p.mutexVa), waitingIn: `mutex_lock_queue (lwp_park): sleep queue of pid ${p.pid} for mutex ${hex(p.mutexVa)}` };
}

/**
 * mutex_wakeup: dequeue the first sleeper of `key` and set the waiters byte to whether others
 * remain. Returns the sleeper (the caller unparks it in its next step), or null.
 */
export function mutexWakeup(m: Machine, t: SimThread, n: SolarisNames, mp: number, key: string): SimThread | null {
  const w = m.dequeue(key);
  if (w === null) return null;
  m.store8(t, mp + MUTEX_WAITERS, m.queueLength(key) > 0 ? 1 : 0, n.f_waiters, n.mutex_wakeup);
  return w;
}
