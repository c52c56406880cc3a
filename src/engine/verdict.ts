// The verdict of one run, written from THIS run's evidence: which pid died of what, where,
// whose address it touched, which key, which type, which platform; who waits where in a
// hang; how many updates were lost. Nothing here is a canned story per platform.
import { hex } from './machine/memory.js';
import { ULWP_SIZE } from './machine/layout.js';
import type { Execution } from './execution.js';
import type { Outcome, Result, Verdict } from './result.js';
import { rankedOutcome } from './outcome-rank.js';
import { faultVerdict } from './verdicts/faults.js';
import { glibcVerdict } from './verdicts/glibc.js';

/** The outcome alone, cheap enough to call after every run of an exploration. */
export function outcomeOf(exec: Execution): Outcome {
  const m = exec.machine;
  let final = 0;
  for (const s of exec.world.shm.segments) final += s.backing.u32[exec.world.counterOffset >>> 2]!;
  return rankedOutcome((o) => {
    switch (o) {
      case 'crash': return m.processes.some((p) => p.exit?.kind === 'signaled' || p.state === 1);
      case 'hang': return exec.stop === 'hang';
      case 'limit_exceeded': return exec.stop === 'limit';
      case 'owner_died': return exec.faults.recoveries.length > 0;
      case 'mutual_exclusion_violation': return exec.workload.violations > 0 || final !== exec.workload.increments;
      default: return false;
    }
  });
}

const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** Whose thread structure contains `addr` (processes other than `except` first). */
function ownerOfAddress(exec: Execution, addr: number, exceptPid: number): string | null {
  const hits = exec.machine.threads.filter((t) => addr >= t.ulwp && addr < t.ulwp + ULWP_SIZE);
  const t = hits.find((h) => h.proc.pid !== exceptPid) ?? hits[0];
  if (!t) return null;
  return `the ulwp_t of thread ${t.tid} of pid ${t.proc.pid} (${t.proc.program}) at ${hex(t.ulwp)}`;
}

