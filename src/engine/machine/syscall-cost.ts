// What a Linux system call costs the simulated machine, in steps, derived from figures measured
// on real hardware (`npm run bench:futex`), not tuned to an outcome.
//
// A step is one memory operation of the workload's lock cycle: an uncontended pthread mutex
// lock/unlock cycle with its counter update is LOCK_CYCLE_STEPS (10) steps, and bench:futex
// measures that cycle at 6.2 to 7.2 ns on this project's 2-vCPU host, so a step is about 0.7 ns.
// The same benchmark measures a FUTEX_WAIT that finds the word changed (it returns EAGAIN at
// once: trap, futex_wait_setup, the compare, return) at 372 to 404 ns: 52 to 65 lock cycles.
//
// What that changes is the race at the heart of a futex mutex. A waiter that decides to sleep
// does not compare the word at once: the kernel reads it after the system call's entry (about
// half the round trip), and meanwhile a holder in a tight loop can release and retake the lock
// several times. Comparing at the very next step made the model's waiters sleep, and lose
// wake-ups, far more often than real ones do (compared with native runs). A FUTEX_WAKE likewise keeps
// the unlocking thread off its next lock attempt while it is in the kernel.

/** Nanoseconds of one simulated step (an uncontended lock cycle of 6.2-7.2 ns over its 10 steps). */
export const STEP_NS = 0.7;
/** Measured round trip of a futex(2) call that returns at once (EAGAIN), in ns (372-404 measured). */
export const FUTEX_CALL_NS = 390;
/** Steps from the system call instruction to the kernel reading the futex word (half the round trip). */
export const FUTEX_ENTRY_STEPS = Math.round(FUTEX_CALL_NS / 2 / STEP_NS);
/** Steps from the kernel's decision back to user space (the other half). */
export const FUTEX_EXIT_STEPS = Math.round(FUTEX_CALL_NS / 2 / STEP_NS);
/** SCHED_RR's time slice (Linux sched_rr_timeslice_ms: 100 ms), in steps. */
export const RR_SLICE_STEPS = Math.round(100e6 / STEP_NS);

// sched_yield(2), measured by `npm run bench:yield` (bench/yield.c: SCHED_RR, pinned to one
// CPU; three runs at load 2.7-3.1). When nobody else is ready on the CPU the call returns to its
// caller: p50 540-600 ns. When it hands the CPU to another process (the call plus a switch of
// address space): p50 1470-1690 ns, p90 1670-1980, p99 2130-2420. The native probe yields after
// every 8th unlock when its processes outnumber the CPUs, and 8 of its lock cycles take about
// 60 ns: between two bursts of locking a CPU is mostly here. Whether two CPUs' bursts overlap at
// all (a private mutex's race) depends on this time and on its spread: with a fixed cost two
// CPUs' bursts stay in the phase they start in, while real ones drift in and out of it. So each
// yield's cost is drawn from the measured quantiles (rounded middles of the three runs; the
// longest calls, descheduled for milliseconds, are the stalls of machine/stalls.ts, not this).

/** sched_yield with nobody else ready on the CPU: the call alone, quantiles [p, ns]. */
export const SCHED_YIELD_NS: readonly (readonly [number, number])[] =
  [[0, 480], [0.1, 520], [0.25, 540], [0.5, 570], [0.75, 590], [0.9, 610], [0.99, 670], [1, 940]];
/** sched_yield that switches to another process: the call and the switch, quantiles [p, ns]. */
export const SCHED_YIELD_SWITCH_NS: readonly (readonly [number, number])[] =
  [[0, 1360], [0.1, 1440], [0.25, 1470], [0.5, 1630], [0.75, 1730], [0.9, 1870], [0.99, 2220], [1, 20_000]];
