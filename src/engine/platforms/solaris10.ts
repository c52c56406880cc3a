// Solaris 10 libc as first shipped (the 2005 code of usr/src/lib/libc/port/threads/synch.c).
// USYNC_THREAD: set_lock_byte fast path; mutex_trylock_adaptive spins up to ul_adaptive_spin
// times unless mutex_spinners (the ownerpid word) reached ul_max_spinners, with NO check of
// the number of CPUs, and on every round dereferences the owner: owner->ul_schedctl->sc_state,
// in the CALLER's address space; then mutex_lock_queue parks on a per-process sleep queue
// hashed by the mutex's virtual address. Unlock (mutex_unlock_queue) clears mutex_owner, then
// the lock byte, then wakes one waiter of its own process.
// A process that never created a second thread takes and releases a USYNC_THREAD mutex on the
// single-threaded path (plain load and stores, EDEADLK on owner == self, no wake-up): see
// solaris-single-thread.ts. Before spinning, slow_lock goes straight to the sleep queue when
// mutex_owner is the caller itself. Sleep queues are mostly LIFO (solaris-sleepq.ts).
// USYNC_PROCESS: set_lock_byte, then owner and ownerpid; mutex_trylock_process spins only with
// more than one CPU and never dereferences; contended lockers sleep in the kernel
// (lwp_mutex_timedlock) keyed by (segment, offset), so wake-ups cross processes.
import { hex } from '../machine/memory.js';
import { OP } from '../machine/trace-buffer.js';
import { SC_ONPROC, SC_STATE, UL_SCHEDCTL } from '../machine/layout.js';
import { FAULT } from '../machine/bus.js';
import type { Machine } from '../machine/machine.js';
import type { SimThread } from '../machine/process.js';
import type { Spec } from '../spec.js';
import { DONE, RUNNING, type LockError, type MutexProgram } from './platform.js';
import {
  ADAPTIVE_SPIN, MAX_SPINNERS, MUTEX_LOCKW, MUTEX_LOCKWORD, MUTEX_OWNER, MUTEX_OWNERPID, MUTEX_TYPE, MUTEX_WAITERS,
  RELEASE_SPIN, USYNC_PROCESS, USYNC_THREAD, WAITER, WAITERMASK, lwpchanShared,
} from './solaris-mutex.js';
import { SolarisNames } from './solaris-names.js';
import { SolarisRobustMutex } from './solaris-robust.js';
import { lwpMutexTimedlock, lwpMutexWakeup, type KernelQueue } from './solaris-kernel.js';
import { solarisPlatform } from './solaris-platform.js';
import { mutexWakeupStep, unparkWokenStep, UserSleepQueues } from './solaris-sleepq.js';
import { returnEdeadlk, singleThreadedProcesses } from './solaris-single-thread.js';

// Program counters. Lock:
const L_ENTRY = 0, T_FAST = 1, T_OWNER = 2, A_SPINNERS = 3, A_INCR = 4, A_TEST = 5, A_SET = 6, A_OWNER_SET = 7, A_DECR_OK = 8,
  A_OWNER = 9, A_DEREF1 = 10, A_DEREF2 = 11, A_DECR_FAIL = 12, Q_WAITERS = 13, Q_TRY = 14, Q_OWNER = 15, Q_DEQSELF = 16, Q_WOKE = 17,
  Q_OWNER2 = 18, P_FAST = 19, P_OWNER = 20, P_PID = 21, P_SPIN_OWNER = 22, P_SPIN_PID = 23, P_SPIN_TEST = 24, P_SPIN_SET = 25,
  P_SPIN_CMP_OWNER = 26, P_SPIN_CMP_PID = 27, K_LOCK = 28, K_OWNER = 29, ST_LOAD = 30, ST_SET = 31, ST_SELF = 32, S_SELF = 33;
