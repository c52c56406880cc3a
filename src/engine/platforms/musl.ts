// musl 1.2's pthread mutex as a step program, for PTHREAD_MUTEX_NORMAL (the default type) and
// its robust variant, private or pshared. Source: src/thread/pthread_mutex_lock.c,
// pthread_mutex_timedlock.c, pthread_mutex_trylock.c, pthread_mutex_unlock.c,
// pthread_mutex_consistent.c, src/thread/__timedwait.c and the __wake / __futexwait inlines of
// src/internal/pthread_impl.h (musl 1.2.3 to 1.2.5: identical). The facts, in our words:
//
// - Every path that takes the lock is an atomic instruction (a_cas; a_swap to release). There is
//   no single-threaded shortcut with plain stores as in glibc 2.34+: musl's `libc.need_locks`
//   only skips its own internal locks, never a pthread_mutex. So two processes can never both
//   take the mutex, whatever its pshared attribute.
// - NORMAL type, lock: `a_cas(&_m_lock, 0, EBUSY)` (__pthread_mutex_lock). On failure,
//   __pthread_mutex_timedlock tries again (its own a_cas, then __pthread_mutex_trylock's), spins
//   up to 100 times while _m_lock is non-zero and _m_waiters is 0, then loops: trylock; read
//   _m_lock (retry at once if it is 0); a_inc(&_m_waiters); a_cas the word from r to
//   r | 0x80000000; __timedwait(&_m_lock, r | 0x80000000, priv) = FUTEX_WAIT; a_dec(&_m_waiters).
// - NORMAL type, unlock (__pthread_mutex_unlock): read _m_waiters FIRST, then a_swap(_m_lock, 0),
//   then __wake(&_m_lock, 1, priv) = FUTEX_WAKE of one if waiters was non-zero or the old word
//   had 0x80000000. No owner check at all: an unlock by a thread that does not hold a NORMAL
//   mutex simply releases it (EPERM is returned only for the other types).
// - `priv = (_m_type & 128) ^ 128`: a process-private mutex waits and wakes with FUTEX_PRIVATE
//   (128), which the kernel keys by (address space, virtual address). A waiter in process B
//   sleeps on B's key; the FUTEX_WAKE of an unlock in process A goes to A's key. The lock word is
//   free again and _m_waiters still counts the sleeper, but nothing ever wakes it: a lost
//   wake-up, the one way musl fails across processes.
// - Robust (_m_type & 4) goes through __pthread_mutex_trylock_owner: _m_lock holds the owner's
//   TID (| 0x80000000 if _m_waiters was seen, | 0x40000000 kept from a dead owner), and the
//   mutex is linked into the thread's robust list through _m_prev / _m_next. Only for a
//   PSHARED robust mutex does musl give that list to the kernel (set_robust_list, on the first
//   such lock); a private robust mutex is recovered by musl itself in pthread_exit, never when
//   the process is killed. After a death the kernel (handle_futex_death) sets 0x40000000 and
//   wakes one waiter on the shared futex key; the next trylock_owner takes the word with
//   0x40000000 still in it and returns EOWNERDEAD, and pthread_mutex_consistent clears the bit
//   (a_and). An unlock that still sees the bit stores 0x7fffffff: not recoverable.
// Stores to thread-private memory (the robust list head, `pending`) are not memory steps here:
// no other thread can see them.
import { hex } from '../machine/memory.js';
import { OP } from '../machine/trace-buffer.js';
import { futexKey, futexWait, futexWake } from '../machine/futex.js';
import { FUTEX_ENTRY_STEPS, FUTEX_EXIT_STEPS } from '../machine/syscall-cost.js';
import { HOST_STALLS } from '../machine/stalls.js';
import type { Machine } from '../machine/machine.js';
import type { SimProcess, SimThread } from '../machine/process.js';
import type { Spec } from '../spec.js';
import { DONE, RUNNING, type MutexProgram, type PlatformDefinition, type Recovery } from './platform.js';
import { linuxTid } from './glibc-mutex.js';
import { POSIX_CONSISTENT, POSIX_ROBUST_INIT } from '../verdicts/words.js';
import {
  COUNT, EBUSY, LOCK, MUSL_FIELDS, MUSL_MUTEX_SIZE, MuslNames, NEXT, NOT_RECOVERABLE, OWNER_DIED, PREV, SPINS, TID_MASK, TYPE,
  TYPE_MASK, TYPE_PSHARED, TYPE_ROBUST, WAITERS, WAITER_BIT, muslInit, muslSnapshot,
} from './musl-mutex.js';

