// glibc's NPTL mutex (nptl/pthread_mutex_lock.c, pthread_mutex_unlock.c, lowlevellock.c) as a
// step program, for PTHREAD_MUTEX_TIMED_NP (the default type) and its robust variant.
// Normal lock: lll_lock = CAS __lock 0 -> 1; on failure __lll_lock_wait swaps in 2 and sleeps in
// FUTEX_WAIT(__lock, 2) until the swap returns 0. Unlock: __owner = 0, --__nusers, swap __lock
// to 0 and FUTEX_WAKE one sleeper if it was 2. The futex is private (keyed by address space and
// virtual address) unless __kind has the PSHARED bit (keyed by segment and offset).
// glibc 2.34+ (`singleThreadFastPath`): a PRIVATE mutex in a process that never created a
// second thread is locked with a plain load of __lock == 0 and a plain store of 1, and unlocked
// with a plain store of 0 and no wake-up. After either lock path comes
// `assert (mutex->__data.__owner == 0)` (line 81 of 2.33's pthread_mutex_lock.c, 94 of 2.36's).
// Robust (__pthread_mutex_lock_full): the lock word holds the owner's TID | FUTEX_WAITERS; a
// dead owner's word gets FUTEX_OWNER_DIED from the kernel, and the next locker returns
// EOWNERDEAD with __owner = PTHREAD_MUTEX_INCONSISTENT; the workload then calls
// pthread_mutex_consistent, as a recovering application must.
import { hex } from '../machine/memory.js';
import { OP } from '../machine/trace-buffer.js';
import { futexKey, futexWait, futexWake } from '../machine/futex.js';
import { FUTEX_ENTRY_STEPS, FUTEX_EXIT_STEPS } from '../machine/syscall-cost.js';
import { HOST_STALLS } from '../machine/stalls.js';
import type { Machine } from '../machine/machine.js';
import type { SimProcess, SimThread } from '../machine/process.js';
import type { Spec } from '../spec.js';
import { DONE, RUNNING, type MutexProgram, type PlatformDefinition, type Recovery } from './platform.js';
import { POSIX_CONSISTENT, POSIX_ROBUST_INIT } from '../verdicts/words.js';
import {
  COUNT, ELISION_FLAGS_NP, FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS, GLIBC_FIELDS, GlibcNames, KIND, KIND_MASK_NP, LOCK,
  MUTEX_INCONSISTENT, MUTEX_NOTRECOVERABLE, MUTEX_SIZE, NUSERS, OWNER, PSHARED_BIT, ROBUST_NORMAL_NP, glibcInit, glibcSnapshot, linuxTid,
} from './glibc-mutex.js';

/**
 * Where each version's `assert (mutex->__data.__owner == 0)` after the normal-mutex lock sits,
 * read from the glibc-2.33 and glibc-2.36 tags of nptl/pthread_mutex_lock.c: line 81 in
 * __pthread_mutex_lock (2.33), line 94 in ___pthread_mutex_lock (2.34 renamed it with the
 * libpthread merge and PTHREAD_MUTEX_LOCK). __assert_fail prints the function's own name.
 */
export const OWNER_ASSERTS = {
  'glibc-2.33': { line: 81, function: '__pthread_mutex_lock' },
  'glibc-2.36': { line: 94, function: '___pthread_mutex_lock' },
} as const;

/** The line __assert_fail prints (after "<program>: ") for that version. */
export function ownerAssertion(version: keyof typeof OWNER_ASSERTS): string {
  const a = OWNER_ASSERTS[version];
  return `pthread_mutex_lock.c:${a.line}: ${a.function}: Assertion \`mutex->__data.__owner == 0' failed.`;
}

/** glibc 2.36's line, as this host's libc spells it (the native engine's reference). */
export const OWNER_ASSERTION = ownerAssertion('glibc-2.36');

