// The simulated machine: CPUs stepping threads on a virtual clock, a run queue whose every
// decision goes through the Scheduler, a generic sleep-queue / park service, signals and
// core dumps that take virtual time. It knows nothing about mutexes: a thread's behaviour
// is the `program` callback (one step per call), written against the MemoryBus.
//
// CPUs and time. At most `cpus` threads are on a CPU at once. The CPUs take turns, one step
// each (lockstep), unless the scheduler lets a CPU step out of turn: that is how CPUs drift
// out of phase (see schedulers/scheduler.ts). Virtual time `now` counts ticks: a tick is the
// time one CPU takes for one step, and the CPUs share it, so in lockstep every busy CPU steps
// once per tick; a CPU that is chosen again before the others had their step starts the next
// tick (the CPU passed over stalled for that tick). Trace `t` is this tick: monotonic, equal
// for steps that ran at the same time on different CPUs, and on one CPU the step count.
import { MemoryBus } from './bus.js';
import { OP } from './trace-buffer.js';
import { hex } from './memory.js';
import { SC_ONPROC, SC_RUN, SC_SLEEP } from './layout.js';
import { BLOCKED, DEAD, DUMPING, EXITED, RUNNABLE, STOPPED, type SimProcess, type SimThread } from './process.js';
import { firstHomedOn, type SchedulePoint, type Scheduler } from '../schedulers/scheduler.js';
import type { ProcessExit } from '../result.js';
import { Prng } from '../prng.js';
import { nextGap, stallLength, type StallModel } from './stalls.js';
import { SCHED_YIELD_NS, SCHED_YIELD_SWITCH_NS } from './syscall-cost.js';
import { drawSteps } from './quantiles.js';

/** Why the run loop stopped. */
export type StopReason = 'done' | 'hang' | 'limit';

/**
 * Ticks a core dump takes to write, drawn per dump from this range with the run's seed; the
 * other processes keep running meanwhile, so the core shows the shared mutex as it was when
 * the dump ENDED. A real dump of a small process takes milliseconds, hundreds of lock cycles
 * of microseconds each: the range spans many lock cycles of the workloads (a cycle is about
 * 10 steps plus its work), so the core catches the other processes at a seeded phase of their
 * cycle, holding the mutex or not (a constant duration lined up with the cycle and always
 * showed the same thing).
 */
export const CORE_DUMP_TICKS = { min: 300, max: 6000 } as const;

/** Default time slices in steps when the workload sets none (see workload.ts timeSlice). */
const DEFAULT_SLICE = { min: 20, max: 400 };

interface Timer { at: number; fire: () => void }

export class Machine extends MemoryBus {
  readonly processes: SimProcess[] = [];
  readonly threads: SimThread[] = [];
  steps = 0;
  contextSwitches = 0;
  stop: StopReason | null = null;
  /** Live (not exited, not dead) threads. */
  live = 0;
  /** One thread step; set by the workload before run(). */
  program: (t: SimThread) => void = () => { throw new Error('no program loaded'); };
  /** Time slices handed to the scheduler (RunShape.slice); set from the workload's timing. */
  slice: { min: number; max: number } = DEFAULT_SLICE;
  /** How the CPUs stall (machine/stalls.ts), from the platform; null: never. */
  stalls: StallModel | null = null;
  /** Stalls taken in this run (machine/stalls.ts), for the verdict. */
  stallCount = 0;
  /** Virtual time of each CPU's next stall (when stalls is set). */
  private readonly stallAt: Float64Array;
  /** Stall draws (seeded with the run's seed, apart from the scheduler's and the dumps'). */
  private readonly stallPrng = new Prng(0);
  /** Draws the varying costs of system calls (syscall-cost.ts), apart from the stalls so neither shifts the other. */
  private readonly costPrng = new Prng(0);
  /** The kernel's scheduling class (RunShape.policy); set with the slices. */
  policy: 'time-sharing' | 'round-robin' = 'time-sharing';
  /**
   * Called with the steps run so far every `checkpointEvery` steps, if set: how a caller with a
   * clock (the runner) reports a long run's progress. The machine itself keeps no time; the
   * call changes nothing in the run.
   */
  onCheckpoint: ((steps: number) => void) | null = null;
  checkpointEvery = 1 << 20;

