// Trace events: one object per event, in order, as docs/contract.md describes.
// `t` is virtual time (sim) or nanoseconds since start (native).
export const TRACE_OPS = [
  'shmget', 'shmat', 'mutex_init', 'lock', 'acquired', 'spin', 'owner_read', 'deref', 'park', 'unpark',
  'unlock', 'cs_enter', 'cs_exit', 'read', 'write', 'switch', 'signal', 'core_dump', 'exit', 'watchpoint',
  // mutex_lock returned an error (note: the errno name) without taking the mutex
  'lock_error',
  // sched_yield(2): the thread left its CPU for the tail of the run queue
  'yield',
  // the CPU stopped running the thread for a while (an interrupt, a VM's host): value = steps
  'stall',
] as const;
export type TraceOp = (typeof TRACE_OPS)[number];

export interface TraceEvent {
  seq: number; t: number; cpu: number; pid: number; tid: number; op: TraceOp;
  addr?: string; field?: string; value?: number | string; old?: number | string; note?: string;
  [extra: string]: unknown;
}

/** Where an engine sends events. The sim's sink may be a no-op when the trace is off. */
export interface TraceSink { event(e: TraceEvent): void }