/** Where the simulator puts a thread's robust_list.head (inside musl's struct pthread): its per-thread structure. */
const ROBUST_HEAD = 0x40;

// Lock program counters. Registers: r0 = _m_type, r1 = the lock word last read (r / old), count = spins left.
const L_ENTRY = 0, L_CAS = 1, T_CAS = 2, T_TRY = 3, S_LOCK = 4, S_WAITERS = 5, W_TRY = 6, W_LOAD = 7, W_INC = 8, W_FLAG = 9,
  W_FUTEX = 10, W_DEC = 11, O_LOAD = 12, O_WAITERS = 13, O_CAS = 14, O_NEXT = 15, O_PREV = 16, O_COUNT = 17, C_LOAD = 18, C_AND = 19;
// Unlock program counters. Registers: r0 = _m_type, count = _m_waiters as read first, r1 = old word / what the swap returned.
const U_ENTRY = 0, U_TYPE = 1, U_SWAP = 2, U_WAKE = 3, R_LOAD = 4, R_PREV = 5, R_NEXT = 6, R_SWAP = 7;

/** Which trylock_owner call a thread is in: the first (before the spin) or one in the wait loop. */
const FIRST_TRY = 0, LOOP_TRY = 1;

/** What the musl program counts per process for the verdict: futex sleeps, FUTEX_WAKE calls, and the threads those woke. */
export interface MuslFutexCounts {
  readonly futexSleeps: Int32Array;
  readonly futexWakes: Int32Array;
  readonly futexWoken: Int32Array;
}

export const hasFutexCounts = (p: MutexProgram): p is MutexProgram & MuslFutexCounts => 'futexSleeps' in p;

class MuslMutex implements MutexProgram, MuslFutexCounts {
  private readonly n: MuslNames;
  private readonly tids: Int32Array;
  /** set_robust_list was called (musl does it on the thread's first PSHARED robust lock), by gtid. */
  private readonly registered: Uint8Array;
  /** The mutex is on the thread's robust list, by gtid; `pending` is set around the CAS and the unlink. */
  private readonly listed: Uint8Array;
  private readonly pending: Uint8Array;
  /** FIRST_TRY or LOOP_TRY, by gtid (where a busy trylock_owner returns to). */
  private readonly tryFrom: Uint8Array;
  /** The word the kernel left after a death, as the next owner's trylock_owner read it, by gtid. */
  private readonly deadWord: Float64Array;
  recoveries: Recovery[] = [];
  readonly futexSleeps: Int32Array;
  readonly futexWakes: Int32Array;
  readonly futexWoken: Int32Array;

  constructor(m: Machine) {
    this.n = new MuslNames(m);
    this.tids = Int32Array.from(m.threads, linuxTid);
    const n = this.tids.length;
    this.registered = new Uint8Array(n); this.listed = new Uint8Array(n); this.pending = new Uint8Array(n);
    this.tryFrom = new Uint8Array(n); this.deadWord = new Float64Array(n);
    const procs = m.processes.length;
    this.futexSleeps = new Int32Array(procs); this.futexWakes = new Int32Array(procs); this.futexWoken = new Int32Array(procs);
  }

  reset(): void {
    this.recoveries = [];
    this.registered.fill(0); this.listed.fill(0); this.pending.fill(0); this.tryFrom.fill(0); this.deadWord.fill(0);
    this.futexSleeps.fill(0); this.futexWakes.fill(0); this.futexWoken.fill(0);
  }

  /** FUTEX_PRIVATE unless _m_type has 128: (mm, va) for a private mutex, (segment, offset) for a pshared one. */
  private key(t: SimThread): string { return futexKey(t, t.proc.mutexVa + LOCK, (t.r0 & TYPE_PSHARED) !== 0); }

