// The single-threaded path of mutex_lock_impl and mutex_unlock (solaris10 and illumos, both
// the 2005 import of synch.c and today's): when the process never created a second thread
// (uberflags.uf_all == 0, set in thr.c only when a thread is created) and the mutex is a
// plain USYNC_THREAD one, libc takes it with a plain load and store ("Only one thread exists
// so we don't need an atomic operation"), returns EDEADLK when mutex_owner is the caller's
// own ulwp_t, and unlocks with plain stores of mutex_owner and the whole lock word and no
// wake-up ("there can be no waiters"). Another process sharing the mutex breaks every one of
// those assumptions: two plain read-then-write sequences can both get in, and a second
// instance of the same program (same ulwp_t address, no ASLR) gets EDEADLK for a lock it
// never took.
import { hex } from '../machine/memory.js';
import { OP } from '../machine/trace-buffer.js';
import type { Machine } from '../machine/machine.js';
import type { SimThread } from '../machine/process.js';
import type { LockError } from './platform.js';

export const EDEADLK = 45; // sys/errno.h on Solaris

/** Which processes never created a second thread (uf_all == 0), by process index. */
export function singleThreadedProcesses(m: Machine): boolean[] {
  return m.processes.map((p) => p.threads.length === 1);
}

/**
 * mutex_lock_impl returns EDEADLK: the lock byte is set and mutex_owner is t's own ulwp_t.
 * Recorded in the trace (lock_error) and in `errors`; lock() then finishes with t.lockRc set.
 */
export function returnEdeadlk(m: Machine, t: SimThread, mp: number, owner: number, fOwner: number, fn: number, errors: LockError[]): void {
  t.lockRc = EDEADLK;
  const reason = `mutex_owner ${hex(owner)} is this thread's own ulwp_t address, and the process has one thread, so libc takes it for a lock the thread already holds`;
  errors.push({ pid: t.proc.pid, tid: t.tid, t: m.now, error: 'EDEADLK', function: 'mutex_lock', owner: hex(owner), reason });
  if (m.tr !== null) { m.tr.push(OP.lock_error, t.gtid, t.cpu, m.now, mp, owner, NaN, fOwner, fn, true); m.tr.text(`EDEADLK: ${reason}`); }
}