export function writeVerdict(exec: Execution, r: Result): Verdict {
  const outcome = outcomeOf(exec);
  const { spec, world, platform } = exec;
  const seg = world.segment;
  const sharers = r.processes.filter((p) => p.shmid === seg.shmid);
  const sharerText = list(sharers.map((p) => `${p.pid} (${p.program})`));
  const creator = world.initializedBy.get(seg.shmid) ?? 0;
  const shared = spec.sharing.shared;
  const where = `the mutex at offset 0 of System V segment key ${seg.key} (shmid ${seg.shmid})`;
  const attachText = new Set(sharers.map((p) => p.attachAddress)).size === 1 ? `, attached at ${sharers[0]!.attachAddress} in each` : '';
  const typeText = `${spec.sharing.solaris} / ${spec.sharing.posix}`;
  const fixShared = `Initialise the mutex process-shared in pid ${creator}, the creator of key ${seg.key}: mutex_init(&m, USYNC_PROCESS, NULL) on Solaris, or pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) before pthread_mutex_init.`
    + (new Set(sharers.map((p) => p.program)).size > 1 ? ` If programs ${list([...new Set(sharers.map((p) => p.program))])} were never meant to share this segment, give them different keys (or IPC_PRIVATE).` : '');
  const wrongSharing = !shared && sharers.length > 1;
  const misuse = wrongSharing
    ? `${where} is shared by pids ${sharerText}${attachText}, but pid ${creator} initialised it ${spec.mutexType} (process-private: ${typeText}).`
    : `${where} is used by pids ${sharerText}, initialised ${spec.mutexType} by pid ${creator}.`;
  const c = r.counter;
  const counterText = `${c.expected} increments performed (of ${c.planned} planned), counter reads ${c.final}`;
  const special = faultVerdict(exec, r, outcome) ?? glibcVerdict(exec, r, outcome, { misuse, fixShared, wrongSharing, counterText });
  if (special) return special;

  if (outcome === 'crash') {
    const dead = r.processes.filter((p) => p.exit.kind === 'signaled');
    const p = dead[0]!;
    const exit = p.exit as Extract<typeof p.exit, { kind: 'signaled' }>;
    const fault = exit.faultAddress ? parseInt(exit.faultAddress, 16) : NaN;
    const whose = Number.isNaN(fault) ? null : ownerOfAddress(exec, fault, p.pid);
    const core = r.evidence.core;
    const wpCrash = r.evidence.watchpoints.find((w) => w.pid === p.pid);
    const others = dead.length > 1 ? ` ${plural(dead.length - 1, 'other process', 'other processes')} died too (${list(dead.slice(1).map((d) => `pid ${d.pid}`))}).` : '';
    const summary = `process ${p.index} (pid ${p.pid}, ${p.program}) died of ${exit.signal} in ${exit.function} at ${exit.faultAddress}`
      + (whose ? `: that address lies in ${whose}, and is not mapped in pid ${p.pid}` : '') + `.${others}`;
    const parts = [misuse];
    parts.push(`On ${platform.title}, pid ${p.pid} was ${exit.message ?? 'touching ' + exit.faultAddress}: ${exit.function} follows mutex_owner as a pointer into its OWN address space, and the owner had been stored by another process${spec.cpus === 1 ? ' (this happened on 1 CPU: the spin did not check the number of CPUs)' : ''}.`);
    if (core) {
      const atFault = r.evidence.mutexAtFault as Record<string, unknown> | undefined;
      const ownerNow = String(core.mutex.owner);
      parts.push(`The core of pid ${core.pid} was complete at t=${core.writtenAt} (the fault was at t=${core.faultedAt}); meanwhile the other processes kept running, so the core shows owner ${ownerNow}` + (atFault && atFault.owner !== ownerNow ? ` whereas it was ${String(atFault.owner)} when pid ${p.pid} read it.` : '.'));
    }
    if (wpCrash) parts.push(`The watchpoint on ${wpCrash.field} in pid ${wpCrash.pid} fired ${wpCrash.fired} times (its own stores) and never saw the ${wpCrash.foreignWrites} stores other processes made to the same word.`);
    return { outcome, summary, cause: parts.join(' '), fix: wrongSharing ? fixShared : `Examine the code path of ${exit.function}: this spec's sharing attribute (${typeText}) is already process-shared.` };
  }

  if (outcome === 'limit_exceeded') {
    const spinning = exec.machine.threads.filter((t) => t.state === 0 && t.phase === 0 && t.pc !== 0).length;
    return {
      outcome,
      summary: `stopped at limits.maxSteps = ${spec.limits.maxSteps} steps (virtual time ${r.stats.virtualTime}) before the threads finished: ${counterText}.`,
      cause: `${misuse} The run was cut short; ${plural(spinning, 'thread was', 'threads were')} inside mutex_lock at that point. The evidence is partial.`,
      fix: `Raise limits.maxSteps (maximum 200000000) or lower iterations to see how the run ends.`,
    };
  }

  if (outcome === 'mutual_exclusion_violation') {
    return {
      outcome,
      summary: `mutual exclusion failed: ${counterText} (${plural(c.lostUpdates, 'update')} lost); up to ${r.mutualExclusion.maxHolders} threads were inside the critical section at once (${plural(r.mutualExclusion.violations, 'time')}).`,
      cause: `${misuse} On ${platform.title} two lockers were able to hold it at the same time.`,
      fix: wrongSharing ? fixShared : 'The lock itself failed with a process-shared mutex: report it as a bug in the platform model.',
    };
  }

  if (outcome === 'hang') {
    const blocked = exec.machine.blocked();
    const waits = blocked.map((t) => `pid ${t.proc.pid} tid ${t.tid}: ${t.waitingIn}`);
    const final = r.evidence.mutex.final as Record<string, unknown>;
    const procs = [...new Set(blocked.map((t) => t.proc.pid))];
    const lost = wrongSharing
      ? ` The waiters sleep on queues private to their own process (keyed by process and virtual address), while the unlocks that could have woken them ran in other processes: the wake-ups were lost.`
      : '';
    return {
      outcome,
      summary: `hang: every live thread is blocked and nothing can run (${plural(blocked.length, 'thread')} in pid ${list(procs.map(String))}); ${counterText}.`,
      cause: `${misuse}${lost} The mutex now reads lock byte ${String(final.lockByte ?? '?')}, waiters ${String(final.waiters ?? '?')}, owner ${String(final.owner ?? '?')}. Waiting: ${waits.join('; ')}.`,
      fix: wrongSharing ? fixShared : 'A thread sleeps on a process-shared mutex nobody will release: look for an owner that died while holding it (robust mutexes report that).',
    };
  }

  // ok
  const threads = r.processes.reduce((n, p) => n + p.threads.length, 0);
  return {
    outcome,
    summary: `ok: ${plural(r.processes.length, 'process', 'processes')} with ${plural(threads, 'thread')} did ${c.expected} increments; the counter reads ${c.final}; never more than ${r.mutualExclusion.maxHolders} holder at a time.`,
    cause: wrongSharing
      ? `${misuse} This schedule (seed ${spec.seed}) happened not to expose it on ${platform.title}, but the mutex is still used across processes while declared process-private.`
      : `${misuse} ${shared || sharers.length <= 1 ? 'Its sharing attribute matches how it is used.' : ''}`.trim(),
    fix: wrongSharing ? fixShared : 'Nothing to fix in this run.',
  };
}