  lock(m: Machine, t: SimThread): number {
    const n = this.n;
    const mp = t.proc.mutexVa;
    switch (t.pc) {
      case L_ENTRY: // (m->_m_type & 15) == PTHREAD_MUTEX_NORMAL: the type word never changes, later reads of it are not steps here
        if (m.tr !== null) m.tr.push(OP.lock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, n.mutex_lock);
        t.r0 = m.load32(t, mp + TYPE, n.f_type, n.mutex_lock);
        if ((t.r0 & TYPE_MASK) === 0) { t.pc = L_CAS; return RUNNING; }
        this.tryFrom[t.gtid] = FIRST_TRY;
        t.pc = O_LOAD;
        return RUNNING;
      // ---- NORMAL: three CAS attempts before the spin ---------------------------------------
      case L_CAS: // __pthread_mutex_lock: a_cas(&m->_m_lock, 0, EBUSY)
        t.pc = m.cas32(t, mp + LOCK, 0, EBUSY, n.f_lock, n.mutex_lock) === 0 ? 0 : T_CAS;
        return t.pc === 0 ? DONE : RUNNING;
      case T_CAS: // __pthread_mutex_timedlock repeats the same fast path
        t.pc = m.cas32(t, mp + LOCK, 0, EBUSY, n.f_lock, n.timedlock) === 0 ? 0 : T_TRY;
        return t.pc === 0 ? DONE : RUNNING;
      case T_TRY: // r = __pthread_mutex_trylock(m): for NORMAL, a_cas(&_m_lock, 0, EBUSY) & EBUSY
        if (m.cas32(t, mp + LOCK, 0, EBUSY, n.f_lock, n.trylock) === 0) { t.pc = 0; return DONE; }
        this.startSpin(t);
        return RUNNING;
      // ---- the spin: while (spins-- && m->_m_lock && !m->_m_waiters) a_spin(); ---------------
      case S_LOCK:
        t.pc = m.load32(t, mp + LOCK, n.f_lock, n.timedlock) !== 0 ? S_WAITERS : W_TRY;
        return RUNNING;
      case S_WAITERS:
        if (m.load32(t, mp + WAITERS, n.f_waiters, n.timedlock) !== 0 || --t.count <= 0) t.pc = W_TRY;
        else t.pc = S_LOCK;
        return RUNNING;
      // ---- while ((r = __pthread_mutex_trylock(m)) == EBUSY) { ... } ---------------------------
      case W_TRY:
        if ((t.r0 & TYPE_MASK) !== 0) { this.tryFrom[t.gtid] = LOOP_TRY; t.pc = O_LOAD; return RUNNING; }
        t.pc = m.cas32(t, mp + LOCK, 0, EBUSY, n.f_lock, n.trylock) === 0 ? 0 : W_LOAD;
        return t.pc === 0 ? DONE : RUNNING;
      case W_LOAD: { // r = m->_m_lock; own = r & 0x3fffffff; if (!own && (!r || (type&4))) continue;
        const r = m.load32(t, mp + LOCK, n.f_lock, n.timedlock) >>> 0;
        t.r1 = r;
        t.pc = (r & TID_MASK) === 0 && (r === 0 || (t.r0 & TYPE_ROBUST) !== 0) ? W_TRY : W_INC;
        return RUNNING;
      }
      case W_INC: // a_inc(&m->_m_waiters)
        m.add32(t, mp + WAITERS, 1, n.f_waiters, n.timedlock);
        t.pc = W_FLAG;
        return RUNNING;
      case W_FLAG: // t = r | 0x80000000; a_cas(&m->_m_lock, r, t): its result is not checked
        m.cas32(t, mp + LOCK, t.r1, (t.r1 | WAITER_BIT) >>> 0, n.f_lock, n.timedlock);
        t.pc = W_FUTEX;
        m.spend(t, FUTEX_ENTRY_STEPS); // the kernel reads _m_lock only after the system call's entry
        return RUNNING;
      case W_FUTEX: { // __timedwait(&m->_m_lock, t, CLOCK_REALTIME, 0, priv): FUTEX_WAIT, no timeout
        const key = this.key(t);
        const priv = (t.r0 & TYPE_PSHARED) === 0;
        t.pc = W_DEC;
        const slept = futexWait(m, t, mp + LOCK, (t.r1 | WAITER_BIT) >>> 0, key, n.f_lock, n.timedwait,
          `futex_wait in __timedwait on ${priv ? 'private (FUTEX_PRIVATE)' : 'shared'} futex ${key} (_m_lock at ${hex(mp)}, waiting for it to change from ${hex((t.r1 | WAITER_BIT) >>> 0)})`);
        if (slept === 0) this.futexSleeps[t.proc.index]!++;
        m.spend(t, FUTEX_EXIT_STEPS); // back to user space (after the wake-up, if it slept)
        return RUNNING;
      }
      case W_DEC: // a_dec(&m->_m_waiters); a wake-up or a changed word: back to trylock
        m.add32(t, mp + WAITERS, -1, n.f_waiters, n.timedlock);
        t.pc = W_TRY;
        return RUNNING;
      // ---- __pthread_mutex_trylock_owner (every type but NORMAL; here: robust) ----------------
      case O_LOAD: { // old = m->_m_lock; own = old & 0x3fffffff
        const old = m.load32(t, mp + LOCK, n.f_lock, n.trylock_owner) >>> 0;
        t.r1 = old;
        const own = old & TID_MASK;
        // own == tid (a relock by the owner) cannot happen in this workload; 0x3fffffff = ENOTRECOVERABLE
        if (own === TID_MASK) { t.lockRc = 131; t.pc = 0; return DONE; }
        if (own !== 0 || (old !== 0 && (t.r0 & TYPE_ROBUST) === 0)) { this.busy(t); return RUNNING; }
        if (t.r0 & TYPE_PSHARED) {
          // the first PSHARED robust lock of this thread registers its list: set_robust_list
          this.registered[t.gtid] = 1;
          t.pc = O_WAITERS;
        } else t.pc = O_CAS;
        t.count = 0;
        return RUNNING;
      }
      case O_WAITERS: // PSHARED: if (m->_m_waiters) tid |= 0x80000000; robust_list.pending = &m->_m_next
        t.count = m.load32(t, mp + WAITERS, n.f_waiters, n.trylock_owner) !== 0 ? WAITER_BIT : 0;
        this.pending[t.gtid] = 1;
        t.pc = O_CAS;
        return RUNNING;
      case O_CAS: { // tid |= old & 0x40000000; a_cas(&m->_m_lock, old, tid)
        const tid = (this.tids[t.gtid]! | t.count | (t.r1 & OWNER_DIED)) >>> 0;
        if (m.cas32(t, mp + LOCK, t.r1, tid, n.f_lock, n.trylock_owner) >>> 0 !== t.r1) {
          this.pending[t.gtid] = 0;
          this.busy(t);
          return RUNNING;
        }
        this.deadWord[t.gtid] = t.r1;
        t.r1 = tid;
        t.pc = O_NEXT;
        return RUNNING;
      }
      case O_NEXT: // m->_m_next = self->robust_list.head (empty list: the head's own address)
        m.store64(t, mp + NEXT, t.ulwp + ROBUST_HEAD, n.f_next, n.trylock_owner);
        t.pc = O_PREV;
        return RUNNING;
      case O_PREV: { // m->_m_prev = &self->robust_list.head; head = &m->_m_next; pending = 0
        m.store64(t, mp + PREV, t.ulwp + ROBUST_HEAD, n.f_prev, n.trylock_owner);
        this.listed[t.gtid] = 1;
        this.pending[t.gtid] = 0;
        if (this.deadWord[t.gtid] !== 0) { t.pc = O_COUNT; return RUNNING; }
        t.pc = 0;
        return DONE;
      }
      case O_COUNT: // if (old) { m->_m_count = 0; return EOWNERDEAD; }
        m.store32(t, mp + COUNT, 0, n.f_count, n.trylock_owner);
        if (m.tr !== null) { m.tr.push(OP.acquired, t.gtid, t.cpu, m.now, mp, this.deadWord[t.gtid]!, NaN, n.f_lock, n.trylock_owner); m.tr.text(`EOWNERDEAD: _m_lock was ${hex(this.deadWord[t.gtid]!)} (0x40000000: the owner died)`); }
        t.pc = C_LOAD;
        return RUNNING;
      // ---- the application after EOWNERDEAD: pthread_mutex_consistent ------------------------
      case C_LOAD: // old = m->_m_lock; robust, owned by us, 0x40000000 set (else EINVAL / EPERM)
        t.r1 = m.load32(t, mp + LOCK, n.f_lock, n.consistent) >>> 0;
        t.pc = C_AND;
        return RUNNING;
      case C_AND: { // a_and(&m->_m_lock, ~0x40000000): one atomic read-modify-write, here a CAS that retries if the word moved
        const old = t.r1;
        if (m.cas32(t, mp + LOCK, old, (old & ~OWNER_DIED) >>> 0, n.f_lock, n.consistent) >>> 0 !== old) { t.pc = C_LOAD; return RUNNING; }
        const tid = this.tids[t.gtid]!;
        this.recoveries.push({ index: t.proc.index, pid: t.proc.pid, tid, t: m.now, lockWord: hex(old), lockWordBefore: hex(this.deadWord[t.gtid]!), consistentRc: 0 });
        this.deadWord[t.gtid] = 0;
        t.pc = 0;
        return DONE;
      }
      default:
        throw new Error(`musl lock: bad pc ${t.pc}`);
    }
  }

