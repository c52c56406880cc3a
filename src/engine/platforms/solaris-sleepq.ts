// libc's own sleep queues for a USYNC_THREAD mutex (solaris10 and illumos): one per process,
// hashed by the mutex's VIRTUAL address, so only threads of the same process can be found
// there. mutex_lock_queue puts the caller on it and parks; mutex_wakeup takes one off.
import { hex } from '../machine/memory.js';
import type { Machine } from '../machine/machine.js';
import type { SimProcess, SimThread } from '../machine/process.js';
import { MUTEX_WAITERS, userQueueKey } from './solaris-mutex.js';
import type { SolarisNames } from './solaris-names.js';
import { DONE, RUNNING } from './platform.js';

/** A process's queue for its mutex: the key, and how a hang's verdict names a sleeper there. */
export function userQueue(p: SimProcess): { key: string; waitingIn: string } {
  return { key: userQueueKey(p.pid, p.mutexVa), waitingIn: `mutex_lock_queue (lwp_park): sleep queue of pid ${p.pid} for mutex ${hex(p.mutexVa)}` };
}

/** thread_queue_fifo's default: every 16th enqueue goes to the tail, the others to the head. */
const QUEUE_FIFO = 4;

/**
 * The per-process libc sleep queues of one run, with enqueue()'s ordering: mostly LIFO (a new
 * sleeper goes to the head, so the last to sleep is the first woken), FIFO every 2^(8 - 4) =
 * 16th time, counted by the queue head's 8-bit qh_qcnt. All sleepers here have the same
 * priority, so "before the first thread of lower or equal priority" is the head. The 2005
 * code counts every enqueue; today's illumos counts only those onto a non-empty queue.
 */
export class UserSleepQueues {
  readonly keys: string[];
  /** What a hang names for a sleeper on its process's queue, by process index. */
  readonly waits: string[];
  private readonly qcnt: Uint8Array;

  constructor(processes: SimProcess[], private readonly countEmpty: boolean) {
    const queues = processes.map(userQueue);
    this.keys = queues.map((q) => q.key);
    this.waits = queues.map((q) => q.waitingIn);
    this.qcnt = new Uint8Array(processes.length);
  }

  /** A new run on the same machine: the queue heads start over. */
  reset(): void { this.qcnt.fill(0); }

  /** enqueue(qp, self, mp, MX) on t's own process's queue. */
  enqueue(m: Machine, t: SimThread): void {
    const i = t.proc.index;
    const key = this.keys[i]!;
    const empty = m.queueLength(key) === 0;
    let fifo = false;
    if (this.countEmpty || !empty) fifo = ((++this.qcnt[i]! << QUEUE_FIFO) & 0xff) === 0;
    m.enqueue(key, t, !empty && !fifo);
  }
}

/**
 * mutex_wakeup: dequeue the first sleeper of `key` and set the waiters byte to whether others
 * remain. Returns the sleeper (the caller unparks it in its next step), or null.
 */
export function mutexWakeup(m: Machine, t: SimThread, n: SolarisNames, mp: number, key: string): SimThread | null {
  const w = m.dequeue(key);
  if (w === null) return null;
  m.store8(t, mp + MUTEX_WAITERS, m.queueLength(key) > 0 ? 1 : 0, n.f_waiters, n.mutex_wakeup);
  return w;
}

/**
 * The unlock step after clearing the lock: mutex_wakeup, remembering the sleeper in t.r1 for the
 * unpark that follows as its own step (`unparkPc`); done when nobody sleeps.
 */
export function mutexWakeupStep(m: Machine, t: SimThread, n: SolarisNames, mp: number, key: string, unparkPc: number): number {
  const w = mutexWakeup(m, t, n, mp, key);
  if (w === null) { t.pc = 0; return DONE; }
  t.r1 = w.gtid;
  t.pc = unparkPc;
  return RUNNING;
}

/** The last unlock step: unpark the sleeper mutexWakeupStep chose. */
export function unparkWokenStep(m: Machine, t: SimThread, n: SolarisNames, mp: number): number {
  m.unpark(t, m.threads[t.r1]!, mp, n.mutex_unlock_queue);
  t.pc = 0;
  return DONE;
}
