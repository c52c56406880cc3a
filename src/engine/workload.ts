// What every simulated thread runs: `iterations` times lock, read the counter, (a scheduling
// point), write counter + 1, unlock; then exit. Holders inside the critical section are
// counted directly, so a violation is seen when it happens, not only inferred from the counter.
import { OP } from './machine/trace-buffer.js';
import type { Machine } from './machine/machine.js';
import type { SimThread } from './machine/process.js';
import { DONE, type MutexProgram } from './platforms/platform.js';

const LOCK = 0, READ = 1, WRITE = 2, UNLOCK = 3;

export interface WorkloadStats {
  /** Increments actually performed (counter writes). */
  increments: number;
  maxHolders: number;
  violations: number;
}

/** Installs the workload as the machine's thread program; returns its live statistics. */
export function loadWorkload(m: Machine, mutex: MutexProgram, iterations: number, segments: number): WorkloadStats {
  const stats: WorkloadStats = { increments: 0, maxHolders: 0, violations: 0 };
  const holders = new Int32Array(segments + 1); // by shmid
  const fCounter = m.name('counter');
  const fnWorkload = m.name('critical_section');
  // A thread stopped inside the critical section no longer holds it for counting purposes.
  m.onStop = (t: SimThread): void => { if (t.phase === READ || t.phase === WRITE) holders[t.proc.segment!.shmid]!--; };
  m.program = (t: SimThread): void => {
    switch (t.phase) {
      case LOCK:
        if (mutex.lock(m, t) === DONE) {
          const sid = t.proc.segment!.shmid;
          const h = ++holders[sid]!;
          if (h > 1) stats.violations++;
          if (h > stats.maxHolders) stats.maxHolders = h;
          t.acquisitions++;
          t.proc.acquisitions++;
          if (m.tr !== null) {
            // an error return (EDEADLK) took nothing; the program enters its critical section all the same
            if (t.lockRc === 0) m.tr.push(OP.acquired, t.gtid, t.cpu, m.now, t.proc.mutexVa, NaN, NaN, 0, 0);
            m.tr.push(OP.cs_enter, t.gtid, t.cpu, m.now, t.proc.mutexVa, h, NaN, 0, 0);
          }
          t.phase = READ;
        }
        return;
      case READ:
        t.val = m.load32(t, t.proc.counterVa, fCounter, fnWorkload);
        t.phase = WRITE;
        return;
      case WRITE: {
        m.store32(t, t.proc.counterVa, t.val + 1, fCounter, fnWorkload);
        stats.increments++;
        const h = --holders[t.proc.segment!.shmid]!;
        if (m.tr !== null) m.tr.push(OP.cs_exit, t.gtid, t.cpu, m.now, t.proc.mutexVa, h, NaN, 0, 0);
        t.phase = UNLOCK;
        return;
      }
      case UNLOCK:
        if (mutex.unlock(m, t) === DONE) {
          if (++t.iter >= iterations) m.exitThread(t);
          else t.phase = LOCK;
        }
        return;
    }
  };
  return stats;
}
