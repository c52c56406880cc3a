// Verdicts specific to the glibc platforms: the `__owner == 0` assertion, two holders at once
// through plain stores, and waiters asleep on private futex keys that no unlock can reach.
// Which lock path a process took is read from the run (the platform counts the locks taken
// by lll_mutex_lock_optimized's plain store), not from the platform's name; the TID a dying
// process found in __owner is matched to the thread the platform gave it. Returns null for
// anything else (the general verdict then applies).
import type { Execution } from '../execution.js';
import type { Outcome, Result, Verdict } from '../result.js';
import { linuxTid } from '../platforms/glibc-mutex.js';
import { plainLockers, type VerdictContext } from './context.js';
import { whyFutexSlept } from './futex-sleep.js';
import { list, plural } from './words.js';

const isGlibc = (exec: Execution) => exec.platform.name.startsWith('glibc');

export function glibcVerdict(exec: Execution, r: Result, outcome: Outcome, ctx: VerdictContext): Omit<Verdict, 'terms'> | null {
  if (!isGlibc(exec)) return null;
  const plain = plainLockers(exec);
  const kind = String((r.evidence.mutex.final as Record<string, unknown>).__kind);
  const plainWords = plain.length === 0 ? '' : `In this run ${list(plain.map((p) => `pid ${p.pid} took it ${plural(p.locks, 'time')}`))} with a plain load of __lock == 0 and a plain store of 1 (lll_mutex_lock_optimized: ${exec.platform.name.replace('-', ' ')} does that for a PRIVATE mutex, __kind ${kind} with the PSHARED bit 0x80 clear, in a process that never created a second thread), and unlocked with a plain store of 0 and no FUTEX_WAKE.`;
  const c = r.counter;
  const lost = c.lostUpdates > 0 ? `; ${plural(c.lostUpdates, 'update')} lost: ${ctx.counterText}` : `; ${ctx.counterText}`;

  if (outcome === 'crash') {
    const dead = r.processes.filter((p) => p.exit.kind === 'signaled');
    const p = dead[0]!;
    const exit = p.exit as Extract<typeof p.exit, { kind: 'signaled' }>;
    if (exit.signal !== 'SIGABRT') return null;
    const atFault = r.evidence.mutexAtFault as Record<string, unknown> | undefined;
    const ownerSeen = atFault ? Number(atFault.__owner) : NaN;
    const holder = exec.machine.threads.find((t) => linuxTid(t) === ownerSeen);
    const victim = exec.machine.threads.find((t) => t.proc.pid === p.pid && t.exit?.kind === 'signaled');
    const others = dead.length > 1 ? ` (${dead.length} processes died: ${dead.map((d) => `pid ${d.pid}`).join(', ')})` : '';
    const how = plain.some((q) => q.pid === p.pid)
      ? `Pid ${p.pid} found __lock free and stored 1 without an atomic instruction`
      : `Pid ${p.pid} took __lock`;
    return {
      outcome,
      summary: `process ${p.index} (pid ${p.pid}${victim ? ` tid ${linuxTid(victim)}` : ''}) died of SIGABRT (${(exit.message ?? 'assertion failed').replace(/\.$/, '')})${others}${lost}.`,
      cause: `${ctx.misuse} ${plainWords} ${how}, and when it checked assert (mutex->__data.__owner == 0) the word held TID ${Number.isNaN(ownerSeen) ? '?' : ownerSeen}${holder ? `, thread ${holder.tid} of pid ${holder.proc.pid}, which had taken the same mutex meanwhile` : ''}. glibc aborted the process.`.replace(/ {2,}/g, ' '),
      fix: ctx.fixShared,
    };
  }

  if (outcome === 'mutual_exclusion_violation' && plain.length > 0) {
    return {
      outcome,
      summary: `mutual exclusion failed: up to ${r.mutualExclusion.maxHolders} threads were inside the critical section at once (${plural(r.mutualExclusion.violations, 'time')})${lost}.`,
      cause: `${ctx.misuse} ${plainWords} Two such load-then-store sequences in different processes let both hold the mutex and overwrite each other's counter updates.`,
      fix: ctx.fixShared,
    };
  }

  if (outcome === 'hang' && !exec.spec.sharing.shared && !exec.spec.robust) {
    const blocked = exec.machine.blocked();
    const waits = blocked.map((t) => `pid ${t.proc.pid} TID ${linuxTid(t)}: ${t.waitingIn}`);
    const exclusion = plain.length > 0
      ? plainWords
      : 'Every lock in this run was an atomic compare-and-swap on the shared __lock word, so the processes did exclude each other.';
    return {
      outcome,
      summary: `hang: ${plural(blocked.length, 'thread sleeps', 'threads sleep')} in futex_wait in pid ${list([...new Set(blocked.map((t) => String(t.proc.pid)))])} and nothing will wake ${blocked.length === 1 ? 'it' : 'them'}${lost}.`,
      cause: `${ctx.misuse} ${exclusion} ${whyFutexSlept(exec)} A waiter sleeps on a PRIVATE futex, which the kernel keys by (address space, virtual address): the FUTEX_WAKE of an unlock in another process goes to that process's own key and never reaches it. Waiting: ${waits.join('; ')}.`,
      fix: ctx.fixShared,
    };
  }
  return null;
}
