// What every simulated thread runs, `iterations` times: lock; read the counter; the work inside
// the critical section (optionally blocking in the kernel first, holding the mutex); write
// counter + 1; unlock; the work outside the critical section. Then it exits. Holders inside the
// critical section are counted directly, so a violation is seen when it happens, not only
// inferred from the counter.
//
// Timing (spec.work): a step of work is a step of the machine that touches no shared memory.
// Every work period (and every kernel sleep) is drawn from base +- spread% with a generator of
// the thread's own (seeded from the run's seed and the thread), so a thread's work does not
// depend on how it was interleaved: a replayed or shrunk schedule sees the same program.
import { OP } from './machine/trace-buffer.js';
import type { Machine } from './machine/machine.js';
import type { SimThread } from './machine/process.js';
import { Prng } from './prng.js';
import { DONE, type MutexProgram } from './platforms/platform.js';
import type { Spec, WorkTiming } from './spec.js';

const LOCK = 0, READ = 1, WRITE = 2, UNLOCK = 3, INSIDE = 4, OUTSIDE = 5, YIELD = 6;
// The workload's program also calls sched_yield after every `work.yieldEvery`th unlock, as the
// native probe does under SCHED_RR with more threads than CPUs (its interleave=auto).

/** Steps of an uncontended lock / read / write / unlock cycle without work, about (Solaris 10: 3 + 2 + 4). */
export const LOCK_CYCLE_STEPS = 10;
/**
 * A time slice is this many lock cycles of the workload (cycle = LOCK_CYCLE_STEPS + the work
 * inside + the work outside), drawn per slice. A real 10 ms slice is thousands of cycles of a
 * few microseconds; here a slice is a few dozen, so that runs of a few hundred iterations still
 * see the preemptions that matter, while a holder is still rarely preempted inside a short
 * critical section. With no work this is 20..400 steps.
 */
export const SLICE_CYCLES = { min: 2, max: 40 } as const;

export interface WorkloadStats {
  /** Increments actually performed (counter writes). */
  increments: number;
  maxHolders: number;
  violations: number;
  /** sched_yield calls (work.yieldEvery) and the steps they kept their CPUs in the kernel. */
  yields: number;
  yieldSteps: number;
}

/** The time slice range (in steps) of a spec's workload. */
export function timeSlice(work: WorkTiming): { min: number; max: number } {
  const cycle = LOCK_CYCLE_STEPS + work.inside + work.outside;
  return { min: SLICE_CYCLES.min * cycle, max: SLICE_CYCLES.max * cycle };
}

/** Base +- spread% of it, drawn from the thread's generator (base unchanged when spread is 0). */
function draw(prng: Prng, base: number, spread: number): number {
  if (base === 0 || spread === 0) return base;
  const d = Math.floor((base * spread) / 100);
  return base - d + prng.below(2 * d + 1);
}

/** Installs the workload as the machine's thread program; returns its live statistics. */
export function loadWorkload(m: Machine, mutex: MutexProgram, spec: Spec, segments: number): WorkloadStats {
  const iterations = spec.iterations;
  // Each thread's timing is its process's (spec.processes[i].work, spec.work unless overridden).
  const works = m.threads.map((t) => spec.processes[t.proc.index]?.work ?? spec.work);
  // Read at every unlock. Filled by a loop: Int32Array.from with a map function takes V8's
  // generic iteration path (about 500 ns against 70 for the loop, Node 20), and an exploration
  // loads the workload for every schedule (6% of bench:explore's profile).
  const yieldEvery = new Int32Array(works.length);
  for (let i = 0; i < works.length; i++) yieldEvery[i] = works[i]!.yieldEvery ?? 0;
  const stats: WorkloadStats = { increments: 0, maxHolders: 0, violations: 0, yields: 0, yieldSteps: 0 };
  const holders = new Int32Array(segments + 1); // by shmid
  const fCounter = m.name('counter');
  const fnWorkload = m.name('critical_section');
  const timed = works.some((w) => w.outside > 0 || w.inside > 0 || w.blockInside > 0);
  // One generator per thread, seeded from the run's seed and the thread's id.
  const prngs = timed ? m.threads.map((t) => new Prng((m.seed ^ Math.imul(t.gtid + 1, 0x9e3779b9)) >>> 0)) : [];
  const sleepWhere = 'a system call inside the critical section (holding the mutex)';
  // Threads start with a period of outside work, as programs do not all reach their first lock at once.
  if (timed) for (const t of m.threads) { const w = works[t.gtid]!; t.work = draw(prngs[t.gtid]!, w.outside, w.spread); if (t.work > 0) t.phase = OUTSIDE; t.local = t.work > 1; }
  // A thread stopped inside the critical section no longer holds it for counting purposes.
  m.onStop = (t: SimThread): void => { if (t.phase === READ || t.phase === WRITE || t.phase === INSIDE) holders[t.proc.segment!.shmid]!--; };
  // After an unlock: the work outside the critical section, then the next lock.
  const nextCycle = (t: SimThread): void => {
    if (timed && works[t.gtid]!.outside > 0) {
      t.work = draw(prngs[t.gtid]!, works[t.gtid]!.outside, works[t.gtid]!.spread);
      t.phase = t.work > 0 ? OUTSIDE : LOCK;
      t.local = t.work > 1;
    } else t.phase = LOCK;
  };
  m.program = (t: SimThread): void => {
    switch (t.phase) {
      // The work steps first: with work timing they are most steps of a run (96% of the
      // solaris10-crash preset's), and the case order is the order V8 tests them in.
      case OUTSIDE: // a step of work between unlock and the next lock
        if (--t.work <= 0) t.phase = LOCK;
        t.local = t.work > 1;
        return;
      case INSIDE: // a step of work holding the mutex (or the first step back from the kernel)
        if (--t.work <= 0) t.phase = WRITE;
        t.local = t.work > 1;
        return;
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
        if (timed) {
          const w = works[t.gtid]!;
          if (w.inside > 0 || w.blockInside > 0) {
            const prng = prngs[t.gtid]!;
            t.work = draw(prng, w.inside, w.spread);
            t.phase = INSIDE;
            t.local = t.work > 1;
            if (w.blockInside > 0) m.sleepFor(t, Math.max(1, draw(prng, w.blockInside, w.spread)), sleepWhere);
            else if (t.work === 0) t.phase = WRITE;
          } else t.phase = WRITE;
        } else t.phase = WRITE;
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
          if (++t.iter >= iterations) { m.exitThread(t); return; }
          const every = yieldEvery[t.gtid]!;
          if (every > 0 && t.iter % every === 0) {
            // sched_yield is a system call: its time in the kernel (and the switch to whoever
            // takes the CPU) passes on this CPU before anyone else runs there (syscall-cost.ts)
            const cost = m.schedYieldSteps(t);
            stats.yields++;
            stats.yieldSteps += cost;
            m.spend(t, cost - 1);
            t.phase = YIELD;
            return;
          }
          nextCycle(t);
        }
        return;
      case YIELD:
        m.schedYield(t);
        nextCycle(t);
        return;
    }
  };
  return stats;
}
