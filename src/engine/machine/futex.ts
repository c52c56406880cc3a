// Linux futexes on the simulated machine, as kernel/futex/core.c keys them. A PRIVATE futex
// (FUTEX_PRIVATE_FLAG) is keyed by (mm, virtual address): the same shared word seen by two
// processes gives two different keys, so a FUTEX_WAKE from one process never reaches a sleeper
// in the other. A SHARED futex is keyed by the backing object and offset (for System V shm:
// the segment and the offset in it), identical in every process that maps it.
// futex_wait compares the word and queues the caller atomically (under the hash-bucket lock):
// one step here, so no wake can slip between the check and the sleep.
import { hex } from './memory.js';
import type { Machine } from './machine.js';
import type { SimThread } from './process.js';

/** futex key of `va` in t's process: (mm, va) when private, (shmid, offset) when shared. */
export function futexKey(t: SimThread, va: number, shared: boolean): string {
  const p = t.proc;
  if (shared && p.segment !== null && va >= p.shmStart && va < p.shmStart + p.shmSize) {
    return `futex:shm=${p.segment.shmid}:${hex(va - p.shmStart)}`;
  }
  return `futex:mm=${p.pid}:${hex(va)}`;
}

export const EAGAIN = 11;

/**
 * FUTEX_WAIT: if the word at `va` still holds `expected`, queue t on `key` and sleep; otherwise
 * return EAGAIN at once. Returns 0 when t went to sleep (it runs again only after a wake).
 */
export function futexWait(m: Machine, t: SimThread, va: number, expected: number, key: string, field: number, fn: number, where: string): number {
  const now = m.load32(t, va, field, fn);
  if (now !== expected >>> 0) return EAGAIN;
  m.enqueue(key, t);
  if (!m.park(t, where, va, fn)) m.unqueue(t);
  return 0;
}

/** FUTEX_WAKE of at most `count` sleepers on `key`, on behalf of `by`; returns how many woke. */
export function futexWake(m: Machine, by: SimThread, va: number, key: string, count: number, fn: number): number {
  let woken = 0;
  while (woken < count) {
    const w = m.dequeue(key);
    if (w === null) break;
    m.unpark(by, w, va, fn);
    woken++;
  }
  return woken;
}
