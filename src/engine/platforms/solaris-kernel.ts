// The kernel half of the Solaris / illumos mutex, as the solaris10, solaris9 and illumos
// platforms share it: lwp_mutex_timedlock (lwp_mutex_lock in Solaris 9) and lwp_mutex_wakeup.
// Each runs as one step of the calling thread, atomic under the lwpchan lock, as in the kernel.
// Their stores are the kernel's (m.kernel): a procfs watchpoint does not fire on them, since
// lwp_sobj.c disables watchpoints around its accesses (watch_disable_addr; pr_mappage in 2005).
// Which sleep queue (lwpchan) a mutex maps to is the platform's business: the caller passes
// the key, and the words a hang's verdict shows for a sleeper there.
import type { Machine } from '../machine/machine.js';
import type { SimThread } from '../machine/process.js';
import { MUTEX_LOCKW, MUTEX_OWNERPID, MUTEX_WAITERS } from './solaris-mutex.js';
import type { SolarisNames } from './solaris-names.js';

/** Where a sleeper waits: the lwpchan key and how a hang's verdict names the wait. */
export interface KernelQueue { key: string; waitingIn: string }

/**
 * lwp_mutex_timedlock on the mutex at `mp`: take the lock byte if it is free (and, with
 * `setOwnerPid`, set mutex_ownerpid as the USYNC_PROCESS path does) and return true; otherwise
 * set the waiters byte and sleep on the queue (a pending unpark lets it return at once, off
 * the queue again), and return false: the caller retries when the thread runs next.
 */
export function lwpMutexTimedlock(m: Machine, t: SimThread, n: SolarisNames, mp: number, q: KernelQueue, setOwnerPid: boolean): boolean {
  m.kernel = true;
  if (m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.lwp_mutex_timedlock) === 0) {
    if (setOwnerPid) m.store32(t, mp + MUTEX_OWNERPID, t.proc.pid, n.f_ownerpid, n.lwp_mutex_timedlock);
    m.kernel = false;
    return true;
  }
  m.store8(t, mp + MUTEX_WAITERS, 1, n.f_waiters, n.lwp_mutex_timedlock);
  m.kernel = false;
  m.enqueue(q.key, t);
  if (!m.park(t, q.waitingIn, mp, n.lwp_mutex_timedlock)) m.unqueue(t);
  return false;
}

/**
 * lwp_mutex_wakeup: dequeue one sleeper of `key` and unpark it. Only when one was found does
 * the kernel rewrite the waiters byte (to whether any are left): lwp_sobj.c says "if it fails,
 * do not write into the waiter bit" (the waiter may have got the lock on its retry and will
 * set the bit itself, or the memory may have been reused).
 */
export function lwpMutexWakeup(m: Machine, t: SimThread, n: SolarisNames, mp: number, key: string): void {
  const w = m.dequeue(key);
  if (w === null) return;
  m.kernel = true;
  m.store8(t, mp + MUTEX_WAITERS, m.queueLength(key) > 0 ? 1 : 0, n.f_waiters, n.lwp_mutex_wakeup);
  m.kernel = false;
  m.unpark(t, w, mp, n.lwp_mutex_wakeup);
}
