// What the simulator's verdict writers share about one run: the sentences every verdict
// starts from, and the locks the platform took without an atomic instruction.
import type { Execution } from '../execution.js';

/** What every verdict of a run says about the mutex, its users and the fix. */
export interface VerdictContext {
  /** Where the mutex is, who uses it, how it was initialised (one sentence). */
  misuse: string;
  /** The fix in the platform's own API. */
  fixShared: string;
  /** Process-private but used by several processes. */
  wrongSharing: boolean;
  counterText: string;
  /** Sentences about locks taken without an atomic instruction and EDEADLK returns, from the run. */
  singleThreaded: string;
}

/** The processes that took the mutex with plain stores in this run, with how often. */
export function plainLockers(exec: Execution): { pid: number; locks: number }[] {
  const counts = exec.mutex.plainLocks;
  if (!counts) return [];
  return exec.machine.processes.filter((p) => counts[p.index]! > 0).map((p) => ({ pid: p.pid, locks: counts[p.index]! }));
}