// Lock program counters.
const L_ENTRY = 0, L_ST_LOAD = 1, L_ST_STORE = 2, L_CAS = 3, W_LOAD = 4, W_XCHG = 5, W_FUTEX = 6, L_ASSERT = 7, L_OWNER = 8,
  L_NUSERS_LD = 9, L_NUSERS_ST = 10, R_LOAD = 11, R_LOOP = 12, R_RELOAD = 13, R_ACQ = 14, R_COUNT = 15, R_DEAD_COUNT = 16,
  R_DEAD_OWNER = 17, C_KIND = 18, C_OWNER = 19, C_SET = 20, R_FUTEX = 21;
// Unlock program counters.
const U_ENTRY = 0, U_OWNER0 = 1, U_NUSERS_LD = 2, U_NUSERS_ST = 3, U_ST_STORE = 4, U_XCHG = 5, U_WAKE = 6, RU_LOCK = 7,
  RU_OWNER_LD = 8, RU_OWNER_ST = 9, RU_XCHG = 10;

const isRobust = (kind: number) => (kind & ~(KIND_MASK_NP | ELISION_FLAGS_NP)) !== 0 && (kind & ROBUST_NORMAL_NP) !== 0;

class GlibcMutex implements MutexProgram {
  private readonly n: GlibcNames;
  /** Kernel TID of each thread, by gtid. */
  private readonly tids: Int32Array;
  /** The process never called pthread_create (SINGLE_THREAD_P), by process index. */
  private readonly singleThreaded: boolean[];
  /** The mutex is on the thread's robust list (ENQUEUE_MUTEX .. DEQUEUE_MUTEX), by gtid. */
  private readonly robustListed: Uint8Array;
  recoveries: Recovery[] = [];
  /** Locks taken by lll_mutex_lock_optimized's plain store, by process index. */
  readonly plainLocks: Int32Array;

  constructor(m: Machine, private readonly fastPath: boolean, private readonly version: keyof typeof OWNER_ASSERTS) {
    this.n = new GlibcNames(m);
    this.tids = Int32Array.from(m.threads, linuxTid);
    this.singleThreaded = m.processes.map((p) => p.threads.length === 1);
    this.robustListed = new Uint8Array(this.tids.length);
    this.plainLocks = new Int32Array(m.processes.length);
  }

  reset(): void {
    this.recoveries = [];
    this.robustListed.fill(0);
    this.plainLocks.fill(0);
  }

  private key(t: SimThread, kind: number): string { return futexKey(t, t.proc.mutexVa + LOCK, (kind & PSHARED_BIT) !== 0); }

  /** lll_mutex_lock_optimized / lll_mutex_unlock_optimized take the plain-store path. */
  private plain(t: SimThread): boolean { return this.fastPath && (t.r0 & PSHARED_BIT) === 0 && this.singleThreaded[t.proc.index]!; }