  private readonly cpuThread: Int32Array;
  private readonly lastThread: Int32Array;
  private readonly ranFor: Int32Array;
  private readonly quantum: Int32Array;
  /** Tick of each CPU's last step (-1: none yet): a second step in the same tick starts the next one. */
  private readonly stepTick: Int32Array;
  /** The CPU whose turn it is. */
  private turn = 0;
  /** Thread woken from a kernel sleep since the last decision (SchedulePoint.woken), or -1. */
  private woken = -1;
  private ready = new Int32Array(16);
  private readyCount = 0;
  private readonly point: SchedulePoint;
  /**
   * The lease (see SchedulePoint.keep / keepAlone): decision points with another CPU busy at
   * which the scheduler has promised to keep the turn CPU's thread, how many of them were taken
   * without calling it since its last step() (handed over as SchedulePoint.skipped), and whether
   * the points with no other CPU busy are covered too.
   */
  private lease = 0;
  private leased = 0;
  private leaseAlone = false;
  /** The other half of the lease (SchedulePoint.yields): turns CPU yieldCpu gives away, and how many were taken. */
  private yields = 0;
  private yieldCpu = -1;
  private yielded = 0;
  private leasing = false;
  private readonly timers: Timer[] = [];
  /** Core dump durations (seeded with the run's seed, apart from the scheduler's draws). */
  private readonly dumpPrng = new Prng(0);
  /** The last 8 context switches as (t, cpu, from, to) rows (a DTrace sched:::on-cpu view). */
  readonly recentSwitches = new Float64Array(32);
  private readonly queues = new Map<string, SimThread[]>();
  // The schedule as data: the thread chosen at every point with more than one option.
  private choices: Int32Array | null;
  private choiceCount = 0;

  constructor(readonly cpus: number, readonly maxSteps: number, public scheduler: Scheduler, public seed: number, recordSchedule = false) {
    super();
    this.cpuThread = new Int32Array(cpus).fill(-1);
    this.lastThread = new Int32Array(cpus).fill(-1);
    this.ranFor = new Int32Array(cpus);
    this.quantum = new Int32Array(cpus);
    this.stepTick = new Int32Array(cpus).fill(-1);
    this.stallAt = new Float64Array(cpus).fill(Infinity);
    this.choices = recordSchedule ? new Int32Array(256) : null;
    this.point = { cpu: 0, ready: this.ready, readyCount: 0, home: new Int32Array(0), running: new Int32Array(cpus), runningCount: 0, current: -1, currentRunnable: false, ranFor: 0, sliceExpired: false, woken: -1, local: false, steps: 0, now: 0, keep: 0, keepAlone: false, skipped: 0, yields: 0, yieldCpu: -1, skippedYields: 0 };
  }

  /** Register a thread (the workload creates them); it starts runnable, in the run queue. */
  addThread(t: SimThread): void {
    this.threads.push(t);
    if (this.point.home.length < this.threads.length) { const h = new Int32Array(this.threads.length * 2).fill(-1); h.set(this.point.home); this.point.home = h; }
    t.proc.liveThreads++;
    this.live++;
    this.enqueueReady(t.gtid);
    this.setScState(t, SC_RUN);
  }

