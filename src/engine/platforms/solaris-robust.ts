// Process-shared robust mutexes of the Solaris family, as a step program.
// 'historical' (Solaris 9 and 10 as shipped): mutex_init(mp, USYNC_PROCESS_ROBUST) registers the
// mutex with the kernel (lwp_mutex_init), and every lock and unlock is a system call
// (lwp_mutex_timedlock / lwp_mutex_unlock) that takes the lock byte and sets mutex_ownerpid under
// the lwpchan lock. After EOWNERDEAD the application calls mutex_init again, which the kernel
// takes as "make it consistent" (it clears LOCK_OWNERDEAD).
// 'attribute' (illumos): USYNC_PROCESS | LOCK_ROBUST. mutex_lock_internal registers the lock
// (register_lock -> lwp_mutex_register), then mutex_trylock_process sets the lock byte and
// mutex_ownerpid in one atomic step (set_lock_byte64), spinning only with more than one CPU,
// before sleeping in lwp_mutex_timedlock; unlock is mutex_unlock_process (clear_lockbyte64, then
// lwp_mutex_wakeup if there are waiters); the application calls mutex_consistent.
// Both: when a process dies, the kernel runs lwp_mutex_cleanup on every robust mutex in its
// lwpchan cache; one whose mutex_ownerpid is the dying pid gets LOCK_OWNERDEAD, loses its owner
// and lock byte, and one waiter is woken. The next locker gets EOWNERDEAD.
// Not modelled: the spinner count of mutex_trylock_process (so unlock always wakes a waiter) and
// the LOCK_NOTRECOVERABLE short-cuts, which this workload never reaches (it always recovers).
import { hex } from '../machine/memory.js';
import { OP } from '../machine/trace-buffer.js';
import type { Machine } from '../machine/machine.js';
import type { SimProcess, SimThread } from '../machine/process.js';
import type { Spec } from '../spec.js';
import { DONE, RUNNING, type MutexProgram, type Recovery, type RobustModel } from './platform.js';
import {
  ADAPTIVE_SPIN, LOCKMASK, LOCK_INITED, LOCK_NOTRECOVERABLE, LOCK_OWNERDEAD, LOCK_UNMAPPED, MUTEX_FLAG, MUTEX_LOCKW, MUTEX_LOCKWORD, MUTEX_OWNER,
  MUTEX_OWNERPID, MUTEX_SPINNERS_BYTE, MUTEX_TYPE, MUTEX_WAITERS, WAITERMASK, lwpchanShared, solarisFlagNames, type RobustSpelling,
} from './solaris-mutex.js';

const DEAD_BITS = LOCK_OWNERDEAD | LOCK_UNMAPPED;

// Lock program counters.
const L_ENTRY = 0, U_TRY = 1, S_TEST = 2, S_SET = 3, U_OWNER = 4, U_FLAG = 5, K_LOCK = 6, K_OWNER = 7, C_INIT = 8, C_HELD = 9, C_FLAG = 10, C_CLEAR = 11;
// Unlock program counters.
const R_ENTRY = 0, R_FLAG = 1, R_NOTREC = 2, R_OWNER0 = 3, R_PID0 = 4, R_KUNLOCK = 5, R_CLEAR = 6, R_WAKE = 7;

export class SolarisRobustMutex implements MutexProgram {
  recoveries: Recovery[] = [];
  private readonly kernelKeys: string[];
  /** The process has this mutex in its lwpchan cache (lwp_mutex_init / lwp_mutex_register), by index. */
  private readonly registered: boolean[];
  private readonly f: Record<'flag' | 'type' | 'lockw' | 'lockword' | 'waiters' | 'owner' | 'ownerpid' | 'spinners', number>;
  private readonly fn: Record<'lock' | 'trylock' | 'kernelLock' | 'consistent' | 'unlock' | 'unlockProcess' | 'kernelUnlock' | 'wakeup' | 'cleanup', number>;
  private readonly consistentName: string;

