// Today's illumos libc (usr/src/lib/libc/port/threads/synch.c). Differences from Solaris 10 as
// shipped: mutex_trylock_adaptive limits spinners to min(ul_max_spinners, ncpus - 1), so a
// uniprocessor never spins and never dereferences the owner; the spinner count lives in the
// lockword (spinners_incr / spinners_decr); unlock clears the lock byte with clear_lockbyte
// and wakes a waiter only when nobody is spinning. USYNC_PROCESS takes the lock byte and
// mutex_ownerpid together (set_lock_byte64) and sleeps in the kernel keyed by (segment, offset).
// The owner dereference is still there when it spins (cpus > 1): the crash needs two CPUs here.
// mutex_trylock_adaptive returns EBUSY at once when MUTEX_OWNED(mp, self). A USYNC_PROCESS
// locker that misses the lock runs mutex_trylock_process first: one more try, then, with
// ncpus > 1, a spin (no owner dereference: "we just spin and hope"), then the kernel.
// A single-threaded process takes the single-threaded path (solaris-single-thread.ts), and
// the libc sleep queues are mostly LIFO (solaris-sleepq.ts).
import { hex } from '../machine/memory.js';
import { OP } from '../machine/trace-buffer.js';
import { SC_ONPROC, SC_STATE, UL_SCHEDCTL } from '../machine/layout.js';
import { FAULT } from '../machine/bus.js';
import type { Machine } from '../machine/machine.js';
import type { SimThread } from '../machine/process.js';
import type { Spec } from '../spec.js';
import { DONE, RUNNING, type LockError, type MutexProgram } from './platform.js';
import {
  ADAPTIVE_SPIN, LOCKMASK, MAX_SPINNERS, MUTEX_LOCKW, MUTEX_LOCKWORD, MUTEX_OWNER, MUTEX_OWNERPID, MUTEX_TYPE,
  MUTEX_WAITERS, SPINNERMASK, USYNC_PROCESS, USYNC_THREAD, WAITERMASK, lwpchanShared,
} from './solaris-mutex.js';
import { SolarisNames } from './solaris-names.js';
import { SolarisRobustMutex } from './solaris-robust.js';
import { lwpMutexTimedlock, lwpMutexWakeup, type KernelQueue } from './solaris-kernel.js';
import { solarisPlatform } from './solaris-platform.js';
import { mutexWakeupStep, unparkWokenStep, UserSleepQueues } from './solaris-sleepq.js';
import { returnEdeadlk, singleThreadedProcesses } from './solaris-single-thread.js';

const L_ENTRY = 0, T_FAST = 1, T_OWNER = 2, A_TRY = 3, A_INCR = 4, A_TEST = 5, A_SET = 6, A_OWNER = 7, A_DEREF1 = 8, A_DEREF2 = 9,
  A_DECR = 10, A_LAST = 11, Q_WAITERS = 12, Q_TRY = 13, Q_OWNER = 14, Q_DEQSELF = 15, Q_WOKE = 16, P_FAST = 17, P_OWNER = 18, K_LOCK = 19,
  ST_LOAD = 20, ST_SET = 21, ST_SELF = 22, A_OWNED = 23, A_OWNED2 = 24, P_HELD = 25, P_HELD2 = 26, P_TRY = 27, P_INCR = 28,
  P_TEST = 29, P_SET = 30, P_SOWNER = 31, P_DECR = 32, P_LAST = 33;
const U_ENTRY = 0, U_OWNER0 = 1, U_CLEAR = 2, U_WAKE = 3, U_UNPARK = 4, PU_OWNER0 = 5, PU_CLEAR = 6, K_WAKE = 7, SU_OWNER0 = 8, SU_LOCKWORD = 9;
const SPINNER_ONE = 0x100;

class IllumosMutex implements MutexProgram {
  private readonly n: SolarisNames;
  private readonly queues: UserSleepQueues;
  /** What a hang names for a sleeper on its process's libc sleep queue, by process index. */
  private readonly userWaits: string[];
  private readonly kernelQueues: KernelQueue[];
  /** min(ul_max_spinners, ncpus - 1): 0 on a uniprocessor, so no spinning at all. */
  private readonly maxSpinners: number;
  /** uf_all == 0: the process never created a second thread, by process index. */
  private readonly single: boolean[];
  lockErrors: LockError[] = [];

