// glibc's pthread_mutex_t on x86_64 as bytes (sysdeps/x86/nptl/bits/struct_mutex.h), its
// __kind bits and robust lock-word flags (sysdeps/nptl/pthreadP.h, linux/futex.h), and what
// pthread_mutex_init writes. See shared/reference/glibc-mutex.md.
import { hex, type Segment } from '../machine/memory.js';
import type { Machine } from '../machine/machine.js';
import type { SimThread } from '../machine/process.js';
import type { MutexSnapshot } from '../result.js';
import type { MutexType } from '../spec.js';
import type { MutexField } from './platform.js';

export const MUTEX_SIZE = 40;
export const LOCK = 0;      // int __lock
export const COUNT = 4;     // unsigned __count
export const OWNER = 8;     // int __owner: kernel TID
export const NUSERS = 12;   // unsigned __nusers
export const KIND = 16;     // int __kind
export const SPINS = 20;    // short __spins (+ short __elision)
export const LIST_PREV = 24, LIST_NEXT = 32;

/** __kind: type in bits 0-1 (0 = PTHREAD_MUTEX_TIMED_NP, the default), robust 16, pshared 128. */
export const KIND_MASK_NP = 3;
export const ELISION_FLAGS_NP = 256 | 512;
export const ROBUST_NORMAL_NP = 16;
export const PSHARED_BIT = 128;

/** Robust lock word: owner TID plus these flags (linux/futex.h). */
export const FUTEX_WAITERS = 0x80000000;
export const FUTEX_OWNER_DIED = 0x40000000;
export const FUTEX_TID_MASK = 0x3fffffff;

/** __owner values of a robust mutex whose owner died (pthreadP.h: INT_MAX, INT_MAX - 1). */
export const MUTEX_INCONSISTENT = 0x7fffffff;
export const MUTEX_NOTRECOVERABLE = 0x7ffffffe;

export const EOWNERDEAD = 130;

export const GLIBC_FIELDS: Record<'owner' | 'lockword' | 'ownerpid', MutexField> = {
  owner: { offset: OWNER, size: 4, name: '__owner' },
  lockword: { offset: LOCK, size: 4, name: '__lock' },
  // glibc keeps no owner pid; __owner is the TID, which for a main thread IS the pid
  ownerpid: { offset: OWNER, size: 4, name: '__owner' },
};

/**
 * pthread_mutex_init: zero 40 bytes, then __kind. A robust mutex gets the PSHARED bit even when
 * the attribute says private: the kernel wakes robust waiters with shared futexes at exit.
 */
export function glibcInit(seg: Segment, offset: number, type: MutexType, robust: boolean): void {
  seg.backing.u8.fill(0, offset, offset + MUTEX_SIZE);
  const shared = type === 'PTHREAD_PROCESS_SHARED' || type === 'USYNC_PROCESS';
  seg.backing.u32[(offset + KIND) >>> 2] = (robust ? ROBUST_NORMAL_NP : 0) | (shared || robust ? PSHARED_BIT : 0);
}

export function glibcSnapshot(seg: Segment, offset: number): MutexSnapshot {
  const u = seg.backing.u32;
  const w = (o: number) => u[(offset + o) >>> 2]!;
  const lock = w(LOCK);
  const kind = w(KIND);
  return {
    __lock: hex(lock),
    __count: w(COUNT),
    __owner: w(OWNER) | 0,
    __nusers: w(NUSERS),
    __kind: hex(kind),
    __spins: w(SPINS) & 0xffff,
    pshared: kind & PSHARED_BIT ? 1 : 0,
    robust: kind & ROBUST_NORMAL_NP ? 1 : 0,
    ...(kind & ROBUST_NORMAL_NP ? { lockOwnerTid: lock & FUTEX_TID_MASK, ownerDied: lock & FUTEX_OWNER_DIED ? 1 : 0, waiters: lock & FUTEX_WAITERS ? 1 : 0 } : {}),
  };
}

/**
 * Kernel TIDs as Linux hands them out to forked single-process programs: the main thread's TID
 * is the pid, further threads get pid + 100 * j here (unique for the pids the simulator uses,
 * 1001..1064), so a TID names one thread of one process across the whole machine.
 */
export function linuxTid(t: SimThread): number { return t.proc.pid + 100 * (t.tid - 1); }

/** Interned trace names of the glibc platforms. */
export class GlibcNames {
  readonly f_lock: number; readonly f_owner: number; readonly f_nusers: number; readonly f_kind: number; readonly f_count: number;
  readonly pthread_mutex_lock: number; readonly lll_mutex_lock_optimized: number; readonly lll_lock: number;
  readonly lll_lock_wait: number; readonly lll_lock_wait_private: number;
  readonly pthread_mutex_unlock: number; readonly lll_mutex_unlock_optimized: number; readonly lll_unlock: number;
  readonly lll_lock_wake: number; readonly lll_lock_wake_private: number;
  readonly lock_full: number; readonly unlock_full: number; readonly consistent: number; readonly handle_futex_death: number;

  constructor(m: Machine) {
    const k = (s: string) => m.name(s);
    this.f_lock = k('__lock'); this.f_owner = k('__owner'); this.f_nusers = k('__nusers'); this.f_kind = k('__kind'); this.f_count = k('__count');
    this.pthread_mutex_lock = k('___pthread_mutex_lock'); this.lll_mutex_lock_optimized = k('lll_mutex_lock_optimized'); this.lll_lock = k('lll_lock');
    this.lll_lock_wait = k('__lll_lock_wait'); this.lll_lock_wait_private = k('__lll_lock_wait_private');
    this.pthread_mutex_unlock = k('__pthread_mutex_unlock_usercnt'); this.lll_mutex_unlock_optimized = k('lll_mutex_unlock_optimized');
    this.lll_unlock = k('lll_unlock'); this.lll_lock_wake = k('__lll_lock_wake'); this.lll_lock_wake_private = k('__lll_lock_wake_private');
    this.lock_full = k('__pthread_mutex_lock_full'); this.unlock_full = k('__pthread_mutex_unlock_full');
    this.consistent = k('pthread_mutex_consistent'); this.handle_futex_death = k('handle_futex_death');
  }
}