  constructor(m: Machine, private readonly spelling: RobustSpelling, private readonly ncpus: number) {
    this.kernelKeys = m.processes.map((p) => lwpchanShared(p.segment?.shmid ?? 0, p.mutexVa - p.attachAddress));
    // The creator's mutex_init registers it; every other process registers on its first lock.
    this.registered = m.processes.map(() => false);
    const k = (s: string) => m.name(s);
    this.f = { flag: k('mutex_flag'), type: k('mutex_type'), lockw: k('mutex_lockw'), lockword: k('mutex_lockword'), waiters: k('mutex_waiters'), owner: k('mutex_owner'), ownerpid: k('mutex_ownerpid'), spinners: k('mutex_spinners') };
    const historical = spelling === 'historical';
    this.consistentName = historical ? 'mutex_init(USYNC_PROCESS_ROBUST)' : 'mutex_consistent';
    this.fn = {
      lock: k('mutex_lock'), trylock: k('mutex_trylock_process'), kernelLock: k('lwp_mutex_timedlock'),
      consistent: k(historical ? 'lwp_mutex_init' : 'mutex_consistent'), unlock: k('mutex_unlock'), unlockProcess: k('mutex_unlock_process'),
      kernelUnlock: k('lwp_mutex_unlock'), wakeup: k('lwp_mutex_wakeup'), cleanup: k('lwp_mutex_cleanup'),
    };
  }

  reset(): void {
    this.recoveries = [];
    this.registered.fill(false);
  }

  lock(m: Machine, t: SimThread): number {
    const mp = t.proc.mutexVa;
    switch (t.pc) {
      case L_ENTRY:
        if (m.tr !== null) m.tr.push(OP.lock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, this.fn.lock);
        m.load8(t, mp + MUTEX_TYPE, this.f.type, this.fn.lock);
        this.registered[t.proc.index] = true; // lwp_mutex_register (illumos) / the lwpchan entry of the first system call
        t.pc = this.spelling === 'historical' ? K_LOCK : U_TRY; // USYNC_PROCESS_ROBUST goes straight to the kernel
        return RUNNING;
      case U_TRY: // set_lock_byte64: lock byte and ownerpid in one atomic step
        if (this.setLockByte64(m, t, mp)) t.pc = U_OWNER;
        else if (this.ncpus > 1) { t.count = ADAPTIVE_SPIN; t.pc = S_TEST; }
        else t.pc = K_LOCK;
        return RUNNING;
      case S_TEST: // "we cannot know if the owner is running on a processor, we just spin and hope"
        if (--t.count < 0) { t.pc = K_LOCK; return this.lock(m, t); }
        if (m.load8(t, mp + MUTEX_LOCKW, this.f.lockw, this.fn.trylock) === 0) t.pc = S_SET;
        return RUNNING;
      case S_SET:
        t.pc = this.setLockByte64(m, t, mp) ? U_OWNER : S_TEST;
        return RUNNING;
      case U_OWNER:
        m.store64(t, mp + MUTEX_OWNER, t.ulwp, this.f.owner, this.fn.trylock);
        t.pc = U_FLAG;
        return RUNNING;
      case U_FLAG: { // acquired: LOCK_OWNERDEAD means EOWNERDEAD
        const flag = m.load8(t, mp + MUTEX_FLAG, this.f.flag, this.fn.trylock);
        if (flag & LOCK_OWNERDEAD) return this.ownerDead(m, t, flag, this.fn.trylock);
        t.pc = 0;
        return DONE;
      }
      case K_LOCK:
        this.kernelLock(m, t, mp);
        return RUNNING;
      case K_OWNER: // mutex_owner = curthread once the system call returned 0 or EOWNERDEAD
        m.store64(t, mp + MUTEX_OWNER, t.ulwp, this.f.owner, this.fn.kernelLock);
        if (t.r0 & LOCK_OWNERDEAD) return this.ownerDead(m, t, t.r0, this.fn.kernelLock);
        t.pc = 0;
        return DONE;
      case C_INIT: { // historical: mutex_init again -> lwp_mutex_init, atomic under the lwpchan lock
        const flag = m.load8(t, mp + MUTEX_FLAG, this.f.flag, this.fn.consistent);
        const ok = (flag & LOCK_INITED) !== 0 && (flag & DEAD_BITS) !== 0; // otherwise EBUSY
        if (ok) m.store8(t, mp + MUTEX_FLAG, flag & ~DEAD_BITS, this.f.flag, this.fn.consistent);
        this.recover(m, t, ok ? 0 : 16 /* EBUSY */);
        t.pc = 0;
        return DONE;
      }
      case C_HELD: // mutex_consistent: mutex_held() of a USYNC_PROCESS mutex compares mutex_ownerpid
        if (m.load32(t, mp + MUTEX_OWNERPID, this.f.ownerpid, this.fn.consistent) !== t.proc.pid) return this.einval(m, t);
        t.pc = C_FLAG;
        return RUNNING;
      case C_FLAG: {
        const flag = m.load8(t, mp + MUTEX_FLAG, this.f.flag, this.fn.consistent);
        if ((flag & LOCK_INITED) === 0 || (flag & DEAD_BITS) === 0) return this.einval(m, t);
        t.r1 = flag;
        t.pc = C_CLEAR;
        return RUNNING;
      }
      case C_CLEAR:
        m.store8(t, mp + MUTEX_FLAG, t.r1 & ~DEAD_BITS, this.f.flag, this.fn.consistent);
        this.recover(m, t, 0);
        t.pc = 0;
        return DONE;
      default:
        throw new Error(`solaris robust lock: bad pc ${t.pc}`);
    }
  }

