// The simulated engine's entry points. `execute` runs one experiment on a fresh machine and
// returns the raw execution (cheap: an explorer may only read `outcomeOf` and the schedule);
// `buildResult` turns an execution into the contract's Result; `simulate` does both.
// Pure and synchronous: same spec + seed (+ scheduler) = same result and trace.
import { Machine, type StopReason } from './machine/machine.js';
import type { Execution } from './execution.js';
import { EMPTY_TRACE, TraceBuffer, type Trace } from './machine/trace-buffer.js';
import { hex } from './machine/memory.js';
import { EXITED, BLOCKED, type SimProcess } from './machine/process.js';
import { findPlatform } from './platforms/index.js';
import type { MutexProgram, PlatformDefinition } from './platforms/platform.js';
import { RandomScheduler } from './schedulers/random.js';
import type { Scheduler } from './schedulers/scheduler.js';
import { CoreSnapshots } from './tools/core.js';
import { pmap } from './tools/pmap.js';
import { Watchpoints } from './tools/watchpoints.js';
import { buildWorld, type World } from './world.js';
export type { Execution } from './execution.js';
import { loadWorkload } from './workload.js';
import { FaultInjector } from './faults.js';
import { outcomeOf, writeVerdict } from './verdict.js';
import type { Engine, RunOptions } from './engine.js';
import type { Outcome, ProcessExit, ProcessReport, Result } from './result.js';
import type { Spec } from './spec.js';

export interface SimOptions {
  /** Record the trace (default false: no per-event work at all). */
  trace?: boolean;
  /** Who takes the scheduling decisions (default: RandomScheduler seeded with spec.seed). */
  scheduler?: Scheduler;
  /** Keep the decisions (thread chosen at each point with a choice) for replay (default false). */
  recordSchedule?: boolean;
  /** Cap on trace events kept (default TRACE_MAX_EVENTS). */
  traceLimit?: number;
  /** Called every `checkpointEvery` steps (default 2^20) with the steps run: progress for a caller with a clock. */
  onCheckpoint?: (steps: number) => void;
  checkpointEvery?: number;
}

/** A spec the simulator cannot run although it is valid (e.g. a platform not modelled yet). */
export class UnsupportedSpecError extends Error {
  constructor(readonly field: string, message: string) { super(message); this.name = 'UnsupportedSpecError'; }
}

/** The platform a spec runs on, or the error that says why the simulator cannot run it. */
export function platformFor(spec: Spec): PlatformDefinition {
  const platform = findPlatform(spec.platform);
  if (!platform) throw new UnsupportedSpecError('platform', `"${spec.platform}" is not modelled by the simulator yet`);
  const refused = platform.robust.unsupported(spec);
  if (refused) throw new UnsupportedSpecError(refused.field, refused.message);
  return platform;
}

export function execute(spec: Spec, options: SimOptions = {}): Execution {
  const platform = platformFor(spec);
  const scheduler = options.scheduler ?? new RandomScheduler(spec.seed);
  const m = new Machine(spec.cpus, spec.limits.maxSteps, scheduler, spec.seed, options.recordSchedule ?? false);
  if (options.trace) m.tr = new TraceBuffer(options.traceLimit);
  if (options.onCheckpoint) { m.onCheckpoint = options.onCheckpoint; if (options.checkpointEvery) m.checkpointEvery = options.checkpointEvery; }
  return runOn(spec, platform, m, buildWorld(m, spec, platform));
}

/** Attach the mutex, the workload and the tools to a machine whose world is set up, and run it. */
export function runOn(spec: Spec, platform: PlatformDefinition, m: Machine, world: World, mutex: MutexProgram = platform.create(m, spec)): Execution {
  const faults = new FaultInjector(m, spec, platform, mutex);
  // Without faults the injector only forwards lock and unlock: the workload calls the platform directly.
  const workload = loadWorkload(m, spec.faults.length > 0 ? faults : mutex, spec, world.shm.segments.length);
  const wp = spec.tools.watchpoint;
  const watchpoints = wp ? new Watchpoints(m, world.segment, wp.field, wp.process, platform) : null;
  const cores = new CoreSnapshots(m, platform, spec.tools.core);
  const stop = m.run();
  return { spec, platform, machine: m, world, workload, watchpoints, cores, mutex, faults, stop };
}

export interface SimRun { result: Result; trace: Trace; schedule: number[] | null }

export function simulate(spec: Spec, options: SimOptions = {}): SimRun {
  const exec = execute(spec, options);
  return { result: buildResult(exec), trace: traceOf(exec), schedule: exec.machine.schedule() };
}

export function traceOf(exec: Execution): Trace {
  const m = exec.machine;
  return m.tr ? m.tr.toTrace(m.threads.map((t) => ({ pid: t.proc.pid, tid: t.tid }))) : EMPTY_TRACE;
}