  private startSpin(t: SimThread): void {
    t.count = SPINS;
    t.pc = S_LOCK;
  }

  /** trylock_owner said EBUSY: the first call goes on to the spin, one in the loop to the wait. */
  private busy(t: SimThread): void {
    if (this.tryFrom[t.gtid] === FIRST_TRY) this.startSpin(t);
    else t.pc = W_LOAD;
  }

  unlock(m: Machine, t: SimThread): number {
    const n = this.n;
    const mp = t.proc.mutexVa;
    switch (t.pc) {
      case U_ENTRY: // int waiters = m->_m_waiters: read before the lock word is released
        if (m.tr !== null) m.tr.push(OP.unlock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, n.mutex_unlock);
        t.count = m.load32(t, mp + WAITERS, n.f_waiters, n.mutex_unlock);
        t.pc = U_TYPE;
        return RUNNING;
      case U_TYPE:
        t.r0 = m.load32(t, mp + TYPE, n.f_type, n.mutex_unlock);
        t.r1 = 0;
        t.pc = (t.r0 & TYPE_MASK) === 0 ? U_SWAP : R_LOAD;
        return RUNNING;
      case U_SWAP: // cont = a_swap(&m->_m_lock, 0): no owner check for NORMAL
        t.r1 = m.swap32(t, mp + LOCK, 0, n.f_lock, n.mutex_unlock);
        return this.afterSwap(m, t);
      case U_WAKE: // __wake(&m->_m_lock, 1, priv): FUTEX_WAKE of one, on the caller's key
        this.futexWakes[t.proc.index]!++;
        this.futexWoken[t.proc.index]! += futexWake(m, t, mp + LOCK, this.key(t), 1, n.wake);
        m.spend(t, FUTEX_EXIT_STEPS);
        t.pc = 0;
        return DONE;
      // ---- robust: own == self->tid (else EPERM), unlink from the robust list, then the swap ----
      case R_LOAD: {
        const old = m.load32(t, mp + LOCK, n.f_lock, n.mutex_unlock) >>> 0;
        if ((old & TID_MASK) !== this.tids[t.gtid]) { t.pc = 0; return DONE; } // EPERM: never in this workload
        // if ((type&4) && (old&0x40000000)) new = 0x7fffffff: the owner never made it consistent
        t.r1 = old & OWNER_DIED ? NOT_RECOVERABLE : 0;
        if (t.r0 & TYPE_PSHARED) this.pending[t.gtid] = 1;
        t.pc = R_PREV;
        return RUNNING;
      }
      case R_PREV: // prev = m->_m_prev (the stores through it go to this thread's own memory)
        m.load64(t, mp + PREV, n.f_prev, n.mutex_unlock);
        t.pc = R_NEXT;
        return RUNNING;
      case R_NEXT:
        m.load64(t, mp + NEXT, n.f_next, n.mutex_unlock);
        this.listed[t.gtid] = 0;
        t.pc = R_SWAP;
        return RUNNING;
      case R_SWAP: // cont = a_swap(&m->_m_lock, new); robust_list.pending = 0
        t.r1 = m.swap32(t, mp + LOCK, t.r1, n.f_lock, n.mutex_unlock);
        this.pending[t.gtid] = 0;
        return this.afterSwap(m, t);
      default:
        throw new Error(`musl unlock: bad pc ${t.pc}`);
    }
  }