  lock(m: Machine, t: SimThread): number {
    const n = this.n;
    const mp = t.proc.mutexVa;
    const tid = this.tids[t.gtid]!;
    switch (t.pc) {
      case L_ENTRY: // PTHREAD_MUTEX_TYPE_ELISION (mutex): anything beyond the kind bits goes to _full
        if (m.tr !== null) m.tr.push(OP.lock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, n.pthread_mutex_lock);
        t.r0 = m.load32(t, mp + KIND, n.f_kind, n.pthread_mutex_lock);
        t.pc = isRobust(t.r0) ? R_LOAD : this.plain(t) ? L_ST_LOAD : L_CAS;
        return RUNNING;
      // ---- lll_mutex_lock_optimized: SINGLE_THREAD_P && private && __lock == 0 -> __lock = 1
      case L_ST_LOAD:
        t.pc = m.load32(t, mp + LOCK, n.f_lock, n.lll_mutex_lock_optimized) === 0 ? L_ST_STORE : L_CAS;
        return RUNNING;
      case L_ST_STORE: // a plain store: no lock prefix, nothing stops another process doing the same
        m.store32(t, mp + LOCK, 1, n.f_lock, n.lll_mutex_lock_optimized);
        this.plainLocks[t.proc.index]!++;
        t.pc = L_ASSERT;
        return RUNNING;
      // ---- lll_lock and __lll_lock_wait(_private) ----------------------------------------
      case L_CAS:
        t.pc = m.cas32(t, mp + LOCK, 0, 1, n.f_lock, n.lll_lock) === 0 ? L_ASSERT : W_LOAD;
        return RUNNING;
      case W_LOAD: // if (atomic_load_relaxed (futex) == 2) goto futex;
        t.pc = m.load32(t, mp + LOCK, n.f_lock, this.waitFn(t)) === 2 ? W_FUTEX : W_XCHG;
        if (t.pc === W_FUTEX) m.spend(t, FUTEX_ENTRY_STEPS); // the kernel reads __lock after the system call's entry
        return RUNNING;
      case W_XCHG: // while (atomic_exchange_acquire (futex, 2) != 0)
        t.pc = m.swap32(t, mp + LOCK, 2, n.f_lock, this.waitFn(t)) === 0 ? L_ASSERT : W_FUTEX;
        if (t.pc === W_FUTEX) m.spend(t, FUTEX_ENTRY_STEPS);
        return RUNNING;
      case W_FUTEX: { // futex_wait (futex, 2, private): back to the exchange after a wake or EAGAIN
        const key = this.key(t, t.r0);
        t.pc = W_XCHG;
        futexWait(m, t, mp + LOCK, 2, key, n.f_lock, this.waitFn(t),
          `futex_wait in ${t.r0 & PSHARED_BIT ? '__lll_lock_wait' : '__lll_lock_wait_private'} on ${t.r0 & PSHARED_BIT ? 'shared' : 'private'} futex ${key} (__lock at ${hex(mp)})`);
        m.spend(t, FUTEX_EXIT_STEPS); // back to user space (after the wake-up, if it slept)
        return RUNNING;
      }
      case L_ASSERT: { // assert (mutex->__data.__owner == 0)
        const owner = m.load32(t, mp + OWNER, n.f_owner, n.pthread_mutex_lock);
        if (owner !== 0) {
          m.faultHook?.(t);
          m.kill(t, { kind: 'signaled', signal: 'SIGABRT', function: OWNER_ASSERTS[this.version].function, message: `${t.proc.program}: ${ownerAssertion(this.version)}` }, true, () => m.coreHook?.(t));
          return RUNNING;
        }
        t.pc = L_OWNER;
        return RUNNING;
      }
      case L_OWNER: // record the ownership
        m.store32(t, mp + OWNER, tid, n.f_owner, isRobust(t.r0) ? n.lock_full : n.pthread_mutex_lock);
        t.pc = L_NUSERS_LD;
        return RUNNING;
      case L_NUSERS_LD:
        t.count = m.load32(t, mp + NUSERS, n.f_nusers, n.pthread_mutex_lock);
        t.pc = L_NUSERS_ST;
        return RUNNING;
      case L_NUSERS_ST:
        m.store32(t, mp + NUSERS, t.count + 1, n.f_nusers, n.pthread_mutex_lock);
        t.pc = 0;
        return DONE;
      // ---- __pthread_mutex_lock_full, PTHREAD_MUTEX_ROBUST_NORMAL_NP ------------------------
      case R_LOAD:
        t.r1 = m.load32(t, mp + LOCK, n.f_lock, n.lock_full);
        t.count = 0; // assume_other_futex_waiters
        t.pc = R_LOOP;
        return RUNNING;
      case R_RELOAD:
        t.r1 = m.load32(t, mp + LOCK, n.f_lock, n.lock_full);
        t.pc = R_LOOP;
        return RUNNING;
      case R_LOOP:
        this.robustStep(m, t, mp, tid);
        return RUNNING;
      case R_FUTEX:
        this.robustWait(m, t, mp);
        return RUNNING;
      case R_ACQ: // the owner is not PTHREAD_MUTEX_NOTRECOVERABLE (this workload always recovers)
        m.load32(t, mp + OWNER, n.f_owner, n.lock_full);
        t.pc = R_COUNT;
        return RUNNING;
      case R_COUNT:
        m.store32(t, mp + COUNT, 1, n.f_count, n.lock_full);
        this.robustListed[t.gtid] = 1; // ENQUEUE_MUTEX
        t.pc = L_OWNER;
        return RUNNING;
      case R_DEAD_COUNT: // we got it from a dead owner
        m.store32(t, mp + COUNT, 1, n.f_count, n.lock_full);
        t.pc = R_DEAD_OWNER;
        return RUNNING;
      case R_DEAD_OWNER: // ... but it is inconsistent until marked otherwise: return EOWNERDEAD
        m.store32(t, mp + OWNER, MUTEX_INCONSISTENT, n.f_owner, n.lock_full);
        this.robustListed[t.gtid] = 1;
        if (m.tr !== null) { m.tr.push(OP.acquired, t.gtid, t.cpu, m.now, mp, t.r1, NaN, n.f_lock, n.lock_full); m.tr.text(`EOWNERDEAD: __lock was ${hex(t.r1)} (FUTEX_OWNER_DIED)`); }
        t.pc = C_KIND;
        return RUNNING;
      // ---- the application: pthread_mutex_consistent after EOWNERDEAD -----------------------
      case C_KIND:
        m.load32(t, mp + KIND, n.f_kind, n.consistent);
        t.pc = C_OWNER;
        return RUNNING;
      case C_OWNER:
        if (m.load32(t, mp + OWNER, n.f_owner, n.consistent) !== MUTEX_INCONSISTENT) { t.pc = 0; return DONE; } // EINVAL
        t.pc = C_SET;
        return RUNNING;
      case C_SET:
        m.store32(t, mp + OWNER, tid, n.f_owner, n.consistent);
        // lockWord: __lock as the new owner holds it (FUTEX_OWNER_DIED gone); lockWordBefore: as the dead owner left it
        this.recoveries.push({ index: t.proc.index, pid: t.proc.pid, tid, t: m.now, lockWord: hex((tid | (t.r1 & FUTEX_WAITERS) | t.count) >>> 0), lockWordBefore: hex(t.r1), consistentRc: 0 });
        t.pc = 0;
        return DONE;
      default:
        throw new Error(`glibc lock: bad pc ${t.pc}`);
    }
  }

