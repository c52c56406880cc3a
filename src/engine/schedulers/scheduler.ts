// The scheduler contract. Every scheduling decision of the simulated machine passes through
// ONE call, Scheduler.step(point), at each step where more than one thread could execute it.
// The CPUs take turns (lockstep: CPU 0, 1, ..., 0, ...); the point names the CPU whose turn it
// is and its thread, the threads on the other CPUs and the run queue. The chosen thread
// executes the next step: the turn CPU's own thread (the default), a thread of another CPU
// (that CPU steps out of turn: the CPUs drift out of phase), or a ready thread, which is put on
// the turn CPU first (preempting its thread if it had one). Strategies are one file each
// behind this contract; the machine records the choices as data (see Machine.schedule), so
// replaying a run is just a scheduler that feeds them back.

/**
 * SCHED_RR's per-CPU run queue (SchedulePoint.home), read off the one ready list: the first
 * ready thread, in run-queue order, that last ran on `cpu` or never ran; -1 when there is none
 * (the CPU then has nobody of its own waiting). Used by the machine (does a yield switch?) and
 * by the random scheduler (which thread a CPU takes).
 */
export function firstHomedOn(ready: Int32Array, readyCount: number, home: Int32Array, cpu: number): number {
  for (let i = 0; i < readyCount; i++) { const g = ready[i]!, h = home[g]!; if (h === cpu || h === -1) return g; }
  return -1;
}

/** What a scheduler sees at a decision point. The machine reuses one object: read it, do not keep it. */
export interface SchedulePoint {
  /** CPU whose turn it is to execute the next step. */
  cpu: number;
  /** Global thread ids (stable for the whole run, 0..threads-1, in spec order) of threads that are
   *  ready and not running on any CPU; valid entries are [0, readyCount). Order = run-queue order. */
  ready: Int32Array;
  readyCount: number;
  /** By global thread id: the CPU it last ran on, -1 before it first ran. Under round-robin each
   *  CPU's run queue is its own (Linux's real-time classes): a CPU takes the threads last on it
   *  first and pulls another CPU's only when it has none. */
  home: Int32Array;
  /** Threads on the OTHER CPUs, each able to take the step out of turn; valid entries [0, runningCount), CPU order. */
  running: Int32Array;
  runningCount: number;
  /** Thread currently on this CPU, or -1 (idle CPU, or its thread just blocked / exited). */
  current: number;
  /** The current thread can run another step (it did not block, exit or die). */
  currentRunnable: boolean;
  /** Steps the current thread has run since it was put on this CPU. */
  ranFor: number;
  /** ranFor reached the quantum the scheduler gave it (see Scheduler.quantum). */
  sliceExpired: boolean;
  /** The current thread's next step is pure work (touches no shared memory and no kernel): a
   *  switch before it is equivalent to one before its next visible step, except for timing. */
  local: boolean;
  /** The thread most recently woken from a sleep in the kernel (unparked, or its timed sleep ended)
   *  since the last decision point, or -1; it may be in ready (check before choosing it). */
  woken: number;
  /** Steps executed so far in this run (all CPUs) and the virtual clock. */
  steps: number;
  now: number;
  /**
   * A lease the scheduler may grant (the machine sets 0 before each step()): the number of
   * following decision points at which it would return point.current, with no effect on its
   * state but counting the call, provided at each of them that another CPU has a thread
   * (runningCount > 0), current is runnable, its slice has not expired and woken is -1, and
   * the point is not one of the `yields` below (at yieldCpu while some remain). The
   * machine takes those decisions itself (counted and recorded as usual) and does not call step().
   * Honoured only from a scheduler that declares `leases` (a wrapper forwarding to one does not
   * inherit it, so a wrapper still sees every decision).
   */
  keep: number;
  /**
   * Also part of the lease: at the points with no other CPU busy (runningCount 0), under the same
   * conditions, the scheduler would return point.current with no effect on its state at all,
   * until its next step().
   */
  keepAlone: boolean;
  /** Decision points the machine took under the scheduler's lease (keep) since its previous step(). */
  skipped: number;
  /**
   * The lease's other half (the machine sets 0 before each step()): the number of following
   * points at CPU yieldCpu at which, whenever exactly one other CPU has a thread, the scheduler
   * would return that thread (the CPU stalls), whatever else the point holds, counting the call.
   */
  yields: number;
  yieldCpu: number;
  /** Points the machine took under `yields` since the scheduler's previous step(). */
  skippedYields: number;
}

/** Facts a scheduler may want before the run starts. */
export interface RunShape {
  threads: number; cpus: number; seed: number; maxSteps: number;
  /** Time slices in steps, as the workload's timing sets them (see workload.ts timeSlice). */
  slice: { min: number; max: number };
  /**
   * The kernel's scheduling class. time-sharing: a thread woken from a sleep preempts the running
   * one; round-robin (SCHED_RR): it waits at the tail of the run queue, and the next thread is
   * the queue's head. Strategies that explore choose freely and may ignore it.
   */
  policy: 'time-sharing' | 'round-robin';
}

export interface Scheduler {
  readonly name: string;
  /** It may grant leases (SchedulePoint.keep) and reads SchedulePoint.skipped. */
  readonly leases?: boolean;
  /** Called once before the first step of each run (a scheduler may be reused for many runs). */
  start(shape: RunShape): void;
  /**
   * Choose the thread that executes the next step: point.current (when currentRunnable), one
   * of point.running (its CPU steps out of turn) or one of point.ready (put on point.cpu). See
   * isPreemption for which choices count as preemptions. Must return a valid choice; the
   * machine treats anything else as a scheduler bug and throws.
   */
  step(point: SchedulePoint): number;
  /** Time slice (in steps) for `thread` now being put on `cpu`; sliceExpired turns true after it. */
  quantum(thread: number, cpu: number): number;
}

/** Whether `thread` is on another CPU at this point (choosing it steps that CPU out of turn). */
export function isRunning(point: SchedulePoint, thread: number): boolean {
  for (let i = 0; i < point.runningCount; i++) if (point.running[i] === thread) return true;
  return false;
}

/**
 * What dfs bounds and explorations count as a preemption. On one CPU (CHESS's definition):
 * switching away from a current thread that could have continued. On several CPUs also:
 * letting another CPU take a step out of turn, a departure from lockstep that shifts the
 * CPUs' relative phase by one step (whether or not the turn CPU had a thread). Choosing among
 * ready threads when the turn CPU's thread cannot run is free, as at a blocking point in CHESS.
 */
export function isPreemption(point: SchedulePoint, choice: number): boolean {
  if (point.currentRunnable) return choice !== point.current;
  return isRunning(point, choice);
}
