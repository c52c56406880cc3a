// The scheduler contract. Every scheduling decision of the simulated machine passes through
// ONE call, Scheduler.step(point), at each step where more than one thread could run on the
// CPU about to execute. Strategies (random, round-robin; later pct, dfs, replay) are one file
// each behind this contract; the machine records the choices it was given as data (see
// Machine.schedule), so replaying a run is just a scheduler that feeds them back.

/** What a scheduler sees at a decision point. The machine reuses one object: read it, do not keep it. */
export interface SchedulePoint {
  /** CPU that executes the next step. */
  cpu: number;
  /** Global thread ids (stable for the whole run, 0..threads-1, in spec order) of threads that are
   *  ready and not running on any CPU; valid entries are [0, readyCount). Order = run-queue order. */
  ready: Int32Array;
  readyCount: number;
  /** Thread currently on this CPU, or -1 (idle CPU, or its thread just blocked / exited). */
  current: number;
  /** The current thread can run another step (it did not block, exit or die). */
  currentRunnable: boolean;
  /** Steps the current thread has run since it was put on this CPU. */
  ranFor: number;
  /** ranFor reached the quantum the scheduler gave it (see Scheduler.quantum). */
  sliceExpired: boolean;
  /** Steps executed so far in this run (all CPUs) and the virtual clock. */
  steps: number;
  now: number;
}

/** Facts a scheduler may want before the run starts. */
export interface RunShape { threads: number; cpus: number; seed: number; maxSteps: number }

export interface Scheduler {
  readonly name: string;
  /** Called once before the first step of each run (a scheduler may be reused for many runs). */
  start(shape: RunShape): void;
  /**
   * Choose the thread that executes the next step on point.cpu: point.current (when
   * currentRunnable) or one of point.ready[0..readyCount). Returning another thread while the
   * current one is still runnable is a preemption. Must return a valid choice; the machine
   * treats anything else as a scheduler bug and throws.
   */
  step(point: SchedulePoint): number;
  /** Time slice (in steps) for `thread` now being put on `cpu`; sliceExpired turns true after it. */
  quantum(thread: number, cpu: number): number;
}

/** A decision point counts as a preemption when the chosen thread is not the still-runnable current one. */
export function isPreemption(point: SchedulePoint, choice: number): boolean {
  return point.currentRunnable && point.current !== choice;
}