// Unlock:
const U_ENTRY = 0, U_LOCKW = 1, U_OWNER0 = 2, U_SWAP0 = 3, UW_OWNER0 = 4, UW_SWAP = 5, UW_SPIN = 6, UW_LOCKP = 7, UW_CLRW = 8,
  U_WAKE = 9, U_UNPARK = 10, PU_LOCKW = 11, PU_OWNER0 = 12, PU_PID0 = 13, PU_SWAP = 14, PW_OWNER0 = 15, PW_PID0 = 16, PW_SWAP = 17,
  PW_SPIN = 18, PW_CLRW = 19, K_WAKE = 20, SU_OWNER0 = 21, SU_LOCKWORD = 22;

class Solaris10Mutex implements MutexProgram {
  private readonly n: SolarisNames;
  private readonly queues: UserSleepQueues;
  private readonly userKeys: string[];
  /** What a hang names for a sleeper on its process's libc sleep queue, by process index. */
  private readonly userWaits: string[];
  private readonly kernelQueues: KernelQueue[];
  /** uf_all == 0: the process never created a second thread, by process index. */
  private readonly single: boolean[];
  lockErrors: LockError[] = [];
  readonly plainLocks: Int32Array;

  constructor(m: Machine, private readonly ncpus: number) {
    this.n = new SolarisNames(m);
    this.queues = new UserSleepQueues(m.processes, true);
    this.userKeys = this.queues.keys;
    this.userWaits = this.queues.waits;
    this.single = singleThreadedProcesses(m);
    this.plainLocks = new Int32Array(m.processes.length);
    this.kernelQueues = m.processes.map((p) => {
      const key = lwpchanShared(p.segment?.shmid ?? 0, p.mutexVa - p.attachAddress);
      return { key, waitingIn: `lwp_mutex_timedlock: kernel sleep queue ${key}` };
    });
  }

  /** The queue heads' counters and the errors of the last run go; keys and names stay. */
  reset(): void { this.queues.reset(); this.lockErrors = []; this.plainLocks.fill(0); }

  lock(m: Machine, t: SimThread): number {
    // The spin of mutex_trylock_process (P_SPIN_TEST .. P_SPIN_CMP_PID, contiguous) is most of
    // the steps of a contended USYNC_PROCESS run on several CPUs (84% in bench:engine). It has a
    // method of its own so that this dispatcher stays small: V8 then inlines lock into the
    // workload's program, and the memory accesses into spin, where the one big switch was
    // past the inlining budget and cost two calls per step.
    const pc = t.pc;
    if (pc >= P_SPIN_TEST && pc <= P_SPIN_CMP_PID) return this.spin(m, t, pc);
    return this.lockStep(m, t);
  }

  /** One step of mutex_trylock_process's spin: test the lock byte, try it, watch the owner change. */
  private spin(m: Machine, t: SimThread, pc: number): number {
    const n = this.n;
    const mp = t.proc.mutexVa;
    switch (pc) {
      case P_SPIN_TEST:
        if (--t.count < 0) return this.kernelLock(m, t, mp);
        t.pc = m.load8(t, mp + MUTEX_LOCKW, n.f_lockw, n.mutex_trylock_process) === 0 ? P_SPIN_SET : P_SPIN_CMP_OWNER;
        return RUNNING;
      case P_SPIN_SET:
        t.pc = m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0 ? P_OWNER : P_SPIN_TEST;
        return RUNNING;
      case P_SPIN_CMP_OWNER: { // the owner changed: start the count over
        const owner = m.load64(t, mp + MUTEX_OWNER, n.f_owner, n.mutex_trylock_process, OP.owner_read);
        if (owner === t.r0) t.pc = P_SPIN_CMP_PID;
        else { t.r0 = owner; t.count = ADAPTIVE_SPIN; t.pc = P_SPIN_TEST; }
        return RUNNING;
      }
      case P_SPIN_CMP_PID: {
        const pid = m.load32(t, mp + MUTEX_OWNERPID, n.f_ownerpid, n.mutex_trylock_process);
        if (pid !== t.r1) { t.r1 = pid; t.count = ADAPTIVE_SPIN; }
        t.pc = P_SPIN_TEST;
        return RUNNING;
      }
      default:
        throw new Error(`solaris10 spin: bad pc ${pc}`);
    }
  }

