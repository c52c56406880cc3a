// Verdicts specific to the glibc platforms: the `__owner == 0` assertion of the single-threaded
// fast path, two holders at once through plain stores, and waiters asleep on private futex keys
// that no unlock can reach. Written from this run's evidence; returns null for anything else
// (the general verdict then applies).
import type { Execution } from '../execution.js';
import type { Outcome, Result, Verdict } from '../result.js';

export interface VerdictContext { misuse: string; fixShared: string; wrongSharing: boolean; counterText: string }

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;
const isGlibc = (exec: Execution) => exec.platform.name === 'glibc-2.33' || exec.platform.name === 'glibc-2.36';

export function glibcVerdict(exec: Execution, r: Result, outcome: Outcome, ctx: VerdictContext): Verdict | null {
  if (!isGlibc(exec)) return null;
  const singles = r.processes.filter((p) => p.threads.length === 1).map((p) => p.pid);
  const fastPath = exec.platform.name === 'glibc-2.36' && !exec.spec.sharing.shared && !exec.spec.robust;
  const kind = String((r.evidence.mutex.final as Record<string, unknown>).__kind);
  const plainStores = `${exec.platform.title} locks a PRIVATE mutex (__kind ${kind}, PSHARED bit 0x80 clear) in a process that never created a second thread with a plain load of __lock == 0 and a plain store of 1 (lll_mutex_lock_optimized), and unlocks it with a plain store of 0 and no FUTEX_WAKE`;
  const c = r.counter;
  const lost = c.lostUpdates > 0 ? `; ${plural(c.lostUpdates, 'update')} lost (${ctx.counterText})` : `; ${ctx.counterText}`;

  if (outcome === 'crash') {
    const dead = r.processes.filter((p) => p.exit.kind === 'signaled');
    const p = dead[0]!;
    const exit = p.exit as Extract<typeof p.exit, { kind: 'signaled' }>;
    if (exit.signal !== 'SIGABRT') return null;
    const atFault = r.evidence.mutexAtFault as Record<string, unknown> | undefined;
    const ownerSeen = atFault ? Number(atFault.__owner) : NaN;
    const holder = r.processes.find((q) => q.pid === ownerSeen || q.threads.some((_t, j) => q.pid + 100 * j === ownerSeen));
    const others = dead.length > 1 ? ` (${dead.length} processes died: ${dead.map((d) => `pid ${d.pid}`).join(', ')})` : '';
    return {
      outcome,
      summary: `process ${p.index} (pid ${p.pid}) died of SIGABRT (${(exit.message ?? "assertion failed").replace(/\.$/, "")})${others}${lost}.`,
      cause: `${ctx.misuse} ${plainStores}. Nothing stops two processes from doing that at once: pid ${p.pid} found __lock free and stored 1, and when it checked assert (mutex->__data.__owner == 0) the word held TID ${Number.isNaN(ownerSeen) ? '?' : ownerSeen}${holder ? `, a thread of pid ${holder.pid}, which had taken the same mutex meanwhile` : ''}. glibc aborted the process.`,
      fix: ctx.fixShared,
    };
  }

  if (outcome === 'mutual_exclusion_violation' && fastPath && singles.length > 1) {
    return {
      outcome,
      summary: `mutual exclusion failed: up to ${r.mutualExclusion.maxHolders} threads were inside the critical section at once (${plural(r.mutualExclusion.violations, 'time')})${lost}.`,
      cause: `${ctx.misuse} ${plainStores}. Single-threaded pids ${singles.join(', ')} therefore each read __lock == 0 and stored 1 without an atomic instruction, held it together and overwrote each other's counter updates; the __owner assertion only catches the interleavings where the other TID is already stored.`,
      fix: ctx.fixShared,
    };
  }

  if (outcome === 'hang' && !exec.spec.sharing.shared && !exec.spec.robust) {
    const blocked = exec.machine.blocked();
    const waits = blocked.map((t) => `pid ${t.proc.pid} tid ${t.tid}: ${t.waitingIn}`);
    const why = fastPath && singles.length > 0
      ? ` The single-threaded processes (pids ${singles.join(', ')}) unlock with a plain store and never call FUTEX_WAKE at all.`
      : '';
    return {
      outcome,
      summary: `hang: ${plural(blocked.length, 'thread')} sleep in futex_wait and nothing will wake them (pids ${[...new Set(blocked.map((t) => t.proc.pid))].join(', ')})${lost}.`,
      cause: `${ctx.misuse} The lock word itself is shared, so the atomic compare-and-swap still excludes, but a waiter sleeps on a PRIVATE futex, which the kernel keys by (address space, virtual address): the FUTEX_WAKE of an unlock in another process goes to that process's own key and never reaches it.${why} Waiting: ${waits.join('; ')}.`,
      fix: ctx.fixShared,
    };
  }
  return null;
}