  /** set_lock_byte64 (illumos): the lock byte and mutex_ownerpid together, or nothing. */
  private setLockByte64(m: Machine, t: SimThread, mp: number): boolean {
    if (m.xchg8(t, mp + MUTEX_LOCKW, 1, this.f.lockw, this.fn.trylock) !== 0) return false;
    m.store32(t, mp + MUTEX_OWNERPID, t.proc.pid, this.f.ownerpid, this.fn.trylock);
    return true;
  }

  /**
   * lwp_mutex_timedlock, atomic under the lwpchan lock: remember the waiters byte and set it,
   * try the lock byte; on success set mutex_ownerpid, put the waiters byte back and read
   * mutex_flag (LOCK_OWNERDEAD -> EOWNERDEAD, kept in r0); else sleep on the shared lwpchan
   * and run the same step again when woken.
   */
  private kernelLock(m: Machine, t: SimThread, mp: number): void {
    const { f } = this;
    const fn = this.fn.kernelLock;
    m.kernel = true; // the kernel's stores: watchpoints do not see them
    const waiters = m.load8(t, mp + MUTEX_WAITERS, f.waiters, fn);
    m.store8(t, mp + MUTEX_WAITERS, 1, f.waiters, fn);
    if (m.xchg8(t, mp + MUTEX_LOCKW, 1, f.lockw, fn) === 0) {
      m.store32(t, mp + MUTEX_OWNERPID, t.proc.pid, f.ownerpid, fn);
      m.store8(t, mp + MUTEX_WAITERS, waiters, f.waiters, fn);
      t.r0 = m.load8(t, mp + MUTEX_FLAG, f.flag, fn);
      m.kernel = false;
      t.pc = K_OWNER;
      return;
    }
    m.kernel = false;
    const key = this.kernelKeys[t.proc.index]!;
    m.enqueue(key, t);
    if (!m.park(t, `lwp_mutex_timedlock: kernel sleep queue ${key} (robust mutex ${hex(mp)})`, mp, fn)) m.unqueue(t);
  }

  /** The locker got EOWNERDEAD: note it, then make the mutex consistent (the workload always recovers). */
  private ownerDead(m: Machine, t: SimThread, flag: number, fn: number): number {
    t.r1 = flag;
    t.count = this.lockWord(t); // the lock word as the new owner found it, for the evidence
    if (m.tr !== null) { m.tr.push(OP.acquired, t.gtid, t.cpu, m.now, t.proc.mutexVa, flag, NaN, this.f.flag, fn); m.tr.text(`EOWNERDEAD: mutex_flag was ${hex(flag)} (${solarisFlagNames(flag)})`); }
    t.pc = this.spelling === 'historical' ? C_INIT : C_HELD;
    t.r0 = flag; // mutexFlagBefore
    return RUNNING;
  }

  /** mutex_consistent refused (EINVAL): the lock is held all the same; the evidence shows the rc. */
  private einval(m: Machine, t: SimThread): number { this.recover(m, t, 22); t.pc = 0; return DONE; }

  private recover(m: Machine, t: SimThread, rc: number): void {
    const b = t.proc.segment!.backing.u8, off = t.proc.mutexVa - t.proc.attachAddress;
    this.recoveries.push({
      index: t.proc.index, pid: t.proc.pid, tid: t.tid, t: m.now, lockWord: hex(this.lockWord(t)), lockWordBefore: hex(t.count >>> 0), consistentRc: rc,
      mutexFlag: hex(b[off + MUTEX_FLAG]!), mutexFlagBefore: hex(t.r0), consistent: this.consistentName,
    });
  }