  /**
   * Back to the state right after set-up, for another run of the same processes under
   * `scheduler` (an exploration runs thousands of schedules of one spec; see SimRig). The
   * caller restores memory; the tools and the workload are attached again afterwards.
   */
  reset(scheduler: Scheduler, seed: number): void {
    this.scheduler = scheduler;
    this.seed = seed;
    this.now = 0; this.faultAddress = 0;
    this.watch = null; this.watchSegment = null; this.watchLo = -1; this.watchHi = -1;
    this.steps = 0; this.contextSwitches = 0; this.stallCount = 0; this.stop = null; this.live = 0;
    this.cpuThread.fill(-1); this.lastThread.fill(-1); this.ranFor.fill(0); this.quantum.fill(0); this.stepTick.fill(-1);
    this.turn = 0; this.woken = -1;
    this.readyCount = 0;
    this.timers.length = 0;
    this.recentSwitches.fill(0);
    for (const q of this.queues.values()) q.length = 0; // the keys are the same next run: keep the arrays
    this.choiceCount = 0;
    this.decisionCount = 0;
    this.onStop = null; this.faultHook = null; this.coreHook = null;
    for (const p of this.processes) p.reset();
    // As addThread did at set-up, in the same order.
    for (const t of this.threads) {
      t.reset();
      t.proc.liveThreads++;
      this.live++;
      this.enqueueReady(t.gtid);
      this.setScState(t, SC_RUN);
    }
  }

  /** The recorded decisions (thread ids), or null when recording was off. */
  schedule(): number[] | null { return this.choices ? Array.from(this.choices.subarray(0, this.choiceCount)) : null; }
  /** Scheduling decisions taken (points with more than one option). */
  get decisions(): number { return this.decisionCount; }
  private decisionCount = 0;

  // ---- run queue and CPUs -------------------------------------------------------------

  private enqueueReady(g: number): void {
    if (this.readyCount === this.ready.length) {
      const r = new Int32Array(this.ready.length * 2); r.set(this.ready); this.ready = r; this.point.ready = r;
    }
    this.ready[this.readyCount++] = g;
  }

  private removeReady(g: number): boolean {
    const r = this.ready;
    for (let i = 0; i < this.readyCount; i++) {
      if (r[i] === g) { r.copyWithin(i, i + 1, this.readyCount); this.readyCount--; return true; }
    }
    return false;
  }

  private setScState(t: SimThread, state: number): void {
    const m = t.proc.schedctlMemory;
    if (m) m.u8[t.schedctl - t.proc.layoutSchedctlBase] = state;
  }

  /**
   * The thread that executes the next step, on CPU `c` (the turn CPU, unless the scheduler
   * chose a thread of another CPU), dispatched there if it came from the run queue. A
   * scheduling decision when there is more than one option.
   */
  private pick(c: number): number {
    const cur = this.cpuThread[c]!;
    const curRunnable = cur >= 0;
    const rc = this.readyCount;
    const p = this.point;
    let others = 0;
    if (this.cpus > 1) {
      const run = p.running, ct = this.cpuThread, n = this.cpus;
      for (let k = 1; k < n; k++) {
        let o = c + k; if (o >= n) o -= n;
        const g = ct[o]!;
        if (g >= 0) run[others++] = g;
      }
    }
    let choice: number;
    if (others === 0 && (rc === 0 || (!curRunnable && rc === 1))) {
      if (curRunnable) return cur;
      choice = this.ready[0]!;
    } else {
      p.cpu = c; p.readyCount = rc; p.runningCount = others; p.current = cur; p.currentRunnable = curRunnable;
      const ran = this.ranFor[c]!;
      p.ranFor = ran; p.sliceExpired = ran >= this.quantum[c]!; p.steps = this.steps; p.now = this.now;
      p.woken = this.woken;
      p.local = curRunnable && this.threads[cur]!.local;
      p.skipped = this.leased; p.skippedYields = this.yielded; p.keep = 0; p.keepAlone = false; p.yields = 0;
      this.leased = 0; this.yielded = 0;
      choice = this.scheduler.step(p);
      if (this.leasing) { this.lease = p.keep; this.leaseAlone = p.keepAlone; this.yields = p.yields; this.yieldCpu = p.yieldCpu; }
      this.woken = -1;
      this.decisionCount++;
      if (this.choices !== null) this.record(choice);
      if (choice === cur && curRunnable) return cur;
      if (others > 0) { const t = this.threads[choice]; if (t !== undefined && t.cpu >= 0 && t.cpu !== c && t.state === RUNNABLE) return choice; }
    }
    this.dispatch(c, choice, cur);
    return choice;
  }

