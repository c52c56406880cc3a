// The result of one experiment, as docs/contract.md describes it (fields may be added,
// never renamed). Both engines produce it; the verdict is written from the evidence.
import type { Spec } from './spec.js';
import type { Outcome } from './outcome.js';
// Types point one way only: result.ts -> explore/exploration.ts -> outcome.ts, spec.ts.
import type { Exploration } from './explore/exploration.js';
import type { Comparison, Distribution } from './distribution.js';

export { OUTCOMES, type Outcome } from './outcome.js';

/** Lower-case hex with 0x, as every address in a result is written. */
export type Hex = string;

/** A platform term a verdict uses (ulwp_t, futex, EDEADLK ...), explained in one line. */
export interface Term { term: string; meaning: string }

/** `terms`: the glossary of the platform terms summary, cause and fix use, and only those. */
export interface Verdict { outcome: Outcome; summary: string; cause: string; fix: string; terms?: Term[] }

export type ProcessExit =
  | { kind: 'exited'; code: number }
  | { kind: 'signaled'; signal: string; function?: string; faultAddress?: Hex; message?: string }
  | { kind: 'hung'; waitingIn: string }
  | { kind: 'killed'; reason: 'fault' | 'timeout' | 'limit' };

export interface ThreadReport { tid: number; ulwp?: Hex; acquisitions?: number; exit?: ProcessExit }

export interface ProcessReport {
  index: number; pid: number; program: string; key: string; shmid: number; attachAddress: Hex;
  threads: ThreadReport[];
  acquisitions: number;
  exit: ProcessExit;
}

export interface Mapping { start: Hex; end: Hex; kind: 'text' | 'data' | 'heap' | 'stack' | 'ulwp' | 'shm' | 'anon'; name?: string; key?: string; shmid?: number }

export interface MutexSnapshot { [field: string]: number | string }

export interface Evidence {
  mutex: { key: string; shmid: number; offset: number; type: string; magic?: Hex; initializedBy: number; [extra: string]: unknown };
  core: null | { pid: number; signal: string; mutex: MutexSnapshot; [extra: string]: unknown };
  /** kernelWrites: stores the kernel made for the process (lwp_mutex_*), which its watchpoint does not see. */
  watchpoints: { pid: number; field: string; address: Hex; fired: number; ownWrites: number; foreignWrites: number; kernelWrites?: number; available?: boolean; note?: string }[];
  pmap: { pid: number; mappings: Mapping[] }[];
  [extra: string]: unknown;
}

export interface Result {
  spec: Spec;
  engine: 'sim' | 'native';
  platform: string;
  seed: number;
  verdict: Verdict;
  processes: ProcessReport[];
  /** expected = increments actually performed; planned = threads x iterations (sim). */
  counter: { expected: number; final: number; lostUpdates: number; planned?: number };
  mutualExclusion: { maxHolders: number; violations: number };
  evidence: Evidence;
  stats: { steps: number; contextSwitches: number; engineMs: number; [extra: string]: number };
  trace: { events: number; truncated: boolean };
  /** Present when the spec asked for an exploration (see explore/exploration.ts). */
  exploration?: Exploration;
  /** Present when the spec asked for repeat (or compare): the outcomes of all the runs (distribution.ts). */
  distribution?: Distribution;
  /** Present when the spec asked for compare: the native runs beside the model's. */
  comparison?: Comparison;
}