function processExit(p: SimProcess, stop: StopReason): ProcessExit {
  if (p.exit) return p.exit;
  const waiting = p.threads.find((t) => t.state === BLOCKED);
  if (stop === 'hang' && waiting) return { kind: 'hung', waitingIn: waiting.waitingIn };
  if (stop === 'limit') return { kind: 'killed', reason: 'limit' };
  return { kind: 'killed', reason: 'fault' };
}

/** Final counter: the sum over the segments in use (one, unless processes used different keys). */
export function counterOf(exec: Execution): { expected: number; final: number; lostUpdates: number; planned: number } {
  let final = 0;
  for (const s of exec.world.shm.segments) final += s.backing.u32[exec.world.counterOffset >>> 2]!;
  const expected = exec.workload.increments;
  const planned = exec.spec.processes.reduce((n, p) => n + p.threads, 0) * exec.spec.iterations;
  return { expected, final, lostUpdates: expected - final, planned };
}

export function buildResult(exec: Execution): Result {
  const { spec, machine: m, world, platform } = exec;
  const processes: ProcessReport[] = m.processes.map((p) => ({
    index: p.index, pid: p.pid, program: p.program, key: p.key, shmid: p.segment!.shmid, attachAddress: hex(p.attachAddress),
    threads: p.threads.map((t) => {
      const exit: ProcessExit | undefined = t.exit ?? (t.state === BLOCKED ? { kind: 'hung', waitingIn: t.waitingIn } : t.state === EXITED ? undefined : exec.stop === 'limit' ? { kind: 'killed', reason: 'limit' } : undefined);
      return { tid: t.tid, ulwp: hex(t.ulwp), acquisitions: t.acquisitions, ...(exit ? { exit } : {}) };
    }),
    acquisitions: p.acquisitions,
    exit: processExit(p, exec.stop),
  }));
  const counter = counterOf(exec);
  const snapshot = platform.snapshot(world.segment, 0);
  const evidence: Result['evidence'] = {
    mutex: {
      key: world.segment.key, shmid: world.segment.shmid, offset: 0, type: spec.mutexType,
      ...(platform.magic !== undefined ? { magic: String(snapshot.magic ?? hex(platform.magic)) } : {}),
      initializedBy: world.initializedBy.get(world.segment.shmid) ?? 0,
      sharedBy: world.segment.attached,
      final: snapshot,
    },
    core: exec.cores.evidence(),
    watchpoints: exec.watchpoints ? exec.watchpoints.report() : [],
    pmap: spec.tools.pmap ? pmap(m) : [],
  };
  if (exec.cores.cores.length > 0) {
    evidence.mutexAtFault = exec.cores.cores[0]!.atFault;
    evidence.switchesBeforeFault = (exec.cores.switchesBeforeFault ?? []).map((s) => ({ t: s.t, cpu: s.cpu, from: who(exec, s.from), to: who(exec, s.to) }));
  }
  Object.assign(evidence, exec.faults.evidence());
  // mutex_lock calls that returned EDEADLK (taking nothing) while the program went on regardless
  if (exec.mutex.lockErrors && exec.mutex.lockErrors.length > 0) evidence.lockErrors = exec.mutex.lockErrors;
  // locks taken with a plain load and store (the single-threaded paths), per process
  const plain = exec.mutex.plainLocks;
  if (plain && plain.some((n) => n > 0)) evidence.plainLocks = m.processes.filter((p) => plain[p.index]! > 0).map((p) => ({ pid: p.pid, locks: plain[p.index]! }));
  if (world.shm.segments.length > 1) evidence.segments = world.shm.segments.map((s) => ({ key: s.key, shmid: s.shmid, attachedBy: s.attached }));
  const result: Result = {
    spec, engine: 'sim', platform: platform.name, seed: spec.seed,
    verdict: { outcome: 'ok', summary: '', cause: '', fix: '' },
    processes,
    counter,
    mutualExclusion: { maxHolders: exec.workload.maxHolders, violations: exec.workload.violations },
    evidence,
    stats: { steps: m.steps, contextSwitches: m.contextSwitches, engineMs: 0, virtualTime: m.now, decisions: m.decisions },
    trace: { events: m.tr ? m.tr.length : 0, truncated: m.tr ? m.tr.truncated : false },
  };
  result.verdict = writeVerdict(exec, result);
  return result;
}

function who(exec: Execution, gtid: number): string {
  const t = exec.machine.threads[gtid];
  return t ? `pid ${t.proc.pid} tid ${t.tid}` : 'idle';
}

export { outcomeOf };
export type { Outcome };

/** The Engine interface over simulate (engineMs is left 0: the pure engine has no clock; run.ts fills it). */
export const simEngine: Engine = {
  kind: 'sim',
  async run(spec: Spec, options: RunOptions = {}): Promise<Result> {
    const { result, trace } = simulate(spec, { trace: options.onEvent !== undefined });
    if (options.onEvent) for (const e of trace) options.onEvent(e);
    return result;
  },
};