  /** if (waiters || cont < 0) __wake(...) */
  private afterSwap(m: Machine, t: SimThread): number {
    if (t.count !== 0 || (t.r1 & WAITER_BIT) !== 0) { t.pc = U_WAKE; m.spend(t, FUTEX_ENTRY_STEPS); return RUNNING; }
    t.pc = 0;
    return DONE;
  }

  /**
   * The kernel's exit-time walk of each dead thread's robust list (kernel/futex/core.c,
   * handle_futex_death), for threads that registered one: musl registers only on a PSHARED
   * robust lock. If _m_lock still names the thread: keep 0x80000000, set 0x40000000, and wake one
   * waiter on the SHARED futex key if the waiter bit was set. A pending entry (mid-lock or
   * mid-unlock) whose word is 0 also gets a waiter woken.
   */
  processDied(m: Machine, p: SimProcess): void {
    m.kernel = true; // the kernel's stores: a watchpoint does not see them
    for (const t of p.threads) {
      if (!this.registered[t.gtid] || (!this.listed[t.gtid] && !this.pending[t.gtid])) continue;
      const wasPending = this.pending[t.gtid] === 1;
      this.listed[t.gtid] = 0;
      this.pending[t.gtid] = 0;
      const va = p.mutexVa + LOCK;
      const key = futexKey(t, va, true);
      const uval = m.load32(t, va, this.n.f_lock, this.n.handle_futex_death) >>> 0;
      if (wasPending && uval === 0) { futexWake(m, t, va, key, 1, this.n.handle_futex_death); continue; }
      if ((uval & TID_MASK) !== this.tids[t.gtid]) continue;
      const mval = ((uval & WAITER_BIT) | OWNER_DIED) >>> 0;
      if (m.cas32(t, va, uval, mval, this.n.f_lock, this.n.handle_futex_death) >>> 0 !== uval) continue;
      if (uval & WAITER_BIT) futexWake(m, t, va, key, 1, this.n.handle_futex_death);
    }
    m.kernel = false;
  }
}