  /**
   * Whether the decision at CPU c, whose thread `cur` can run on, falls inside the scheduler's
   * lease (the caller checked the slice and that no thread woke): then the scheduler would
   * return cur and at most count the call, so the machine takes the decision for it, counted
   * and recorded the same, without the call. Small, so that the run loop inlines it.
   */
  private leasedTurn(c: number, cur: number): boolean {
    if (this.cpus > 1 && this.othersBusy(c)) {
      if (this.lease === 0 || (this.yields > 0 && c === this.yieldCpu)) return false; // a stalled turn the lease could not take
      this.lease--;
      this.leased++;
    } else if (!this.leaseAlone || this.readyCount === 0) return false; // nothing ready: no decision at all (pick)
    this.decisionCount++;
    if (this.choices !== null) this.record(cur);
    return true;
  }

  /**
   * The turn of CPU c (yieldCpu) inside the scheduler's yield lease: when exactly one other CPU
   * has a thread, the scheduler would hand it the step (SchedulePoint.yields), so the machine
   * does, counted and recorded the same; -1 when the point is not one the lease covers.
   */
  private yieldedTurn(c: number): number {
    const ct = this.cpuThread, n = this.cpus;
    let g = -1;
    for (let o = 0; o < n; o++) {
      if (o === c || ct[o]! < 0) continue;
      if (g >= 0) return -1;
      g = ct[o]!;
    }
    if (g < 0 || this.threads[g]!.state !== RUNNABLE) return -1;
    this.yields--;
    this.yielded++;
    this.decisionCount++;
    if (this.choices !== null) this.record(g);
    this.woken = -1; // as after any decision
    return g;
  }

  /** Whether a CPU other than c has a thread (SchedulePoint.runningCount > 0). */
  private othersBusy(c: number): boolean {
    const ct = this.cpuThread, n = this.cpus;
    for (let o = 0; o < n; o++) if (o !== c && ct[o]! >= 0) return true;
    return false;
  }

  private record(choice: number): void {
    if (this.choiceCount === this.choices!.length) { const a = new Int32Array(this.choiceCount * 2); a.set(this.choices!); this.choices = a; }
    this.choices![this.choiceCount++] = choice;
  }

  private dispatch(c: number, next: number, cur: number): void {
    if (!this.removeReady(next)) throw new Error(`scheduler ${this.scheduler.name} chose thread ${next}, which cannot run on cpu ${c}`);
    if (cur >= 0) {
      const prev = this.threads[cur]!;
      prev.cpu = -1;
      this.enqueueReady(cur);
      this.setScState(prev, SC_RUN);
    }
    const t = this.threads[next]!;
    this.cpuThread[c] = next;
    t.cpu = c;
    this.point.home[next] = c;
    this.setScState(t, SC_ONPROC);
    this.ranFor[c] = 0;
    this.quantum[c] = this.scheduler.quantum(next, c);
    const last = this.lastThread[c]!;
    if (last !== -1 && last !== next) {
      this.contextSwitches++;
      const r = (this.contextSwitches % 8) * 4;
      this.recentSwitches[r] = this.now; this.recentSwitches[r + 1] = c; this.recentSwitches[r + 2] = last; this.recentSwitches[r + 3] = next;
      if (this.tr !== null) {
        const from = this.threads[last]!;
        this.tr.push(OP.switch, next, c, this.now, -1, NaN, NaN, 0, 0);
        this.tr.text(`from pid ${from.proc.pid} tid ${from.tid}`);
      }
    }
    this.lastThread[c] = next;
  }

