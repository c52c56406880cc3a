// The result of one experiment, as ../shared/CONTRACT.md fixes it (fields may be added,
// never renamed). Both engines produce it; the verdict is written from the evidence.
import type { Spec } from './spec.js';
import type { Outcome } from './outcome.js';
// Types point one way only: result.ts -> explore/exploration.ts -> outcome.ts, spec.ts.
import type { Exploration } from './explore/exploration.js';

export { OUTCOMES, type Outcome } from './outcome.js';

/** Lower-case hex with 0x, as every address in a result is written. */
export type Hex = string;

export interface Verdict { outcome: Outcome; summary: string; cause: string; fix: string }

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
  watchpoints: { pid: number; field: string; address: Hex; fired: number; ownWrites: number; foreignWrites: number; available?: boolean; note?: string }[];
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
}