export const musl12: PlatformDefinition = {
  name: 'musl-1.2',
  title: 'musl 1.2 (Linux; the mutex code of musl 1.2.3 to 1.2.5)',
  mutexSize: MUSL_MUTEX_SIZE,
  fields: MUSL_FIELDS,
  ownerField: { name: '_m_lock', meaning: 'the lock word: EBUSY (16) for a held NORMAL mutex (no owner recorded), the owner\'s TID for a robust one' },
  init: muslInit,
  create: (m: Machine, _spec: Spec) => new MuslMutex(m),
  snapshot: muslSnapshot,
  stalls: HOST_STALLS, // a Linux machine: the one the native engine runs on, where they were measured
  robust: {
    unsupported: () => null, // pthread_mutexattr_setrobust accepts private and pshared alike
    cleanup: "the kernel's exit-time walk of the dead thread's robust list (which musl registers with set_robust_list on the thread's first process-shared robust lock)",
    notRecovered: (spec: Spec) => !spec.robust || spec.sharing.shared ? null
      : 'musl hands its robust list to the kernel (set_robust_list) only for a process-shared robust mutex (__pthread_mutex_trylock_owner, _m_type & 128); a private one is released by musl\'s own pthread_exit, never when the process is killed',
    init: POSIX_ROBUST_INIT,
    consistent: POSIX_CONSISTENT,
  },
};
