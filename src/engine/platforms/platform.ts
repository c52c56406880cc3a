// The platform contract: one mutex implementation, written as a step program against the
// machine. lock() and unlock() each execute ONE step of the calling thread (at most one
// access to shared memory, or one atomic kernel operation) and say whether the operation
// finished. Registers live on the thread (pc, r0, r1, count); the program counter must be
// back at 0 when an operation finishes. A step may also end with the thread parked or its
// process killed (the machine sees the thread's state); the workload just calls again when
// the thread runs next.
import type { Machine } from '../machine/machine.js';
import type { Segment } from '../machine/memory.js';
import type { SimProcess, SimThread } from '../machine/process.js';
import type { MutexSnapshot } from '../result.js';
import type { MutexType, Platform, Spec, WatchField } from '../spec.js';
import type { StallModel } from '../machine/stalls.js';

export const RUNNING = 0;
export const DONE = 1;

export interface MutexField { offset: number; size: number; name: string }

/** One platform's mutex for one run (created after the processes exist and the segment is attached). */
export interface MutexProgram {
  lock(m: Machine, t: SimThread): number;
  unlock(m: Machine, t: SimThread): number;
  /** The kernel's clean-up for this mutex when process p dies (robust-list processing); absent = none. */
  processDied?(m: Machine, p: SimProcess): void;
  /** Lockers that got EOWNERDEAD and made the mutex consistent (robust mutexes). */
  readonly recoveries?: Recovery[];
  /** mutex_lock calls that returned an error without taking the mutex (EDEADLK), in order. */
  readonly lockErrors?: LockError[];
  /** Locks taken with a plain load and store, no atomic instruction (single-threaded paths), by process index. */
  readonly plainLocks?: Int32Array;
  /**
   * Forget what the last run did, for another run on the same machine (SimRig). Programs
   * without it are created anew for every run. Arrays handed out (recoveries) are replaced,
   * not emptied: a result built from the last run may still hold them.
   */
  reset?(): void;
}

/**
 * One EOWNERDEAD recovery, in the shape the native engine reports it. Solaris platforms add the
 * mutex_flag word (where LOCK_OWNERDEAD lives) and the call that made the mutex consistent.
 */
export interface Recovery {
  index: number; pid: number; tid: number; t: number; lockWord: string; lockWordBefore?: string; consistentRc: number;
  mutexFlag?: string; mutexFlagBefore?: string; consistent?: string;
}

/**
 * A mutex_lock that returned an errno without taking the mutex. lock() still finishes (DONE)
 * with t.lockRc set: that is the return value, and the workload, like the story's program,
 * does not check it and goes into its critical section.
 */
export interface LockError {
  pid: number; tid: number; t: number;
  error: 'EDEADLK';
  /** The libc function that returned it, and mutex_owner as it read it. */
  function: string; owner: string;
  /** Why, in words. */
  reason: string;
}

/** What a platform's robust mutexes are called and where they stop (for checks and verdicts). */
export interface RobustModel {
  /** A valid spec this platform's mutex_init would reject (e.g. EINVAL), naming the field; null if fine. */
  unsupported(spec: Spec): { field: string; message: string } | null;
  /** The kernel's clean-up when the owner process dies, as the verdict names it. */
  readonly cleanup: string;
  /** Why this spec's robust mutex is not recovered when its owner process dies; null when it is, or when the spec is not robust. */
  notRecovered(spec: Spec): string | null;
  /** How a program initialises a robust process-shared mutex here, in the platform's own API (the fix). */
  readonly init: string;
  /** The call that marks a mutex consistent again after EOWNERDEAD. */
  readonly consistent: string;
}

export interface PlatformDefinition {
  readonly name: Platform;
  /** How the verdict names it, e.g. "Solaris 10 (libc of 2005)". */
  readonly title: string;
  /** Bytes of the mutex object; the shared counter follows it in the segment. */
  readonly mutexSize: number;
  /** The words the watchpoint tool can watch. */
  readonly fields: Record<WatchField, MutexField>;
  /** The value that means "initialised" in the magic field, if the platform has one. */
  readonly magic?: number;
  /** mutex_init / pthread_mutex_init: the bytes the creator writes (setup, not scheduled). */
  init(seg: Segment, offset: number, type: MutexType, robust: boolean): void;
  create(m: Machine, spec: Spec): MutexProgram;
  /** The mutex as a debugger shows it in a core file. */
  snapshot(seg: Segment, offset: number): MutexSnapshot;
  /** Field that identifies the owner in a snapshot, and how to name it ("ulwp_t" / "TID"). */
  readonly ownerField: { name: string; meaning: string };
  /** Robust mutexes as this platform has them (the spec check and the verdicts' words). */
  readonly robust: RobustModel;
  /** How the CPUs of this platform's machine stall (interrupts, a VM's host); absent = never. */
  readonly stalls?: StallModel;
}