  private waitFn(t: SimThread): number { return t.r0 & PSHARED_BIT ? this.n.lll_lock_wait : this.n.lll_lock_wait_private; }

  /** One pass of the robust lock loop, with oldval in r1; each branch makes one atomic access. */
  private robustStep(m: Machine, t: SimThread, mp: number, tid: number): void {
    const n = this.n;
    const oldval = t.r1 >>> 0;
    if (oldval === 0) { // CAS 0 -> TID | assume_other_futex_waiters
      const got = m.cas32(t, mp + LOCK, 0, (tid | t.count) >>> 0, n.f_lock, n.lock_full);
      if (got === 0) t.pc = R_ACQ;
      else t.r1 = got;
      return;
    }
    if (oldval & FUTEX_OWNER_DIED) { // the previous owner died: try to take it over
      const newval = (tid | (oldval & FUTEX_WAITERS) | t.count) >>> 0;
      const got = m.cas32(t, mp + LOCK, oldval, newval, n.f_lock, n.lock_full);
      if (got !== oldval) t.r1 = got;
      else t.pc = R_DEAD_COUNT;
      return;
    }
    if ((oldval & FUTEX_WAITERS) === 0) { // set FUTEX_WAITERS, restart if the word moved
      const got = m.cas32(t, mp + LOCK, oldval, (oldval | FUTEX_WAITERS) >>> 0, n.f_lock, n.lock_full);
      if (got !== oldval) { t.pc = R_RELOAD; return; }
      t.r1 = (oldval | FUTEX_WAITERS) >>> 0;
      t.count = FUTEX_WAITERS;
      return; // the futex wait is the next pass (WAITERS is now set in r1)
    }
    t.count = FUTEX_WAITERS;
    t.pc = R_FUTEX; // futex_wait (&mutex->__data.__lock, oldval, ...), after the system call's entry
    m.spend(t, FUTEX_ENTRY_STEPS);
  }