  /**
   * t spends its next `steps` steps on its CPU inside a system call's entry or return path
   * (see machine/syscall-cost.ts): time passes and other CPUs go on, but t touches no memory, so
   * the kernel acts on what memory holds after the entry, not when the caller decided to call.
   */
  spend(t: SimThread, steps: number): void {
    t.busy += steps;
    t.local = t.busy > 0;
  }

  /** A stall of CPU c (machine/stalls.ts) while it runs t: t spends it, touching nothing. */
  private stall(t: SimThread, c: number): void {
    const len = stallLength(this.stalls!, this.stallPrng);
    this.spend(t, len);
    this.stallCount++;
    this.stallAt[c] = this.now + len + nextGap(this.stalls!, this.stallPrng);
    if (this.tr !== null) { this.tr.push(OP.stall, t.gtid, c, this.now, -1, len, NaN, 0, 0); this.tr.text(`cpu ${c} stalled for ${len} steps (an interrupt, or the host descheduling it)`); }
  }

  /** Steps a sched_yield called now keeps its CPU in the kernel (with a switch when someone is ready), drawn from the host's figures. */
  schedYieldSteps(t: SimThread): number {
    return drawSteps(this.readyFor(t.cpu) ? SCHED_YIELD_SWITCH_NS : SCHED_YIELD_NS, this.costPrng);
  }

  /**
   * Whether a thread is waiting for CPU c, so that a yield there switches to it. Under
   * round-robin the run queues are per CPU (Linux's real-time class; an equal-priority task is
   * never pushed to a busy CPU): only a thread last on c, or one that never ran, waits for c,
   * and a thread alone on its CPU keeps it through its yields while two share the other.
   */
  private readyFor(c: number): boolean {
    if (this.policy !== 'round-robin' || c < 0) return this.readyCount > 0;
    return firstHomedOn(this.ready, this.readyCount, this.point.home, c) >= 0;
  }

  /**
   * sched_yield(2): t leaves its CPU for the tail of the run queue when another thread is ready
   * for this CPU (what SCHED_RR and CFS both do); with nobody ready it keeps running.
   */
  schedYield(t: SimThread): void {
    if (!this.readyFor(t.cpu) || t.cpu < 0 || t.state !== RUNNABLE) return;
    this.offCpu(t);
    this.enqueueReady(t.gtid);
    this.setScState(t, SC_RUN);
    if (this.tr !== null) { this.tr.push(OP.yield, t.gtid, -1, this.now, -1, NaN, NaN, 0, 0); this.tr.text('sched_yield: to the tail of the run queue (its time in the kernel spent before)'); }
  }

  /** Take a thread off its CPU (it blocked, exited or was stopped). */
  private offCpu(t: SimThread): void {
    if (t.cpu >= 0) { this.cpuThread[t.cpu] = -1; t.cpu = -1; }
  }

