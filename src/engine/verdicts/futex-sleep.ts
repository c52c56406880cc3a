// Why a futex waiter slept at all, in words drawn from the run (glibc and musl hang verdicts).
// A FUTEX_WAIT compares the word only after the system call's entry (machine/syscall-cost.ts):
// the caller sleeps only if the holder is still inside its critical section by then, which
// takes a holder kept off its CPU: preempted, or on a CPU that stalled (machine/stalls.ts).
import type { Execution } from '../execution.js';
import { FUTEX_ENTRY_STEPS } from '../machine/syscall-cost.js';
import { plural } from './words.js';

export function whyFutexSlept(exec: Execution): string {
  const m = exec.machine;
  const kept = [
    m.contextSwitches > 0 ? plural(m.contextSwitches, 'context switch', 'context switches') : '',
    m.stalls !== null ? `${plural(m.stallCount, 'CPU stall')} (an interrupt, or the host descheduling a vCPU)` : '',
  ].filter(Boolean);
  return `A locker sleeps only if the holder is still inside its critical section when the kernel compares the futex word, about ${FUTEX_ENTRY_STEPS} steps after the call: a holder kept off its CPU. This run had ${kept.length > 0 ? kept.join(' and ') : 'no context switch'}.`;
}
