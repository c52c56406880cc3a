// Verdicts specific to the musl platform: a process-private mutex used across processes ends in
// lost wake-ups, never in two holders, because every musl lock path is an atomic CAS. Told from
// the run: which processes slept in FUTEX_WAIT on their own private keys, how many FUTEX_WAKEs
// each process sent and how many sleepers they reached, and the words _m_lock / _m_waiters left.
// Returns null for anything else (robust kills are verdicts/faults.ts's; the general verdict
// covers ok and the rest).
import type { Execution } from '../execution.js';
import type { Outcome, Result, Verdict } from '../result.js';
import { linuxTid } from '../platforms/glibc-mutex.js';
import { hasFutexCounts } from '../platforms/musl.js';
import { plainLockers, type VerdictContext } from './context.js';
import { whyFutexSlept } from './futex-sleep.js';
import { list, plural } from './words.js';

const isMusl = (exec: Execution) => exec.platform.name.startsWith('musl');

export function muslVerdict(exec: Execution, r: Result, outcome: Outcome, ctx: VerdictContext): Omit<Verdict, 'terms'> | null {
  if (!isMusl(exec) || outcome !== 'hang' || exec.spec.sharing.shared || !hasFutexCounts(exec.mutex)) return null;
  const counts = exec.mutex;
  const final = r.evidence.mutex.final as Record<string, unknown>;
  const lock = parseInt(String(final._m_lock), 16) >>> 0;
  const waiters = Number(final._m_waiters);
  const blocked = exec.machine.blocked();
  const procs = exec.machine.processes;
  const asleep = [...new Set(blocked.map((t) => t.proc.pid))];
  const plain = plainLockers(exec);
  const exclusion = plain.length === 0 && r.mutualExclusion.maxHolders <= 1
    ? `Every lock in this run was an atomic compare-and-swap of _m_lock (musl has no plain-store path), so the processes did exclude each other: never more than ${r.mutualExclusion.maxHolders} holder inside.`
    : `Up to ${r.mutualExclusion.maxHolders} holders were inside at once.`;
  const wakes = procs.filter((p) => counts.futexWakes[p.index]! > 0)
    .map((p) => `pid ${p.pid} sent ${plural(counts.futexWakes[p.index]!, 'FUTEX_WAKE')} to its own key and reached ${plural(counts.futexWoken[p.index]!, 'sleeper')}`);
  const sleeps = procs.filter((p) => counts.futexSleeps[p.index]! > 0).map((p) => `pid ${p.pid}: ${plural(counts.futexSleeps[p.index]!, 'time')}`);
  const left = lock === 0 && waiters > 0
    ? `At the end _m_lock reads 0x0 (free) while _m_waiters still counts ${waiters}: the mutex was released and the ${waiters === 1 ? 'sleeper was' : 'sleepers were'} never woken.`
    : `At the end _m_lock reads ${String(final._m_lock)} and _m_waiters ${waiters}.`;
  return {
    outcome,
    summary: `hang: ${plural(blocked.length, 'thread sleeps', 'threads sleep')} in FUTEX_WAIT on a private futex in pid ${list(asleep.map(String))} and nothing will wake ${blocked.length === 1 ? 'it' : 'them'}; ${ctx.counterText}.`,
    cause: [
      ctx.misuse,
      exclusion,
      whyFutexSlept(exec),
      `What failed is the wake-up: _m_type ${String(final._m_type)} has the pshared bit 128 clear, so musl waits and wakes with FUTEX_PRIVATE, which the kernel keys by (address space, virtual address). Lockers slept in FUTEX_WAIT (${list(sleeps)}), each on its own process's key; ${wakes.length > 0 ? list(wakes) : 'no unlock sent a FUTEX_WAKE'}.`,
      left,
      `Waiting: ${blocked.map((t) => `pid ${t.proc.pid} TID ${linuxTid(t)}: ${t.waitingIn}`).join('; ')}.`,
    ].join(' '),
    fix: ctx.fixShared,
  };
}