  /** Run until every thread is done, a hang, or maxSteps. */
  run(): StopReason {
    const n = this.cpus;
    const threads = this.threads;
    const ct = this.cpuThread, stepTick = this.stepTick, ranFor = this.ranFor, quantum = this.quantum;
    this.dumpPrng.reseed((this.seed ^ 0x5f3759df) >>> 0);
    this.stallPrng.reseed((this.seed ^ 0x2545f491) >>> 0);
    this.costPrng.reseed((this.seed ^ 0x68e31da4) >>> 0);
    this.point.home.fill(-1);
    const stalls = this.stalls, stallAt = this.stallAt;
    for (let c = 0; c < n; c++) stallAt[c] = stalls !== null ? this.now + nextGap(stalls, this.stallPrng) : Infinity;
    this.lease = 0; this.leased = 0; this.leaseAlone = false; this.yields = 0; this.yieldCpu = -1; this.yielded = 0; this.leasing = this.scheduler.leases === true;
    this.scheduler.start({ threads: threads.length, cpus: n, seed: this.seed, maxSteps: this.maxSteps, slice: this.slice, policy: this.policy });
    // One comparison per step serves both the step limit and the checkpoints.
    const every = this.onCheckpoint !== null ? Math.max(1, this.checkpointEvery) : Infinity;
    let check = Math.min(this.maxSteps, this.steps + every);
    for (;;) {
      // The turn CPU: the next one, in order, that has a thread or can take one from the run queue.
      let c = this.turn;
      if (ct[c]! < 0 && this.readyCount === 0) {
        c = -1;
        for (let k = 1; k < n; k++) { let o = this.turn + k; if (o >= n) o -= n; if (ct[o]! >= 0) { c = o; break; } }
        if (c < 0) { // nothing can run: the next timer, or the end
          if (this.timers.length > 0) { this.now = Math.max(this.now + (this.steps > 0 ? 1 : 0), this.timers[0]!.at); stepTick.fill(-1); this.fireTimers(); continue; }
          if (this.steps > 0) this.now++;
          return (this.stop = this.live > 0 ? 'hang' : 'done');
        }
      }
      if (this.steps >= check) {
        if (this.steps >= this.maxSteps) { this.now++; return (this.stop = 'limit'); }
        this.onCheckpoint!(this.steps);
        check = Math.min(this.maxSteps, this.steps + every);
      }
      const cur = ct[c]!;
      let g = this.yields > 0 && c === this.yieldCpu ? this.yieldedTurn(c) : -1;
      if (g < 0) g = cur >= 0 && (this.lease > 0 || this.leaseAlone) && this.woken < 0 && ranFor[c]! < quantum[c]! && this.leasedTurn(c, cur) ? cur : this.pick(c);
      const t = threads[g]!;
      c = t.cpu;
      // A CPU's second step in this tick starts the next tick (timers due then fire first).
      if (stepTick[c] === this.now) {
        this.now++;
        if (this.timers.length > 0 && this.timers[0]!.at <= this.now) this.fireTimers();
      }
      stepTick[c] = this.now;
      // The CPU stalls now (its clock ran on whatever it was doing): the thread it holds spends the stall.
      if (this.now >= stallAt[c]!) this.stall(t, c);
      this.steps++;
      ranFor[c]++;
      // A step of a system call's entry or return path (spend) touches nothing; else the program's step.
      if (t.busy > 0) t.local = --t.busy > 0;
      else this.program(t);
      if (t.state !== RUNNABLE && t.cpu === c) this.offCpu(t);
      this.turn = c + 1 === n ? 0 : c + 1;
    }
  }

  // ---- timers -------------------------------------------------------------------------