  /** The robust lock's futex wait: the kernel compares __lock with oldval (r1), sleeps or says EAGAIN. */
  private robustWait(m: Machine, t: SimThread, mp: number): void {
    const oldval = t.r1 >>> 0;
    const key = futexKey(t, mp + LOCK, true); // PTHREAD_ROBUST_MUTEX_PSHARED is always LLL_SHARED
    t.pc = R_RELOAD;
    futexWait(m, t, mp + LOCK, oldval, key, this.n.f_lock, this.n.lock_full, `futex_wait in __pthread_mutex_lock_full on shared futex ${key} (robust __lock at ${hex(mp)}, owner TID ${oldval & FUTEX_TID_MASK})`);
    m.spend(t, FUTEX_EXIT_STEPS);
  }

  unlock(m: Machine, t: SimThread): number {
    const n = this.n;
    const mp = t.proc.mutexVa;
    switch (t.pc) {
      case U_ENTRY:
        if (m.tr !== null) m.tr.push(OP.unlock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, n.pthread_mutex_unlock);
        t.r0 = m.load32(t, mp + KIND, n.f_kind, n.pthread_mutex_unlock);
        t.pc = isRobust(t.r0) ? RU_LOCK : U_OWNER0;
        return RUNNING;
      case U_OWNER0: // always reset the owner field
        m.store32(t, mp + OWNER, 0, n.f_owner, n.pthread_mutex_unlock);
        t.pc = U_NUSERS_LD;
        return RUNNING;
      case U_NUSERS_LD:
        t.count = m.load32(t, mp + NUSERS, n.f_nusers, isRobust(t.r0) ? n.unlock_full : n.pthread_mutex_unlock);
        t.pc = U_NUSERS_ST;
        return RUNNING;
      case U_NUSERS_ST:
        m.store32(t, mp + NUSERS, (t.count - 1) >>> 0, n.f_nusers, isRobust(t.r0) ? n.unlock_full : n.pthread_mutex_unlock);
        t.pc = isRobust(t.r0) ? RU_XCHG : this.plain(t) ? U_ST_STORE : U_XCHG;
        return RUNNING;
      case U_ST_STORE: // lll_mutex_unlock_optimized: __lock = 0, and no FUTEX_WAKE whatever __lock was
        m.store32(t, mp + LOCK, 0, n.f_lock, n.lll_mutex_unlock_optimized);
        t.pc = 0;
        return DONE;
      case U_XCHG: // lll_unlock: exchange 0, wake if it was > 1
        if ((m.swap32(t, mp + LOCK, 0, n.f_lock, n.lll_unlock) | 0) > 1) { t.pc = U_WAKE; m.spend(t, FUTEX_ENTRY_STEPS); return RUNNING; }
        t.pc = 0;
        return DONE;
      case U_WAKE:
        futexWake(m, t, mp + LOCK, this.key(t, t.r0), 1, t.r0 & PSHARED_BIT ? n.lll_lock_wake : n.lll_lock_wake_private);
        m.spend(t, FUTEX_EXIT_STEPS);
        t.pc = 0;
        return DONE;
      // ---- __pthread_mutex_unlock_full, PTHREAD_MUTEX_ROBUST_NORMAL_NP ------------------------
      case RU_LOCK: // (__lock & FUTEX_TID_MASK) == our TID, else EPERM (never, in this workload)
        m.load32(t, mp + LOCK, n.f_lock, n.unlock_full);
        t.pc = RU_OWNER_LD;
        return RUNNING;
      case RU_OWNER_LD: // still inconsistent: the mutex becomes not recoverable
        t.r1 = m.load32(t, mp + OWNER, n.f_owner, n.unlock_full) === MUTEX_INCONSISTENT ? MUTEX_NOTRECOVERABLE : 0;
        this.robustListed[t.gtid] = 0; // DEQUEUE_MUTEX
        t.pc = RU_OWNER_ST;
        return RUNNING;
      case RU_OWNER_ST:
        m.store32(t, mp + OWNER, t.r1, n.f_owner, n.unlock_full);
        t.pc = U_NUSERS_LD;
        return RUNNING;
      case RU_XCHG:
        if (m.swap32(t, mp + LOCK, 0, n.f_lock, n.unlock_full) & FUTEX_WAITERS) { t.pc = U_WAKE; m.spend(t, FUTEX_ENTRY_STEPS); return RUNNING; }
        t.pc = 0;
        return DONE;
      default:
        throw new Error(`glibc unlock: bad pc ${t.pc}`);
    }
  }

