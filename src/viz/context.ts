// What the pictures know besides the events: process names (program, key), thread ulwp
// addresses and how a process died, all from the experiment's Result when the caller has it.
// Without a Result the pictures still work, with plainer labels.
import type { ProcessExit, ProcessReport, Result } from '../engine/result.js';
import type { TraceEvent } from '../engine/trace.js';

export interface VizContext {
  processes?: ProcessReport[];
  engine?: 'sim' | 'native';
  /** True when the engine already dropped events (result.trace.truncated). */
  inputTruncated?: boolean;
  title?: string;
  /** The result's platform (solaris10, glibc-2.36, host ...): picks the picture's vocabulary. */
  platform?: string;
  /** Threads a native run found blocked at the end (evidence.blocked): drawn as kernel waits. */
  blocked?: { pid: number; tid: number; wchan: string; state?: string }[];
}

export function contextFromResult(result: Result): VizContext {
  return {
    processes: result.processes,
    engine: result.engine,
    inputTruncated: result.trace?.truncated ?? false,
    title: `${result.engine}/${result.platform} seed ${result.seed}: ${result.verdict?.outcome ?? '?'}`,
    platform: result.platform,
    blocked: blockedThreads(result.evidence?.['blocked']),
  };
}

function blockedThreads(v: unknown): VizContext['blocked'] {
  if (!Array.isArray(v)) return undefined;
  return v.filter((b): b is { pid: number; tid: number; wchan: string; state?: string } =>
    typeof b === 'object' && b !== null && Number.isInteger(b.pid) && Number.isInteger(b.tid) && typeof b.wchan === 'string');
}

export function findProcess(ctx: VizContext, pid: number): ProcessReport | undefined {
  return ctx.processes?.find((p) => p.pid === pid);
}

export function processLabel(ctx: VizContext, pid: number): string {
  const p = findProcess(ctx, pid);
  return p ? `pid ${pid} ${p.program} (key ${p.key}, shmid ${p.shmid})` : `pid ${pid}`;
}

/**
 * A lane's label. On Solaris a thread is known by its ulwp_t address (what mutex_owner holds);
 * on Linux by its TID, which the caller may know from the trace (the value the thread stored
 * in __owner); natively the trace's tid already is the kernel TID.
 */
export function threadLabel(ctx: VizContext, pid: number, tid: number, ownerId?: string): string {
  if (ctx.engine === 'native' || ctx.platform === 'host') return `TID ${tid}`;
  if (ctx.platform?.startsWith('glibc')) return ownerId !== undefined ? `tid ${tid} (TID ${ownerId})` : `tid ${tid}`;
  if (ctx.platform?.startsWith('musl')) return `tid ${tid}`; // no ulwp_t on Linux, and musl stores no owner TID to show
  const ulwp = findProcess(ctx, pid)?.threads.find((t) => t.tid === tid)?.ulwp;
  return ulwp ? `tid ${tid} (ulwp ${ulwp})` : `tid ${tid}`;
}

/** Which thread a mutex_owner value points at, when it is some thread's ulwp_t address (Solaris only). */
export function ownerName(ctx: VizContext, value: string | number): string | undefined {
  if (ctx.engine === 'native' || ctx.platform === 'host' || ctx.platform?.startsWith('glibc')) return undefined;
  const text = typeof value === 'number' ? '0x' + value.toString(16) : value.toLowerCase();
  for (const p of ctx.processes ?? []) {
    for (const t of p.threads) if (t.ulwp && t.ulwp.toLowerCase() === text) return `pid ${p.pid} tid ${t.tid}`;
  }
  return undefined;
}

/** A stored word as one key whatever its spelling: 1001, "1001" and "0x3e9" are the same value. */
export function wordKey(v: unknown): string {
  const n = numericValue(v);
  return n !== undefined ? String(n) : String(v).toLowerCase();
}

export type SignaledExit = Extract<ProcessExit, { kind: 'signaled' }>;

/**
 * The fatal signal of a process, from the Result when known, else from the event: the sim
 * writes its note as "function: SIGNAME: what it was doing" and the fault address as addr.
 */
export function crashDetails(ctx: VizContext, e: TraceEvent): { signal: string; function?: string; faultAddress?: string } {
  const exit = findProcess(ctx, e.pid)?.exit;
  const note = e.note ?? '';
  const named = [e.value, e['signal']].find((v): v is string => typeof v === 'string' && /^SIG[A-Z0-9]+$/.test(v));
  const fromEvent = {
    signal: named ?? /\b(SIG[A-Z0-9]+)\b/.exec(note)?.[1] ?? 'signal',
    function: typeof e['function'] === 'string' ? e['function'] as string : /^([A-Za-z_][A-Za-z0-9_]*):/.exec(note)?.[1],
    faultAddress: typeof e.addr === 'string' ? e.addr : undefined,
  };
  if (exit?.kind === 'signaled') {
    return { signal: exit.signal, function: exit.function ?? fromEvent.function, faultAddress: exit.faultAddress ?? fromEvent.faultAddress };
  }
  return fromEvent;
}

/** A store to the shared counter the critical section increments. */
export const isCounterWrite = (e: TraceEvent): boolean => e.op === 'write' && e.field === 'counter';

/** A store to the mutex's owner word (mutex_owner on Solaris, __owner on glibc). */
export const isOwnerWrite = (e: TraceEvent): boolean => e.op === 'write' && isOwnerField(e.field);

export const isOwnerField = (f: string | undefined): boolean => f === 'owner' || f === 'mutex_owner' || f === '__owner';

/** A load of the owner word: the adaptive spin's owner_read, or a plain read of the field (glibc's assertion). */
export const isOwnerRead = (e: TraceEvent): boolean =>
  e.value !== undefined && (e.op === 'owner_read' || (e.op === 'read' && isOwnerField(e.field)));

/** Numeric value of a stored word, or undefined for values that do not fit a double exactly. */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^0x[0-9a-f]+$/i.test(v)) {
    const n = Number.parseInt(v, 16);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

/** Microseconds per trace tick: native `t` is in nanoseconds; sim `t` ticks draw as 1 µs each. */
export function microsecondsPerTick(ctx: VizContext): number {
  return ctx.engine === 'native' ? 0.001 : 1;
}