  after(ticks: number, fire: () => void): void {
    const timer = { at: this.now + ticks, fire };
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.at > timer.at) i--;
    this.timers.splice(i, 0, timer);
  }

  private fireTimers(): void {
    while (this.timers.length > 0 && this.timers[0]!.at <= this.now) this.timers.shift()!.fire();
  }

  // ---- sleep queues and park ------------------------------------------------------------
  // Keys are built by the platform: e.g. `lwpchan:as=<pid>:<vaddr>` for per-process queues,
  // `lwpchan:shm=<shmid>:<offset>` for process-shared ones, `futex:...` for glibc.

  /** Queue t on `key`: at the tail, or at the head (`front`: libc's LIFO enqueue). */
  enqueue(key: string, t: SimThread, front = false): void {
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = []));
    if (front) q.unshift(t); else q.push(t);
    t.waitKey = key;
  }

  /** Remove and return the first waiter on `key`, or null. */
  dequeue(key: string): SimThread | null {
    const q = this.queues.get(key);
    if (!q || q.length === 0) return null;
    const t = q.shift()!;
    t.waitKey = '';
    return t;
  }

  /** Take `t` off whatever queue it is on (dequeue_self). */
  unqueue(t: SimThread): void {
    if (t.waitKey === '') return;
    const q = this.queues.get(t.waitKey);
    if (q) { const i = q.indexOf(t); if (i >= 0) q.splice(i, 1); }
    t.waitKey = '';
  }

  queueLength(key: string): number { return this.queues.get(key)?.length ?? 0; }

  /**
   * lwp_park: block `t` until unparked, unless an unpark already arrived (then it returns at
   * once, consuming it). Returns true when the thread blocked. `where` names the wait for a hang.
   */
  park(t: SimThread, where: string, addr: number, fn: number): boolean {
    if (t.unparkToken) { t.unparkToken = false; return false; }
    t.state = BLOCKED;
    t.waitingIn = where;
    this.setScState(t, SC_SLEEP);
    if (this.tr !== null) { this.tr.push(OP.park, t.gtid, t.cpu, this.now, addr, NaN, NaN, 0, fn); this.tr.text(where); }
    return true;
  }

  /** lwp_unpark(target) on behalf of `by`. */
  unpark(by: SimThread, target: SimThread, addr: number, fn: number): void {
    if (this.tr !== null) this.tr.push(OP.unpark, by.gtid, by.cpu, this.now, addr, target.tid, NaN, 0, fn);
    if (target.state === BLOCKED && !target.sleeping) {
      target.state = RUNNABLE;
      target.waitingIn = '';
      this.setScState(target, SC_RUN);
      this.enqueueReady(target.gtid);
      this.woken = target.gtid;
    } else if (target.state === RUNNABLE || target.sleeping) target.unparkToken = true; // kept for its next lwp_park
  }

  /**
   * The thread calls into the kernel and sleeps there for `ticks` (a system call made while
   * holding the mutex, in the workload): off its CPU, SC_SLEEP in its schedctl data, runnable
   * again when the time is up. Not a wait anyone else can end, and never a hang.
   */
  sleepFor(t: SimThread, ticks: number, where: string): void {
    t.state = BLOCKED;
    t.waitingIn = where;
    t.sleeping = true;
    this.setScState(t, SC_SLEEP);
    this.after(ticks, () => {
      if (t.state !== BLOCKED || !t.sleeping) return; // its process died meanwhile
      t.sleeping = false;
      t.state = RUNNABLE;
      t.waitingIn = '';
      this.setScState(t, SC_RUN);
      this.enqueueReady(t.gtid);
      this.woken = t.gtid;
    });
  }

  // ---- exits, signals, core dumps -------------------------------------------------------

  /** The thread finished its program. */
  exitThread(t: SimThread): void {
    t.state = EXITED;
    t.exit = { kind: 'exited', code: 0 };
    this.offCpu(t);
    this.live--;
    const p = t.proc;
    if (--p.liveThreads === 0 && p.state === 0) {
      p.state = DEAD;
      p.exit = { kind: 'exited', code: 0 };
      if (this.tr !== null) this.tr.push(OP.exit, t.gtid, t.cpu, this.now, -1, 0, NaN, 0, 0);
    }
  }

  /** Stop every thread of p (a fatal signal is being delivered): off CPUs, queues and run queue. */
  private stopAll(p: SimProcess, state: number): void {
    for (const t of p.threads) {
      if (t.state === EXITED || t.state === STOPPED) continue;
      if (t.state === RUNNABLE && t.cpu < 0) this.removeReady(t.gtid);
      this.offCpu(t);
      this.unqueue(t);
      t.state = state;
      this.onStop?.(t);
      this.live--;
      p.liveThreads--;
    }
  }

  /**
   * Deliver a fatal signal to t's process. With `coreDump`, the process dumps core for a
   * seeded duration from CORE_DUMP_TICKS (others keep running), then `onCore` runs (the core
   * snapshot) and the process is dead; otherwise it dies now.
   */
  kill(t: SimThread, exit: ProcessExit & { kind: 'signaled' }, coreDump: boolean, onCore?: () => void): void {
    const p = t.proc;
    if (p.state !== 0) return;
    t.exit = exit;
    if (this.tr !== null) {
      this.tr.push(OP.signal, t.gtid, t.cpu, this.now, exit.faultAddress ? parseInt(exit.faultAddress, 16) : -1, NaN, NaN, 0, exit.function ? this.tr.intern(exit.function) : 0);
      this.tr.text(exit.signal + (exit.message ? ': ' + exit.message : ''));
    }
    this.stopAll(p, STOPPED);
    for (const other of p.threads) if (other !== t && other.exit === null) other.exit = { kind: 'killed', reason: 'fault' };
    const finish = (): void => {
      p.state = DEAD;
      p.exit = exit;
      for (const th of p.threads) if (th.state === STOPPED) th.state = EXITED;
      if (this.tr !== null) { this.tr.push(OP.exit, t.gtid, -1, this.now, -1, NaN, NaN, 0, 0); this.tr.text(`killed by ${exit.signal}`); }
    };
    if (!coreDump) { finish(); return; }
    p.state = DUMPING;
    this.after(this.dumpPrng.between(CORE_DUMP_TICKS.min, CORE_DUMP_TICKS.max), () => {
      onCore?.();
      if (this.tr !== null) { this.tr.push(OP.core_dump, t.gtid, -1, this.now, -1, NaN, NaN, 0, 0); this.tr.text(`core of pid ${p.pid} written`); }
      finish();
    });
  }

  /**
   * SIGKILL from outside the process (an injected fault): every thread stops at once, no core,
   * no handler. The exit is recorded as given (e.g. killed by a fault), not as a crash.
   */
  terminate(p: SimProcess, exit: ProcessExit): void {
    if (p.state !== 0) return;
    const first = p.threads[0]!;
    if (this.tr !== null) { this.tr.push(OP.signal, first.gtid, -1, this.now, -1, NaN, NaN, 0, 0); this.tr.text(`SIGKILL (pid ${p.pid}, ${exit.kind === 'killed' ? exit.reason : exit.kind})`); }
    this.stopAll(p, STOPPED);
    p.state = DEAD;
    p.exit = exit;
    for (const th of p.threads) if (th.state === STOPPED) { th.state = EXITED; th.exit ??= exit; }
    if (this.tr !== null) { this.tr.push(OP.exit, first.gtid, -1, this.now, -1, NaN, NaN, 0, 0); this.tr.text('killed by SIGKILL'); }
  }

  /** Called for each thread a fatal signal stops (the workload releases its critical-section slot). */
  onStop: ((t: SimThread) => void) | null = null;

  /** Called when a thread faults, before its process stops (tools record memory as the thread saw it). */
  faultHook: ((t: SimThread) => void) | null = null;
  /** Called when a core dump completes (the core snapshot tool). */
  coreHook: ((t: SimThread) => void) | null = null;

  /** SIGSEGV in `fn` touching `addr`: the process dumps core (virtual time) and dies. */
  segv(t: SimThread, fn: string, addr: number, message: string): void {
    this.faultHook?.(t);
    this.kill(t, { kind: 'signaled', signal: 'SIGSEGV', function: fn, faultAddress: hex(addr), message }, true, () => this.coreHook?.(t));
  }

  /** The last context switches, oldest first. */
  lastSwitches(): { t: number; cpu: number; from: number; to: number }[] {
    const out = [];
    for (let k = Math.max(1, this.contextSwitches - 7); k <= this.contextSwitches; k++) {
      const r = (k % 8) * 4;
      out.push({ t: this.recentSwitches[r]!, cpu: this.recentSwitches[r + 1]!, from: this.recentSwitches[r + 2]!, to: this.recentSwitches[r + 3]! });
    }
    return out;
  }

  /** Threads still blocked (for a hang or a partial result). */
  blocked(): SimThread[] { return this.threads.filter((t) => t.state === BLOCKED); }
}

export { DUMPING };
