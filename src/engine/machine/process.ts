// Simulated processes and threads: plain classes with fixed numeric fields (the hot loop
// touches them every step). A thread's "registers" are the fields its step program uses.
import type { ProcessExit } from '../result.js';
import type { AddressSpace, Backing, Segment } from './memory.js';
import type { ProgramLayout } from './layout.js';

export const RUNNABLE = 0, BLOCKED = 1, STOPPED = 2, EXITED = 3;

export class SimThread {
  /** Global thread id: stable, 0..threads-1 in spec order (what schedulers see). */
  readonly gtid: number;
  readonly tid: number;
  readonly proc: SimProcess;
  /** Address of this thread's ulwp_t, and of its sc_shared_t, in its own process. */
  readonly ulwp: number;
  readonly schedctl: number;
  state = RUNNABLE;
  cpu = -1;
  // Workload registers.
  phase = 0;
  iter = 0;
  val = 0;
  /** Steps of work left in the current work period (workload.ts). */
  work = 0;
  /** Its next step is pure work: no shared memory, no kernel (SchedulePoint.local). */
  local = false;
  /** Steps left on a system call's entry or return path (Machine.spend): CPU time, no memory access. */
  busy = 0;
  // Platform registers (the mutex step program's pc and scratch).
  pc = 0;
  r0 = 0;
  r1 = 0;
  count = 0;
  /** lwp_unpark before lwp_park: the park returns at once (the kernel keeps the token). */
  unparkToken = false;
  /** Sleep-queue key while queued, '' otherwise. */
  waitKey = '';
  /** Where it is blocked, in words (for a hang's verdict). */
  waitingIn = '';
  /** Blocked in a timed kernel sleep (Machine.sleepFor), not on a mutex. */
  sleeping = false;
  acquisitions = 0;
  /** What the last mutex_lock returned: 0, or an errno such as EDEADLK (the caller may ignore it). */
  lockRc = 0;
  exit: ProcessExit | null = null;

  constructor(gtid: number, tid: number, proc: SimProcess, ulwp: number, schedctl: number) {
    this.gtid = gtid; this.tid = tid; this.proc = proc; this.ulwp = ulwp; this.schedctl = schedctl;
  }

  /** Back to the state of a new thread (a machine reused for the next run: see SimRig). */
  reset(): void {
    this.state = RUNNABLE; this.cpu = -1;
    this.phase = 0; this.iter = 0; this.val = 0; this.work = 0; this.local = false; this.busy = 0;
    this.pc = 0; this.r0 = 0; this.r1 = 0; this.count = 0;
    this.unparkToken = false; this.waitKey = ''; this.waitingIn = ''; this.sleeping = false;
    this.acquisitions = 0; this.lockRc = 0; this.exit = null;
  }
}

export const LIVE = 0, DUMPING = 1, DEAD = 2;

export class SimProcess {
  readonly threads: SimThread[] = [];
  state = LIVE;
  liveThreads = 0;
  acquisitions = 0;
  exit: ProcessExit | null = null;
  // The attached segment (the workload's), cached for the memory fast path.
  segment: Segment | null = null;
  shmStart = 0;
  shmSize = 0;
  shm: Backing | null = null;
  attachAddress = 0;
  mutexVa = 0;
  counterVa = 0;
  /** Private memory holding this process's ulwp_t structures and schedctl data. */
  ulwpMemory: Backing | null = null;
  schedctlMemory: Backing | null = null;
  /** Start address of the schedctl page (schedctlMemory's first byte). */
  layoutSchedctlBase = 0;

  constructor(
    readonly index: number,
    readonly pid: number,
    readonly program: string,
    readonly key: string,
    readonly layout: ProgramLayout,
    readonly space: AddressSpace,
  ) {}

  /** Back to the state of a new process; its layout, mappings and segment stay (see SimRig). */
  reset(): void { this.state = LIVE; this.liveThreads = 0; this.acquisitions = 0; this.exit = null; }
}