  constructor(m: Machine, ncpus: number) {
    this.n = new SolarisNames(m);
    this.queues = new UserSleepQueues(m.processes, false);
    this.userWaits = this.queues.waits;
    this.single = singleThreadedProcesses(m);
    this.kernelQueues = m.processes.map((p) => {
      const key = lwpchanShared(p.segment?.shmid ?? 0, p.mutexVa - p.attachAddress);
      return { key, waitingIn: `lwp_mutex_timedlock: kernel sleep queue ${key}` };
    });
    this.maxSpinners = Math.min(MAX_SPINNERS, ncpus - 1);
  }

  /** The queue heads' counters and the errors of the last run go; keys and names stay. */
  reset(): void { this.queues.reset(); this.lockErrors = []; }

  lock(m: Machine, t: SimThread): number {
    const n = this.n;
    const mp = t.proc.mutexVa;
    switch (t.pc) {
      case L_ENTRY: {
        if (m.tr !== null) m.tr.push(OP.lock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, n.mutex_lock);
        t.lockRc = 0;
        const type = m.load8(t, mp + MUTEX_TYPE, n.f_type, n.mutex_lock);
        // the single-threaded path is for a plain USYNC_THREAD type only (not LOCK_ROBUST)
        t.pc = type & USYNC_PROCESS ? P_FAST : type === USYNC_THREAD && this.single[t.proc.index] ? ST_LOAD : T_FAST;
        return RUNNING;
      }
      // ---- one thread in the process: no atomic operation -------------------------------
      case ST_LOAD:
        t.pc = m.load8(t, mp + MUTEX_LOCKW, n.f_lockw, n.mutex_lock) === 0 ? ST_SET : ST_SELF;
        return RUNNING;
      case ST_SET: // mp->mutex_lockw = LOCKSET (sigoff only defers signals), then the owner
        m.store8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.mutex_lock);
        t.pc = T_OWNER;
        return RUNNING;
      case ST_SELF: {
        const owner = m.load64(t, mp + MUTEX_OWNER, n.f_owner, n.mutex_lock);
        if (owner === t.ulwp) { returnEdeadlk(m, t, mp, owner, n.f_owner, n.mutex_lock, this.lockErrors); t.pc = 0; return DONE; }
        t.pc = T_FAST;
        return RUNNING;
      }
      case T_FAST:
        t.pc = m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0 ? T_OWNER : A_OWNED;
        return RUNNING;
      case A_OWNED: // mutex_trylock_adaptive: if (MUTEX_OWNED(mp, self)) return (EBUSY)
        t.pc = m.load8(t, mp + MUTEX_LOCKW, n.f_lockw, n.mutex_trylock_adaptive) !== 0 ? A_OWNED2 : A_TRY;
        return RUNNING;
      case A_OWNED2:
        if (m.load64(t, mp + MUTEX_OWNER, n.f_owner, n.mutex_trylock_adaptive) === t.ulwp) this.toQueue(m, t);
        else t.pc = A_TRY;
        return RUNNING;
      case T_OWNER:
      case Q_OWNER:
      case P_OWNER: {
        const pc = t.pc;
        m.store64(t, mp + MUTEX_OWNER, t.ulwp, n.f_owner, pc === Q_OWNER ? n.mutex_lock_queue : n.mutex_lock);
        if (pc === Q_OWNER && t.waitKey !== '') { t.pc = Q_DEQSELF; return RUNNING; }
        t.pc = 0;
        return DONE;
      }
      case A_TRY: // mutex_trylock_adaptive: one more attempt before the spin loop
        if (m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0) t.pc = T_OWNER;
        else if (this.maxSpinners === 0) this.toQueue(m, t);
        else t.pc = A_INCR;
        return RUNNING;
      case A_INCR: { // spinners_incr: give up if max_spinners are already spinning
        const w = m.load32(t, mp + MUTEX_LOCKWORD, n.f_lockword, n.mutex_trylock_adaptive);
        if (((w & SPINNERMASK) >>> 8) >= this.maxSpinners) { this.toQueue(m, t); return RUNNING; }
        m.add32(t, mp + MUTEX_LOCKWORD, SPINNER_ONE, n.f_spinners, n.mutex_trylock_adaptive);
        if (m.tr !== null) m.tr.push(OP.spin, t.gtid, t.cpu, m.now, mp, ADAPTIVE_SPIN, NaN, 0, n.mutex_trylock_adaptive);
        t.count = 1;
        t.pc = A_TEST;
        return RUNNING;
      }
      case A_TEST:
        t.pc = m.load8(t, mp + MUTEX_LOCKW, n.f_lockw, n.mutex_trylock_adaptive) === 0 ? A_SET : this.afterTry(t);
        return RUNNING;
      case A_SET:
        if (m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0) { m.store64(t, mp + MUTEX_OWNER, t.ulwp, n.f_owner, n.mutex_trylock_adaptive); t.r1 = 1; t.pc = A_DECR; }
        else t.pc = this.afterTry(t);
        return RUNNING;
      case A_OWNER: {
        const owner = m.load64(t, mp + MUTEX_OWNER, n.f_owner, n.mutex_trylock_adaptive, OP.owner_read);
        if (owner !== 0) { t.r0 = owner; t.pc = A_DEREF1; } else { t.count++; t.pc = A_TEST; }
        return RUNNING;
      }
      case A_DEREF1: {
        const va = t.r0 + UL_SCHEDCTL;
        const scp = m.load32(t, va, n.f_ul_schedctl, n.mutex_trylock_adaptive, OP.deref); // a 32-bit process: 4-byte pointer
        if (scp === FAULT) { m.segv(t, 'mutex_trylock_adaptive', va, `reading ul_schedctl of owner ${hex(t.r0)} (mutex_owner of the mutex at ${hex(mp)})`); return RUNNING; }
        if (scp === 0) { t.r1 = 0; t.pc = A_DECR; } else { t.r1 = scp; t.pc = A_DEREF2; }
        return RUNNING;
      }
      case A_DEREF2: {
        const va = t.r1 + SC_STATE;
        const state = m.load8(t, va, n.f_sc_state, n.mutex_trylock_adaptive);
        if (state === FAULT) { m.segv(t, 'mutex_trylock_adaptive', va, `reading sc_state through ul_schedctl ${hex(t.r1)} of owner ${hex(t.r0)}`); return RUNNING; }
        if (state !== SC_ONPROC) { t.r1 = 0; t.pc = A_DECR; } else { t.count++; t.pc = A_TEST; }
        return RUNNING;
      }
      case A_DECR: { // spinners_decr; r1 = 1 when we got the lock while spinning
        const w = m.add32(t, mp + MUTEX_LOCKWORD, -SPINNER_ONE, n.f_spinners, n.mutex_trylock_adaptive);
        if (t.r1 === 1) { t.pc = 0; return DONE; }
        if ((w & (LOCKMASK | SPINNERMASK)) === 0) t.pc = A_LAST; // free and nobody spinning: one final try
        else this.toQueue(m, t);
        return RUNNING;
      }
      case A_LAST:
        if (m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0) t.pc = T_OWNER;
        else this.toQueue(m, t);
        return RUNNING;
      case Q_WAITERS:
        m.store8(t, mp + MUTEX_WAITERS, 1, n.f_waiters, n.mutex_lock_queue);
        t.pc = Q_TRY;
        return RUNNING;
      case Q_TRY:
      case Q_WOKE:
        if (t.pc === Q_WOKE && t.waitKey === '') { // dequeued by mutex_wakeup
          if (m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0) t.pc = Q_OWNER;
          else { this.queues.enqueue(m, t); t.pc = Q_WAITERS; }
          return RUNNING;
        }
        if (m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0) { t.pc = Q_OWNER; return RUNNING; }
        t.pc = Q_WOKE;
        m.park(t, this.userWaits[t.proc.index]!, mp, n.mutex_lock_queue);
        return RUNNING;
      case Q_DEQSELF:
        m.unqueue(t);
        m.store8(t, mp + MUTEX_WAITERS, m.queueLength(this.queues.keys[t.proc.index]!) > 0 ? 1 : 0, n.f_waiters, n.mutex_lock_queue);
        t.pc = 0;
        return DONE;
      case P_FAST: // fast_process_lock: set_lock_byte64, lock byte and ownerpid in one atomic step
        t.pc = this.setLockByte64(m, t, mp) ? P_OWNER : P_HELD;
        return RUNNING;
      // ---- mutex_trylock_process(mp, 1) -----------------------------------------------------
      case P_HELD: // shared_mutex_held: mutex_ownerpid == our pid, then MUTEX_OWNED
        t.pc = m.load32(t, mp + MUTEX_OWNERPID, n.f_ownerpid, n.mutex_trylock_process) === t.proc.pid ? P_HELD2 : P_TRY;
        return RUNNING;
      case P_HELD2: // held by ourself: EBUSY, and mutex_lock_kernel sleeps
        t.pc = m.load64(t, mp + MUTEX_OWNER, n.f_owner, n.mutex_trylock_process) === t.ulwp ? K_LOCK : P_TRY;
        return RUNNING;
      case P_TRY: // one attempt before the spin loop; no spin unless ncpus > 1
        if (this.setLockByte64(m, t, mp)) t.pc = P_OWNER;
        else t.pc = this.maxSpinners === 0 ? K_LOCK : P_INCR;
        return RUNNING;
      case P_INCR: { // spinners_incr: give up if max_spinners are already spinning
        const w = m.load32(t, mp + MUTEX_LOCKWORD, n.f_lockword, n.mutex_trylock_process);
        if (((w & SPINNERMASK) >>> 8) >= this.maxSpinners) { t.pc = K_LOCK; return RUNNING; }
        m.add32(t, mp + MUTEX_LOCKWORD, SPINNER_ONE, n.f_spinners, n.mutex_trylock_process);
        if (m.tr !== null) m.tr.push(OP.spin, t.gtid, t.cpu, m.now, mp, ADAPTIVE_SPIN, NaN, 0, n.mutex_trylock_process);
        t.count = 1;
        t.r1 = 0;
        t.pc = P_TEST;
        return RUNNING;
      }
      case P_TEST: // (*lockp & LOCKMASK64) == 0: "we just spin and hope" (no owner to look at)
        if (m.load8(t, mp + MUTEX_LOCKW, n.f_lockw, n.mutex_trylock_process) === 0) t.pc = P_SET;
        else if (t.count === ADAPTIVE_SPIN) t.pc = P_DECR;
        else t.count++;
        return RUNNING;
      case P_SET:
        if (this.setLockByte64(m, t, mp)) { t.r1 = 1; t.pc = P_SOWNER; }
        else if (t.count === ADAPTIVE_SPIN) t.pc = P_DECR;
        else { t.count++; t.pc = P_TEST; }
        return RUNNING;
      case P_SOWNER:
        m.store64(t, mp + MUTEX_OWNER, t.ulwp, n.f_owner, n.mutex_trylock_process);
        t.pc = P_DECR;
        return RUNNING;
      case P_DECR: { // spinners_decr; r1 = 1 when we got the lock while spinning
        const w = m.add32(t, mp + MUTEX_LOCKWORD, -SPINNER_ONE, n.f_spinners, n.mutex_trylock_process);
        if (t.r1 === 1) { t.pc = 0; return DONE; }
        t.pc = (w & (LOCKMASK | SPINNERMASK)) === 0 ? P_LAST : K_LOCK; // free and nobody spinning: one final try
        return RUNNING;
      }
      case P_LAST:
        t.pc = this.setLockByte64(m, t, mp) ? P_OWNER : K_LOCK;
        return RUNNING;
      case K_LOCK:
        if (lwpMutexTimedlock(m, t, n, mp, this.kernelQueues[t.proc.index]!, true)) t.pc = P_OWNER;
        return RUNNING;
      default:
        throw new Error(`illumos lock: bad pc ${t.pc}`);
    }
  }

  /** After a failed try in the spin loop: stop at max count, else look at the owner. */
  private afterTry(t: SimThread): number {
    if (t.count >= ADAPTIVE_SPIN) { t.r1 = 0; return A_DECR; }
    return A_OWNER;
  }

  private toQueue(m: Machine, t: SimThread): void {
    this.queues.enqueue(m, t);
    t.pc = Q_WAITERS;
  }

  /** set_lock_byte64: the lock byte and mutex_ownerpid in one atomic step; true if it was free. */
  private setLockByte64(m: Machine, t: SimThread, mp: number): boolean {
    const n = this.n;
    if (m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) !== 0) return false;
    m.store32(t, mp + MUTEX_OWNERPID, t.proc.pid, n.f_ownerpid, n.set_lock_byte);
    return true;
  }

  unlock(m: Machine, t: SimThread): number {
    const n = this.n;
    const mp = t.proc.mutexVa;
    switch (t.pc) {
      case U_ENTRY: {
        if (m.tr !== null) m.tr.push(OP.unlock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, n.mutex_unlock);
        const type = m.load8(t, mp + MUTEX_TYPE, n.f_type, n.mutex_unlock);
        t.pc = type & USYNC_PROCESS ? PU_OWNER0 : type === USYNC_THREAD && this.single[t.proc.index] ? SU_OWNER0 : U_OWNER0;
        return RUNNING;
      }
      case SU_OWNER0: // one thread in the process: plain stores, "there can be no waiters"
        m.store64(t, mp + MUTEX_OWNER, 0, n.f_owner, n.mutex_unlock);
        t.pc = SU_LOCKWORD;
        return RUNNING;
      case SU_LOCKWORD:
        m.store32(t, mp + MUTEX_LOCKWORD, 0, n.f_lockword, n.mutex_unlock);
        t.pc = 0;
        return DONE;
      case U_OWNER0:
      case PU_OWNER0:
        m.store64(t, mp + MUTEX_OWNER, 0, n.f_owner, t.pc === U_OWNER0 ? n.mutex_unlock_queue : n.mutex_unlock_process);
        t.pc = t.pc === U_OWNER0 ? U_CLEAR : PU_CLEAR;
        return RUNNING;
      case U_CLEAR:
      case PU_CLEAR: { // clear_lockbyte(64): keep waiters and spinners; the 64-bit form also clears ownerpid
        const process = t.pc === PU_CLEAR;
        const old = m.load32(t, mp + MUTEX_LOCKWORD, n.f_lockword, process ? n.mutex_unlock_process : n.mutex_unlock_queue);
        m.swap32(t, mp + MUTEX_LOCKWORD, old & ~LOCKMASK, n.f_lockword, process ? n.mutex_unlock_process : n.mutex_unlock_queue);
        if (process) m.store32(t, mp + MUTEX_OWNERPID, 0, n.f_ownerpid, n.mutex_unlock_process);
        if ((old & WAITERMASK) !== 0 && (old & SPINNERMASK) === 0) { t.pc = process ? K_WAKE : U_WAKE; return RUNNING; }
        t.pc = 0;
        return DONE;
      }
      case U_WAKE:
        return mutexWakeupStep(m, t, n, mp, this.queues.keys[t.proc.index]!, U_UNPARK);
      case U_UNPARK:
        return unparkWokenStep(m, t, n, mp);
      case K_WAKE:
        lwpMutexWakeup(m, t, n, mp, this.kernelQueues[t.proc.index]!.key);
        t.pc = 0;
        return DONE;
      default:
        throw new Error(`illumos unlock: bad pc ${t.pc}`);
    }
  }
}

export const illumos = solarisPlatform('illumos', 'illumos (current libc)', 'attribute',
  (m: Machine, spec: Spec) => (spec.robust && spec.sharing.shared ? new SolarisRobustMutex(m, 'attribute', spec.cpus) : new IllumosMutex(m, spec.cpus)));