  /**
   * Exit-time robust-list processing (kernel/futex/core.c handle_futex_death) for every thread of
   * the dead process that had the mutex on its robust list: if __lock still names that thread,
   * keep FUTEX_WAITERS, set FUTEX_OWNER_DIED, and wake one waiter on the SHARED futex key.
   */
  processDied(m: Machine, p: SimProcess): void {
    m.kernel = true; // the kernel's stores: a watchpoint does not see them
    this.handleFutexDeath(m, p);
    m.kernel = false;
  }

  private handleFutexDeath(m: Machine, p: SimProcess): void {
    const n = this.n;
    for (const t of p.threads) {
      if (!this.robustListed[t.gtid]) continue;
      this.robustListed[t.gtid] = 0;
      const va = p.mutexVa + LOCK;
      const uval = m.load32(t, va, n.f_lock, n.handle_futex_death);
      if ((uval & FUTEX_TID_MASK) !== this.tids[t.gtid]) continue;
      const mval = ((uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0;
      if (m.cas32(t, va, uval, mval, n.f_lock, n.handle_futex_death) !== uval) continue;
      if (uval & FUTEX_WAITERS) futexWake(m, t, va, futexKey(t, va, true), 1, n.handle_futex_death);
    }
  }
}

function glibcPlatform(name: 'glibc-2.33' | 'glibc-2.36', fastPath: boolean, title: string): PlatformDefinition {
  return {
    name,
    title,
    mutexSize: MUTEX_SIZE,
    fields: GLIBC_FIELDS,
    ownerField: { name: '__owner', meaning: "the owning thread's kernel TID" },
    init: glibcInit,
    create: (m: Machine, _spec: Spec) => new GlibcMutex(m, fastPath, name),
    snapshot: glibcSnapshot,
    stalls: HOST_STALLS, // a Linux machine: the one the native engine runs on, where they were measured
    robust: {
      unsupported: () => null, // pthread_mutexattr_setrobust accepts private and pshared alike
      cleanup: "the kernel's exit-time clean-up of the dead owner's robust list",
      notRecovered: () => null, // glibc registers every robust mutex it takes (ENQUEUE_MUTEX), private or not
      init: POSIX_ROBUST_INIT,
      consistent: POSIX_CONSISTENT,
    },
  };
}

export const glibc233 = glibcPlatform('glibc-2.33', false, 'glibc 2.33 (Linux, NPTL before the single-threaded optimization)');
export const glibc236 = glibcPlatform('glibc-2.36', true, 'glibc 2.36 (Linux, NPTL with the single-threaded fast path of 2.34+)');
