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
// wake-ups, far more often than real ones do (issue 14's compare). A FUTEX_WAKE likewise keeps
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