  /** mutex_lockword as memory holds it (evidence only, not a simulated access). */
  private lockWord(t: SimThread): number {
    const u8 = t.proc.segment!.backing.u8, o = t.proc.mutexVa - t.proc.attachAddress + MUTEX_LOCKWORD;
    return (u8[o]! | (u8[o + 1]! << 8) | (u8[o + 2]! << 16) | (u8[o + 3]! << 24)) >>> 0;
  }

  unlock(m: Machine, t: SimThread): number {
    const { f } = this;
    const mp = t.proc.mutexVa;
    const historical = this.spelling === 'historical';
    switch (t.pc) {
      case R_ENTRY:
        if (m.tr !== null) m.tr.push(OP.unlock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, this.fn.unlock);
        m.load8(t, mp + MUTEX_TYPE, f.type, this.fn.unlock);
        t.pc = historical ? R_OWNER0 : R_FLAG;
        return RUNNING;
      case R_FLAG: // mutex_unlock_internal: still LOCK_OWNERDEAD = never made consistent
        t.r1 = m.load8(t, mp + MUTEX_FLAG, f.flag, this.fn.unlock);
        t.pc = t.r1 & DEAD_BITS ? R_NOTREC : R_OWNER0;
        return RUNNING;
      case R_NOTREC:
        m.store8(t, mp + MUTEX_FLAG, (t.r1 & ~DEAD_BITS) | LOCK_NOTRECOVERABLE, f.flag, this.fn.unlock);
        t.pc = R_OWNER0;
        return RUNNING;
      case R_OWNER0:
        m.store64(t, mp + MUTEX_OWNER, 0, f.owner, historical ? this.fn.unlock : this.fn.unlockProcess);
        t.pc = historical ? R_PID0 : R_CLEAR;
        return RUNNING;
      case R_PID0:
        m.store32(t, mp + MUTEX_OWNERPID, 0, f.ownerpid, this.fn.unlock);
        t.pc = R_KUNLOCK;
        return RUNNING;
      case R_KUNLOCK: { // lwp_mutex_unlock, atomic under the lwpchan lock
        const fn = this.fn.kernelUnlock;
        m.kernel = true;
        const flag = m.load8(t, mp + MUTEX_FLAG, f.flag, fn);
        if (flag & DEAD_BITS) m.store8(t, mp + MUTEX_FLAG, (flag & ~DEAD_BITS) | LOCK_NOTRECOVERABLE, f.flag, fn);
        m.store32(t, mp + MUTEX_OWNERPID, 0, f.ownerpid, fn);
        m.store8(t, mp + MUTEX_LOCKW, 0, f.lockw, fn);
        if (m.load8(t, mp + MUTEX_WAITERS, f.waiters, fn) !== 0) this.release(m, t, fn);
        m.kernel = false;
        t.pc = 0;
        return DONE;
      }
      case R_CLEAR: { // clear_lockbyte64: the lock byte and mutex_ownerpid, keeping waiters and spinners
        const fn = this.fn.unlockProcess;
        const old = m.load32(t, mp + MUTEX_LOCKWORD, f.lockword, fn);
        m.swap32(t, mp + MUTEX_LOCKWORD, old & ~LOCKMASK, f.lockword, fn);
        m.store32(t, mp + MUTEX_OWNERPID, 0, f.ownerpid, fn);
        if (old & WAITERMASK) { t.pc = R_WAKE; return RUNNING; }
        t.pc = 0;
        return DONE;
      }
      case R_WAKE:
        this.release(m, t, this.fn.wakeup);
        t.pc = 0;
        return DONE;
      default:
        throw new Error(`solaris robust unlock: bad pc ${t.pc}`);
    }
  }

  /** lwp_release: wake one sleeper of the shared lwpchan and set the waiters byte to "more?". */
  private release(m: Machine, by: SimThread, fn: number): void {
    const key = this.kernelKeys[by.proc.index]!;
    const w = m.dequeue(key);
    if (w === null) return;
    const inKernel = m.kernel;
    m.kernel = true;
    m.store8(by, by.proc.mutexVa + MUTEX_WAITERS, m.queueLength(key) > 0 ? 1 : 0, this.f.waiters, fn);
    m.kernel = inKernel;
    m.unpark(by, w, by.proc.mutexVa, fn);
  }

