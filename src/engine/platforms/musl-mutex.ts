// musl's pthread_mutex_t on x86_64 as bytes, its _m_type bits and lock-word values, and what
// pthread_mutex_init writes; read from musl 1.2.3 to 1.2.5 (the mutex files are the same in
// those releases). See docs/musl-mutex.md for the walk through the source.
//
// The public type (include/alltypes.h.in) is a union of int[10], volatile int[10] and
// void *[5]; src/internal/pthread_impl.h names the slots it uses:
//   _m_type    __i[0]   offset 0   the attribute word, copied from pthread_mutexattr_t
//   _m_lock    __vi[1]  offset 4   the lock word
//   _m_waiters __vi[2]  offset 8   how many threads are between a_inc and a_dec around a futex wait
//   _m_count   __i[5]   offset 20  recursion count (and 0 after EOWNERDEAD)
//   _m_prev    __p[3]   offset 24  robust list links: addresses in the owner's own process
//   _m_next    __p[4]   offset 32
import { hex, type Segment } from '../machine/memory.js';
import type { Machine } from '../machine/machine.js';
import type { MutexSnapshot } from '../result.js';
import type { MutexType } from '../spec.js';
import type { MutexField } from './platform.js';

export const MUSL_MUTEX_SIZE = 40;
export const TYPE = 0, LOCK = 4, WAITERS = 8, COUNT = 20, PREV = 24, NEXT = 32;

/**
 * _m_type bits (pthread_mutexattr_settype / _setrobust / _setpshared): the type in bits 0-1
 * (0 = PTHREAD_MUTEX_NORMAL, the default), 4 = robust, 8 = priority inheritance, 128 = pshared.
 * `(type & 15) == 0` is the test for "normal, not robust, not PI" that every entry point makes first.
 */
export const TYPE_ROBUST = 4;
export const TYPE_PSHARED = 128;
export const TYPE_MASK = 15;

/**
 * The lock word. A NORMAL mutex stores EBUSY (16) when taken: no owner is recorded anywhere.
 * Every other type stores the owner's TID; both kinds add 0x80000000 when a waiter is about to
 * sleep, and the robust ones 0x40000000 when the owner died (the kernel's FUTEX_OWNER_DIED).
 */
export const EBUSY = 16;
export const WAITER_BIT = 0x80000000;
export const OWNER_DIED = 0x40000000;
export const TID_MASK = 0x3fffffff;
/** What an unlock stores when the owner never called pthread_mutex_consistent: not recoverable. */
export const NOT_RECOVERABLE = 0x7fffffff;

/**
 * The futex op's private flag. musl computes `priv = (type & 128) ^ 128`: 128 (FUTEX_PRIVATE) for
 * a process-private mutex, 0 for a pshared one, and passes it to every futex wait and wake.
 */
export const FUTEX_PRIVATE = 128;

/** The spin before the first futex wait: `int spins = 100` in __pthread_mutex_timedlock. */
export const SPINS = 100;

/**
 * Where the watchpoint tool looks. musl keeps no owner field: for a NORMAL mutex the owner is
 * nowhere, for the other types it is the TID in _m_lock. All three names watch _m_lock.
 */
export const MUSL_FIELDS: Record<'owner' | 'lockword' | 'ownerpid', MutexField> = {
  owner: { offset: LOCK, size: 4, name: '_m_lock' },
  lockword: { offset: LOCK, size: 4, name: '_m_lock' },
  ownerpid: { offset: LOCK, size: 4, name: '_m_lock' },
};

/**
 * pthread_mutex_init (src/thread/pthread_mutex_init.c): zero the object, then copy the
 * attribute word into _m_type. Unlike glibc, robust does not imply pshared: a robust private
 * mutex is _m_type 4, and stays keyed by private futexes.
 */
export function muslInit(seg: Segment, offset: number, type: MutexType, robust: boolean): void {
  seg.backing.u8.fill(0, offset, offset + MUSL_MUTEX_SIZE);
  const shared = type === 'PTHREAD_PROCESS_SHARED' || type === 'USYNC_PROCESS';
  seg.backing.u32[(offset + TYPE) >>> 2] = (robust ? TYPE_ROBUST : 0) | (shared ? TYPE_PSHARED : 0);
}

export function muslSnapshot(seg: Segment, offset: number): MutexSnapshot {
  const u = seg.backing.u32;
  const w = (o: number) => u[(offset + o) >>> 2]!;
  const ptr = (o: number) => hex(w(o) + w(o + 4) * 4294967296);
  const type = w(TYPE);
  const lock = w(LOCK);
  const robust = (type & TYPE_ROBUST) !== 0;
  return {
    _m_type: hex(type),
    _m_lock: hex(lock),
    _m_waiters: w(WAITERS) | 0,
    _m_count: w(COUNT) | 0,
    _m_prev: ptr(PREV),
    _m_next: ptr(NEXT),
    pshared: type & TYPE_PSHARED ? 1 : 0,
    robust: robust ? 1 : 0,
    // the words decoded: who holds it (robust: a TID; normal: nobody is recorded), the flag bits
    ...(robust ? { lockOwnerTid: lock & TID_MASK, ownerDied: lock & OWNER_DIED ? 1 : 0 } : { held: lock & TID_MASK ? 1 : 0 }),
    waiterBit: lock & WAITER_BIT ? 1 : 0,
  };
}

/** Interned trace names of the musl platform. */
export class MuslNames {
  readonly f_type: number; readonly f_lock: number; readonly f_waiters: number; readonly f_count: number; readonly f_prev: number; readonly f_next: number;
  readonly mutex_lock: number; readonly timedlock: number; readonly trylock: number; readonly trylock_owner: number; readonly timedwait: number;
  readonly mutex_unlock: number; readonly wake: number; readonly consistent: number; readonly handle_futex_death: number;

  constructor(m: Machine) {
    const k = (s: string) => m.name(s);
    this.f_type = k('_m_type'); this.f_lock = k('_m_lock'); this.f_waiters = k('_m_waiters'); this.f_count = k('_m_count');
    this.f_prev = k('_m_prev'); this.f_next = k('_m_next');
    this.mutex_lock = k('__pthread_mutex_lock'); this.timedlock = k('__pthread_mutex_timedlock'); this.trylock = k('__pthread_mutex_trylock');
    this.trylock_owner = k('__pthread_mutex_trylock_owner'); this.timedwait = k('__timedwait');
    this.mutex_unlock = k('__pthread_mutex_unlock'); this.wake = k('__wake'); this.consistent = k('pthread_mutex_consistent');
    this.handle_futex_death = k('handle_futex_death');
  }
}
