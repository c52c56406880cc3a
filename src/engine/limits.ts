// Every limit a user can meet, with its default and maximum, in one table: the spec schema,
// GET /limits and the README all read it from here, so they cannot disagree.
export interface Limit { field: string; default: number; minimum: number; maximum: number; unit: string; description: string }

export const LIMITS = {
  iterations: { field: 'iterations', default: 100, minimum: 1, maximum: 10_000_000, unit: 'cycles', description: 'lock/unlock cycles per thread (sim)' },
  maxSteps: { field: 'limits.maxSteps', default: 20_000_000, minimum: 1, maximum: 200_000_000, unit: 'steps', description: 'simulated steps of one run before it stops as limit_exceeded' },
  timeoutMs: { field: 'limits.timeoutMs', default: 10_000, minimum: 1, maximum: 120_000, unit: 'ms', description: 'wall-clock budget of one experiment (the worker kills it beyond)' },
  workOutside: { field: 'work.outside', default: 0, minimum: 0, maximum: 1_000_000, unit: 'steps', description: 'steps of work a thread does between unlock and its next lock (sim)' },
  workInside: { field: 'work.inside', default: 0, minimum: 0, maximum: 1_000_000, unit: 'steps', description: 'steps of work a thread does inside the critical section, holding the mutex (sim)' },
  workSpread: { field: 'work.spread', default: 0, minimum: 0, maximum: 100, unit: '%', description: 'each work period and kernel sleep is drawn from its length +- this percentage, seeded (sim)' },
  workBlockInside: { field: 'work.blockInside', default: 0, minimum: 0, maximum: 1_000_000, unit: 'ticks', description: 'the holder sleeps in the kernel this long inside every critical section, off its CPU, as a program making a system call while holding the lock; 0 = never (sim)' },
  workYieldEvery: { field: 'work.yieldEvery', default: 0, minimum: 0, maximum: 1_000_000, unit: 'cycles', description: 'every thread calls sched_yield after every Nth unlock, outside the critical section (the native probe does so with N = 8 under SCHED_RR when there are more threads than CPUs); 0 = never (sim)' },
  exploreSchedules: { field: 'explore.schedules', default: 1_000, minimum: 1, maximum: 1_000_000, unit: 'schedules', description: 'schedules one exploration runs at most' },
  exploreTimeMs: { field: 'explore.timeMs', default: 60_000, minimum: 100, maximum: 600_000, unit: 'ms', description: 'wall-clock budget of an exploration: beyond it, it stops and reports the schedules it covered' },
  nativeProcesses: { field: 'processCount', default: 4, minimum: 1, maximum: 16, unit: 'processes', description: 'processes of a native run' },
  nativeThreads: { field: 'threadsPerProcess', default: 1, minimum: 1, maximum: 8, unit: 'threads', description: 'threads per process of a native run' },
  nativeIterations: { field: 'iterations', default: 100_000, minimum: 1, maximum: 5_000_000, unit: 'cycles', description: 'lock/unlock cycles per thread of a native run' },
  nativeTimeoutMs: { field: 'limits.timeoutMs', default: 15_000, minimum: 1, maximum: 120_000, unit: 'ms', description: 'wall-clock budget of a native run; the whole process group is killed beyond' },
  repeat: { field: 'repeat', default: 100, minimum: 1, maximum: 1000, unit: 'runs', description: 'runs of one spec for a distribution (native: in one probe invocation; sim: seeds seed, seed+1, ...); the default is what compare uses when repeat is absent' },
  repeatTimeMs: { field: 'repeat', default: 300_000, minimum: 300_000, maximum: 300_000, unit: 'ms', description: 'wall-clock budget of all the runs of a repeat (compare: of both sides); beyond it the distribution covers the runs that finished (stoppedBy "time")' },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof LIMITS;