  /**
   * lwp_mutex_cleanup at the exit of process p, for the robust mutex in its lwpchan cache. The
   * historical kernel clears only mutex_ownerpid and the lock byte (mutex_owner keeps the dead
   * thread's ulwp_t); illumos's lwp_clear_mutex clears both owner fields and the spinner count.
   */
  processDied(m: Machine, p: SimProcess): void {
    if (!this.registered[p.index]) return;
    m.kernel = true;
    this.cleanup(m, p);
    m.kernel = false;
  }

  private cleanup(m: Machine, p: SimProcess): void {
    const { f } = this;
    const fn = this.fn.cleanup;
    const t = p.threads[0]!;
    const mp = p.mutexVa;
    const ownerPid = m.load32(t, mp + MUTEX_OWNERPID, f.ownerpid, fn);
    if (this.spelling === 'attribute') m.store8(t, mp + MUTEX_SPINNERS_BYTE, 0, f.spinners, fn);
    if (ownerPid !== p.pid) {
      // illumos wakes the waiters of a mutex it does not own "in error" (they retry); the historical kernel leaves it.
      if (this.spelling === 'attribute' && m.load8(t, mp + MUTEX_WAITERS, f.waiters, fn) !== 0) this.release(m, t, fn);
      return;
    }
    const flag = m.load8(t, mp + MUTEX_FLAG, f.flag, fn);
    if ((flag & (DEAD_BITS | LOCK_NOTRECOVERABLE)) === 0) m.store8(t, mp + MUTEX_FLAG, flag | LOCK_OWNERDEAD, f.flag, fn);
    if (this.spelling === 'attribute') m.store64(t, mp + MUTEX_OWNER, 0, f.owner, fn);
    m.store32(t, mp + MUTEX_OWNERPID, 0, f.ownerpid, fn);
    m.store8(t, mp + MUTEX_LOCKW, 0, f.lockw, fn); // ulock_clear
    if (m.load8(t, mp + MUTEX_WAITERS, f.waiters, fn) !== 0) this.release(m, t, fn);
  }
}

/** The robust-mutex facts of a Solaris-family platform, for the spec check and the verdict. */
export function solarisRobustModel(name: string, spelling: RobustSpelling): RobustModel {
  const historical = spelling === 'historical';
  return {
    unsupported(spec: Spec) {
      if (!spec.robust || spec.sharing.shared || !historical) return null;
      return {
        field: 'robust',
        message: `${name} has no robust process-private mutex: mutex_init accepts only USYNC_PROCESS_ROBUST (process-shared) as a robust type and returns EINVAL for anything else, and pthread_mutex_init refuses a robust mutex that is not PTHREAD_PRIO_INHERIT; use mutexType USYNC_PROCESS with robust (or platform illumos, which has USYNC_THREAD|LOCK_ROBUST)`,
      };
    },
    cleanup: historical
      ? "the kernel's exit-time clean-up of the USYNC_PROCESS_ROBUST mutexes in the dead process's lwpchan cache (lwp_mutex_cleanup)"
      : "the kernel's exit-time clean-up of the USYNC_PROCESS|LOCK_ROBUST mutexes the dead process registered (lwp_mutex_register, then lwp_mutex_cleanup)",
    notRecovered(spec: Spec) {
      if (!spec.robust || spec.sharing.shared) return null;
      return 'it is USYNC_THREAD|LOCK_ROBUST: libc marks such a mutex LOCK_OWNERDEAD only when an owning thread exits inside its own process (heldlock_exit), a SIGKILLed process runs no more code, and the kernel cleans up only USYNC_PROCESS|LOCK_ROBUST mutexes registered with lwp_mutex_register';
    },
    // the robust type of the libc of the time, and today's attribute with its own consistency call
    init: historical ? 'mutex_init(&m, USYNC_PROCESS_ROBUST, NULL)' : 'mutex_init(&m, USYNC_PROCESS | LOCK_ROBUST, NULL)',
    consistent: historical ? 'mutex_init again (the USYNC_PROCESS_ROBUST way)' : 'mutex_consistent',
  };
}