  /** Every other step of mutex_lock. */
  private lockStep(m: Machine, t: SimThread): number {
    const n = this.n;
    const mp = t.proc.mutexVa;
    switch (t.pc) {
      case L_ENTRY: { // mutex_lock: read mutex_type to choose the path
        if (m.tr !== null) m.tr.push(OP.lock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, n.mutex_lock);
        t.lockRc = 0;
        const type = m.load8(t, mp + MUTEX_TYPE, n.f_type, n.mutex_lock);
        t.pc = type & USYNC_PROCESS ? P_FAST : type === USYNC_THREAD && this.single[t.proc.index] ? ST_LOAD : T_FAST;
        return RUNNING;
      }
      // ---- one thread in the process: no atomic operation -------------------------------
      case ST_LOAD: // if (mp->mutex_lockw == 0)
        t.pc = m.load8(t, mp + MUTEX_LOCKW, n.f_lockw, n.mutex_lock) === 0 ? ST_SET : ST_SELF;
        return RUNNING;
      case ST_SET: // mp->mutex_lockw = LOCKSET: a plain store, then the owner (T_OWNER)
        m.store8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.mutex_lock);
        this.plainLocks[t.proc.index]!++;
        t.pc = T_OWNER;
        return RUNNING;
      case ST_SELF: { // MUTEX_OWNER(mp) == self: EDEADLK; anyone else: the general path
        const owner = m.load64(t, mp + MUTEX_OWNER, n.f_owner, n.mutex_lock);
        if (owner === t.ulwp) { returnEdeadlk(m, t, mp, owner, n.f_owner, n.mutex_lock, this.lockErrors); t.pc = 0; return DONE; }
        t.pc = T_FAST;
        return RUNNING;
      }
      case T_FAST:
        t.pc = m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0 ? T_OWNER : S_SELF;
        return RUNNING;
      case S_SELF: // slow_lock: MUTEX_OWNER(mp) == self goes to the sleep queue without spinning
        if (m.load64(t, mp + MUTEX_OWNER, n.f_owner, n.mutex_lock) === t.ulwp) this.toQueue(m, t);
        else t.pc = A_SPINNERS;
        return RUNNING;
      case T_OWNER:
      case A_OWNER_SET:
      case Q_OWNER:
      case Q_OWNER2:
      case P_OWNER:
      case K_OWNER: {
        const pc = t.pc;
        m.store64(t, mp + MUTEX_OWNER, t.ulwp, n.f_owner, pc === T_OWNER ? n.mutex_lock : pc === A_OWNER_SET ? n.mutex_trylock_adaptive : pc === P_OWNER ? n.mutex_trylock_process : pc === K_OWNER ? n.mutex_lock_kernel : n.mutex_lock_queue);
        if (pc === A_OWNER_SET) { t.pc = A_DECR_OK; return RUNNING; }
        if (pc === Q_OWNER) { t.pc = Q_DEQSELF; return RUNNING; }
        if (pc === P_OWNER) { t.pc = P_PID; return RUNNING; }
        t.pc = 0;
        return DONE;
      }
      // ---- mutex_trylock_adaptive -----------------------------------------------------
      case A_SPINNERS: {
        const spinners = m.load32(t, mp + MUTEX_OWNERPID, n.f_spinners, n.mutex_trylock_adaptive);
        if (spinners >= MAX_SPINNERS) this.toQueue(m, t); // enough spinners already: go to sleep
        else t.pc = A_INCR;
        return RUNNING;
      }
      case A_INCR:
        m.add32(t, mp + MUTEX_OWNERPID, 1, n.f_spinners, n.mutex_trylock_adaptive);
        if (m.tr !== null) m.tr.push(OP.spin, t.gtid, t.cpu, m.now, mp, ADAPTIVE_SPIN, NaN, 0, n.mutex_trylock_adaptive);
        t.count = 0;
        t.pc = A_TEST;
        return RUNNING;
      case A_TEST:
        t.pc = m.load8(t, mp + MUTEX_LOCKW, n.f_lockw, n.mutex_trylock_adaptive) === 0 ? A_SET : A_OWNER;
        return RUNNING;
      case A_SET:
        t.pc = m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0 ? A_OWNER_SET : A_OWNER;
        return RUNNING;
      case A_DECR_OK:
        m.add32(t, mp + MUTEX_OWNERPID, -1, n.f_spinners, n.mutex_trylock_adaptive);
        t.pc = 0;
        return DONE;
      case A_OWNER: { // ulwp = *ownerp
        const owner = m.load64(t, mp + MUTEX_OWNER, n.f_owner, n.mutex_trylock_adaptive, OP.owner_read);
        if (owner !== 0) { t.r0 = owner; t.pc = A_DEREF1; } else this.nextSpin(t);
        return RUNNING;
      }
      case A_DEREF1: { // scp = ulwp->ul_schedctl, read in OUR address space
        const va = t.r0 + UL_SCHEDCTL;
        const scp = m.load32(t, va, n.f_ul_schedctl, n.mutex_trylock_adaptive, OP.deref); // a 32-bit process: 4-byte pointer
        if (scp === FAULT) {
          m.segv(t, 'mutex_trylock_adaptive', va, `reading ul_schedctl of owner ${hex(t.r0)} (mutex_owner of the mutex at ${hex(mp)})`);
          return RUNNING;
        }
        if (scp === 0) t.pc = A_DECR_FAIL;
        else { t.r1 = scp; t.pc = A_DEREF2; }
        return RUNNING;
      }
      case A_DEREF2: { // scp->sc_state != SC_ONPROC: the owner is not running, stop spinning
        const va = t.r1 + SC_STATE;
        const state = m.load8(t, va, n.f_sc_state, n.mutex_trylock_adaptive);
        if (state === FAULT) {
          m.segv(t, 'mutex_trylock_adaptive', va, `reading sc_state through ul_schedctl ${hex(t.r1)} of owner ${hex(t.r0)}`);
          return RUNNING;
        }
        if (state !== SC_ONPROC) t.pc = A_DECR_FAIL;
        else this.nextSpin(t);
        return RUNNING;
      }
      case A_DECR_FAIL:
        m.add32(t, mp + MUTEX_OWNERPID, -1, n.f_spinners, n.mutex_trylock_adaptive);
        this.toQueue(m, t);
        return RUNNING;
      // ---- mutex_lock_queue: per-process sleep queue ---------------------------------
      case Q_WAITERS:
        m.store8(t, mp + MUTEX_WAITERS, 1, n.f_waiters, n.mutex_lock_queue);
        t.pc = Q_TRY;
        return RUNNING;
      case Q_TRY:
        this.queueTry(m, t, mp);
        return RUNNING;
      case Q_DEQSELF: {
        m.unqueue(t);
        const more = m.queueLength(this.userKeys[t.proc.index]!) > 0 ? 1 : 0;
        m.store8(t, mp + MUTEX_WAITERS, more, n.f_waiters, n.mutex_lock_queue);
        t.pc = 0;
        return DONE;
      }
      case Q_WOKE: // back from lwp_park
        if (t.waitKey === '') { // mutex_wakeup took us off the queue
          if (m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0) t.pc = Q_OWNER2;
          else { this.queues.enqueue(m, t); t.pc = Q_WAITERS; }
        } else this.queueTry(m, t, mp);
        return RUNNING;
      // ---- USYNC_PROCESS ----------------------------------------------------------------
      case P_FAST:
        t.pc = m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0 ? P_OWNER : P_SPIN_OWNER;
        return RUNNING;
      case P_PID:
        m.store32(t, mp + MUTEX_OWNERPID, t.proc.pid, n.f_ownerpid, n.mutex_trylock_process);
        t.pc = 0;
        return DONE;
      case P_SPIN_OWNER: // mutex_trylock_process: count = ncpus > 1 ? ul_adaptive_spin : 0
        if (this.ncpus <= 1) return this.kernelLock(m, t, mp);
        t.count = ADAPTIVE_SPIN;
        t.r0 = m.load64(t, mp + MUTEX_OWNER, n.f_owner, n.mutex_trylock_process, OP.owner_read);
        t.pc = P_SPIN_PID;
        return RUNNING;
      case P_SPIN_PID:
        t.r1 = m.load32(t, mp + MUTEX_OWNERPID, n.f_ownerpid, n.mutex_trylock_process);
        t.pc = P_SPIN_TEST;
        return RUNNING;
      case K_LOCK:
        return this.kernelLock(m, t, mp);
      default:
        throw new Error(`solaris10 lock: bad pc ${t.pc}`);
    }
  }

  private nextSpin(t: SimThread): void {
    t.pc = ++t.count < ADAPTIVE_SPIN ? A_TEST : A_DECR_FAIL;
  }

  /** mutex_lock_queue: enqueue ourself on this process's sleep queue, then set the waiters byte. */
  private toQueue(m: Machine, t: SimThread): void {
    this.queues.enqueue(m, t);
    t.pc = Q_WAITERS;
  }

  /** set_lock_byte under the queue lock; on failure queue_unlock + lwp_park (one step). */
  private queueTry(m: Machine, t: SimThread, mp: number): void {
    const n = this.n;
    if (m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0) { t.pc = Q_OWNER; return; }
    t.pc = Q_WOKE;
    m.park(t, this.userWaits[t.proc.index]!, mp, n.mutex_lock_queue);
  }

  /**
   * lwp_mutex_timedlock in the kernel, atomic under the lwpchan lock: take the lock byte (and
   * set ownerpid) if free, else set the waiters byte and sleep on the (segment, offset) lwpchan.
   */
  private kernelLock(m: Machine, t: SimThread, mp: number): number {
    t.pc = lwpMutexTimedlock(m, t, this.n, mp, this.kernelQueues[t.proc.index]!, true) ? K_OWNER : K_LOCK;
    return RUNNING;
  }

  unlock(m: Machine, t: SimThread): number {
    const n = this.n;
    const mp = t.proc.mutexVa;
    switch (t.pc) {
      case U_ENTRY: {
        if (m.tr !== null) m.tr.push(OP.unlock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, n.mutex_unlock);
        const type = m.load8(t, mp + MUTEX_TYPE, n.f_type, n.mutex_unlock);
        t.pc = type & USYNC_PROCESS ? PU_LOCKW : type === USYNC_THREAD && this.single[t.proc.index] ? SU_OWNER0 : U_LOCKW;
        return RUNNING;
      }
      // ---- one thread in the process: plain stores, "there can be no waiters" ------------
      case SU_OWNER0:
        m.store64(t, mp + MUTEX_OWNER, 0, n.f_owner, n.mutex_unlock);
        t.pc = SU_LOCKWORD;
        return RUNNING;
      case SU_LOCKWORD: // mp->mutex_lockword = 0: lock byte AND waiters byte, and no wake-up
        m.store32(t, mp + MUTEX_LOCKWORD, 0, n.f_lockword, n.mutex_unlock);
        t.pc = 0;
        return DONE;
      // ---- mutex_unlock_queue ---------------------------------------------------------
      case U_LOCKW:
        t.pc = m.load32(t, mp + MUTEX_LOCKWORD, n.f_lockword, n.mutex_unlock_queue) & WAITERMASK ? UW_OWNER0 : U_OWNER0;
        return RUNNING;
      case U_OWNER0:
        m.store64(t, mp + MUTEX_OWNER, 0, n.f_owner, n.mutex_unlock_queue);
        t.pc = U_SWAP0;
        return RUNNING;
      case U_SWAP0:
        if (m.swap32(t, mp + MUTEX_LOCKWORD, 0, n.f_lockword, n.mutex_unlock_queue) & WAITERMASK) { t.pc = U_WAKE; return RUNNING; }
        t.pc = 0;
        return DONE;
      case UW_OWNER0:
        m.store64(t, mp + MUTEX_OWNER, 0, n.f_owner, n.mutex_unlock_queue);
        t.pc = UW_SWAP;
        return RUNNING;
      case UW_SWAP: // clear the lock, keep the waiter bit
        m.swap32(t, mp + MUTEX_LOCKWORD, WAITER, n.f_lockword, n.mutex_unlock_queue);
        t.count = RELEASE_SPIN;
        t.pc = UW_SPIN;
        return RUNNING;
      case UW_SPIN: // spin only while someone is spinning to acquire
        t.pc = t.count > 0 && m.load32(t, mp + MUTEX_OWNERPID, n.f_spinners, n.mutex_unlock_queue) !== 0 ? UW_LOCKP : UW_CLRW;
        return RUNNING;
      case UW_LOCKP:
        if (m.load8(t, mp + MUTEX_LOCKW, n.f_lockw, n.mutex_unlock_queue) !== 0) { t.pc = 0; return DONE; } // a spinner took it
        t.count--;
        t.pc = UW_SPIN;
        return RUNNING;
      case UW_CLRW:
        m.store8(t, mp + MUTEX_WAITERS, 0, n.f_waiters, n.mutex_unlock_queue);
        t.pc = U_WAKE;
        return RUNNING;
      case U_WAKE: // mutex_wakeup: dequeue a waiter from THIS process's queue
        return mutexWakeupStep(m, t, n, mp, this.userKeys[t.proc.index]!, U_UNPARK);
      case U_UNPARK:
        return unparkWokenStep(m, t, n, mp);
      // ---- USYNC_PROCESS ----------------------------------------------------------------
      case PU_LOCKW:
        t.pc = m.load32(t, mp + MUTEX_LOCKWORD, n.f_lockword, n.mutex_unlock) & WAITERMASK ? PW_OWNER0 : PU_OWNER0;
        return RUNNING;
      case PU_OWNER0:
      case PW_OWNER0:
        m.store64(t, mp + MUTEX_OWNER, 0, n.f_owner, t.pc === PU_OWNER0 ? n.mutex_unlock : n.mutex_unlock_process);
        t.pc = t.pc === PU_OWNER0 ? PU_PID0 : PW_PID0;
        return RUNNING;
      case PU_PID0:
      case PW_PID0:
        m.store32(t, mp + MUTEX_OWNERPID, 0, n.f_ownerpid, t.pc === PU_PID0 ? n.mutex_unlock : n.mutex_unlock_process);
        t.pc = t.pc === PU_PID0 || this.ncpus <= 1 ? PU_SWAP : PW_SWAP;
        return RUNNING;
      case PU_SWAP:
        if (m.swap32(t, mp + MUTEX_LOCKWORD, 0, n.f_lockword, n.mutex_unlock) & WAITERMASK) { t.pc = K_WAKE; return RUNNING; }
        t.pc = 0;
        return DONE;
      case PW_SWAP:
        m.swap32(t, mp + MUTEX_LOCKWORD, WAITER, n.f_lockword, n.mutex_unlock_process);
        t.count = RELEASE_SPIN;
        t.pc = PW_SPIN;
        return RUNNING;
      case PW_SPIN:
        if (--t.count < 0) { t.pc = PW_CLRW; return this.unlock(m, t); }
        if (m.load8(t, mp + MUTEX_LOCKW, n.f_lockw, n.mutex_unlock_process) !== 0) { t.pc = 0; return DONE; }
        return RUNNING;
      case PW_CLRW:
        m.store8(t, mp + MUTEX_WAITERS, 0, n.f_waiters, n.mutex_unlock_process);
        t.pc = K_WAKE;
        return RUNNING;
      case K_WAKE: // lwp_mutex_wakeup in the kernel: one waiter of the (segment, offset) lwpchan
        lwpMutexWakeup(m, t, n, mp, this.kernelQueues[t.proc.index]!.key);
        t.pc = 0;
        return DONE;
      default:
        throw new Error(`solaris10 unlock: bad pc ${t.pc}`);
    }
  }
}

export const solaris10 = solarisPlatform('solaris10', 'Solaris 10 (libc of 2005)', 'historical',
  (m: Machine, spec: Spec) => (spec.robust ? new SolarisRobustMutex(m, 'historical', spec.cpus) : new Solaris10Mutex(m, spec.cpus)));
