// Solaris 9's standard thread library, the one-level "T2" libthread. A contended lock spins
// only when there is more than one CPU, and then only compares mutex_owner / mutex_ownerpid
// VALUES (it never dereferences the owner); after that the locker sleeps in the kernel
// (lwp_mutex_lock). The kernel keys a USYNC_THREAD mutex by (process, virtual address) and a
// USYNC_PROCESS one by (segment, offset): mutual exclusion across processes still holds via
// the shared lock byte, but a wake-up from another process can miss a USYNC_THREAD sleeper.
import { hex } from '../machine/memory.js';
import { OP } from '../machine/trace-buffer.js';
import type { Machine } from '../machine/machine.js';
import type { SimThread } from '../machine/process.js';
import type { Spec } from '../spec.js';
import { DONE, RUNNING, type MutexProgram } from './platform.js';
import {
  ADAPTIVE_SPIN, MUTEX_LOCKW, MUTEX_LOCKWORD, MUTEX_OWNER, MUTEX_OWNERPID, MUTEX_TYPE, USYNC_PROCESS, WAITERMASK, lwpchanPrivate, lwpchanShared,
} from './solaris-mutex.js';
import { SolarisNames } from './solaris-names.js';
import { SolarisRobustMutex } from './solaris-robust.js';
import { lwpMutexTimedlock, lwpMutexWakeup, type KernelQueue } from './solaris-kernel.js';
import { solarisPlatform } from './solaris-platform.js';

const L_ENTRY = 0, L_FAST = 1, L_OWNER = 2, L_PID = 3, S_OWNER = 4, S_TEST = 5, S_SET = 6, S_CMP = 7, K_LOCK = 8;
const U_ENTRY = 0, U_OWNER0 = 1, U_PID0 = 2, U_SWAP = 3, K_WAKE = 4;

class Solaris9Mutex implements MutexProgram {
  private readonly n: SolarisNames;
  private readonly threadQueues: KernelQueue[];
  private readonly processQueues: KernelQueue[];

  constructor(m: Machine, private readonly ncpus: number) {
    this.n = new SolarisNames(m);
    const queue = (key: string, mp: number): KernelQueue => ({ key, waitingIn: `lwp_mutex_lock: kernel sleep queue ${key} (mutex ${hex(mp)})` });
    this.threadQueues = m.processes.map((p) => queue(lwpchanPrivate(p.pid, p.mutexVa), p.mutexVa));
    this.processQueues = m.processes.map((p) => queue(lwpchanShared(p.segment?.shmid ?? 0, p.mutexVa - p.attachAddress), p.mutexVa));
  }

  /** The lwpchan of the mutex as t's process sees it; r0 holds the mutex_type read at entry (bit 0 = USYNC_PROCESS). */
  private queue(t: SimThread): KernelQueue { return (t.r0 & USYNC_PROCESS ? this.processQueues : this.threadQueues)[t.proc.index]!; }

  /** Nothing to forget: the keys and names depend on the processes alone. */
  reset(): void {}

  lock(m: Machine, t: SimThread): number {
    const n = this.n;
    const mp = t.proc.mutexVa;
    switch (t.pc) {
      case L_ENTRY:
        if (m.tr !== null) m.tr.push(OP.lock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, n.mutex_lock);
        t.r0 = m.load8(t, mp + MUTEX_TYPE, n.f_type, n.mutex_lock);
        t.pc = L_FAST;
        return RUNNING;
      case L_FAST:
        if (m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0) t.pc = L_OWNER;
        else if (this.ncpus > 1) { t.count = ADAPTIVE_SPIN; t.pc = S_OWNER; }
        else t.pc = K_LOCK;
        return RUNNING;
      case L_OWNER:
        m.store64(t, mp + MUTEX_OWNER, t.ulwp, n.f_owner, n.mutex_lock);
        if (t.r0 & USYNC_PROCESS) { t.pc = L_PID; return RUNNING; }
        t.pc = 0;
        return DONE;
      case L_PID:
        m.store32(t, mp + MUTEX_OWNERPID, t.proc.pid, n.f_ownerpid, n.mutex_lock);
        t.pc = 0;
        return DONE;
      case S_OWNER: // remember the owner VALUE; the spin never follows it
        t.r1 = m.load64(t, mp + MUTEX_OWNER, n.f_owner, n.mutex_trylock_adaptive, OP.owner_read);
        t.pc = S_TEST;
        return RUNNING;
      case S_TEST:
        if (--t.count < 0) { t.pc = K_LOCK; return this.lock(m, t); }
        t.pc = m.load8(t, mp + MUTEX_LOCKW, n.f_lockw, n.mutex_trylock_adaptive) === 0 ? S_SET : S_CMP;
        return RUNNING;
      case S_SET:
        t.pc = m.xchg8(t, mp + MUTEX_LOCKW, 1, n.f_lockw, n.set_lock_byte) === 0 ? L_OWNER : S_TEST;
        return RUNNING;
      case S_CMP: { // a new owner: start the count over
        const owner = m.load64(t, mp + MUTEX_OWNER, n.f_owner, n.mutex_trylock_adaptive, OP.owner_read);
        if (owner !== t.r1) { t.r1 = owner; t.count = ADAPTIVE_SPIN; }
        t.pc = S_TEST;
        return RUNNING;
      }
      case K_LOCK: // lwp_mutex_lock; mutex_ownerpid is set back in user land (L_PID)
        if (lwpMutexTimedlock(m, t, n, mp, this.queue(t), false)) t.pc = L_OWNER;
        return RUNNING;
      default:
        throw new Error(`solaris9 lock: bad pc ${t.pc}`);
    }
  }

  unlock(m: Machine, t: SimThread): number {
    const n = this.n;
    const mp = t.proc.mutexVa;
    switch (t.pc) {
      case U_ENTRY:
        if (m.tr !== null) m.tr.push(OP.unlock, t.gtid, t.cpu, m.now, mp, NaN, NaN, 0, n.mutex_unlock);
        t.r0 = m.load8(t, mp + MUTEX_TYPE, n.f_type, n.mutex_unlock);
        t.pc = U_OWNER0;
        return RUNNING;
      case U_OWNER0:
        m.store64(t, mp + MUTEX_OWNER, 0, n.f_owner, n.mutex_unlock);
        t.pc = t.r0 & USYNC_PROCESS ? U_PID0 : U_SWAP;
        return RUNNING;
      case U_PID0:
        m.store32(t, mp + MUTEX_OWNERPID, 0, n.f_ownerpid, n.mutex_unlock);
        t.pc = U_SWAP;
        return RUNNING;
      case U_SWAP:
        if (m.swap32(t, mp + MUTEX_LOCKWORD, 0, n.f_lockword, n.mutex_unlock) & WAITERMASK) { t.pc = K_WAKE; return RUNNING; }
        t.pc = 0;
        return DONE;
      case K_WAKE: // lwp_mutex_wakeup: the kernel looks on the lwpchan of THIS process's key
        lwpMutexWakeup(m, t, n, mp, this.queue(t).key);
        t.pc = 0;
        return DONE;
      default:
        throw new Error(`solaris9 unlock: bad pc ${t.pc}`);
    }
  }
}

export const solaris9 = solarisPlatform('solaris9', 'Solaris 9 (T2 libthread)', 'historical',
  (m: Machine, spec: Spec) => (spec.robust ? new SolarisRobustMutex(m, 'historical', spec.cpus) : new Solaris9Mutex(m, spec.cpus)));
