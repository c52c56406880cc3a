// The verdict of one run, written from THIS run's evidence: which pid died of what, where,
// whose address it touched, which key, which type, which platform; who waits where in a
// hang; how many updates were lost, per segment; which processes took the mutex without an
// atomic instruction and who got EDEADLK. CPU facts come from the machine and the recorded
// context switches, never from the spec alone. Nothing here is a canned story per platform.
import { hex } from './machine/memory.js';
import { ULWP_SIZE } from './machine/layout.js';
import type { Execution } from './execution.js';
import type { Outcome, Result, Verdict } from './result.js';
import { rankedOutcome } from './outcome-rank.js';
import { faultVerdict, killAside, unfiredSentences } from './verdicts/faults.js';
import { glibcVerdict } from './verdicts/glibc.js';
import { muslVerdict } from './verdicts/musl.js';
import { plainLockers, type VerdictContext } from './verdicts/context.js';
import { counterWords, familyOf, list, plural, sharedInit, sharingWords, withTerms } from './verdicts/words.js';

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

/** Whose thread structure contains `addr` (processes other than `except` first). */
function ownerOfAddress(exec: Execution, addr: number, exceptPid: number): string | null {
  const hits = exec.machine.threads.filter((t) => addr >= t.ulwp && addr < t.ulwp + ULWP_SIZE);
  const t = hits.find((h) => h.proc.pid !== exceptPid) ?? hits[0];
  if (!t) return null;
  return `the ulwp_t of thread ${t.tid} of pid ${t.proc.pid} (${t.proc.program}) at ${hex(t.ulwp)}`;
}

function singleThreadedWords(exec: Execution): string {
  const out: string[] = [];
  const plain = plainLockers(exec);
  if (plain.length > 0 && familyOf(exec.platform.name) === 'solaris') {
    out.push(`${plain.length === 1 ? `Pid ${plain[0]!.pid} has` : `Pids ${list(plain.map((p) => String(p.pid)))} have`} one thread, so ${exec.platform.title} took the mutex there with a plain load of the lock byte and a plain store of 1, no atomic instruction (${list(plain.map((p) => `pid ${p.pid}: ${plural(p.locks, 'time')}`))}), and unlocked it with plain stores that wake nobody; a locker in another process can take it between that load and that store.`);
  }
  const errors = exec.mutex.lockErrors ?? [];
  for (const pid of [...new Set(errors.map((e) => e.pid))]) {
    const mine = errors.filter((e) => e.pid === pid);
    const first = mine[0]!;
    const owner = parseInt(first.owner, 16);
    const twins = exec.machine.threads.filter((t) => t.ulwp === owner && t.proc.pid !== pid).map((t) => `thread ${t.tid} of pid ${t.proc.pid}`);
    out.push(`Pid ${pid} tid ${first.tid} got EDEADLK from mutex_lock ${plural(mine.length, 'time')} (first at t=${first.t}): mutex_owner held ${first.owner}, its own ulwp_t address${twins.length > 0 ? `, which is also the address of ${list(twins)} (the same program, no ASLR)` : ''}. The program does not check the return value, so it went into its critical section without the mutex.`);
  }
  return out.join(' ');
}

/**
 * Why a misuse went unexposed, when the run's own figures say it: the time its processes spent
 * in sched_yield (work.yieldEvery, as the native probe runs), away from the lock.
 */
function apartByYields(exec: Execution): string {
  const { yields, yieldSteps } = exec.workload;
  const m = exec.machine;
  if (yields === 0 || m.now === 0) return '';
  const share = Math.round((100 * yieldSteps) / (m.now * m.cpus));
  return `: its threads called sched_yield ${plural(yields, 'time')}, which kept the ${plural(m.cpus, 'CPU')} in the kernel for ${share}% of the run, so most of the time nobody was at the lock`;
}

export function writeVerdict(exec: Execution, r: Result): Verdict {
  // a kill is the story (owner_died, the dead owner's hang), or an aside to another story
  const told = faultVerdict(exec, r, outcomeOf(exec));
  const v = told?.verdict ?? writeSentences(exec, r);
  const asides = [killAside(exec, r, told?.kill), ...unfiredSentences(r.processes, exec.faults.unfired())].filter(Boolean);
  return withTerms(asides.length > 0 ? { ...v, cause: [v.cause, ...asides].join(' ') } : v);
}

function writeSentences(exec: Execution, r: Result): Omit<Verdict, 'terms'> {
  const outcome = outcomeOf(exec);
  const { spec, world, platform } = exec;
  const family = familyOf(platform.name);
  const seg = world.segment;
  const sharers = r.processes.filter((p) => p.shmid === seg.shmid);
  const sharerText = list(sharers.map((p) => `${p.pid} (${p.program})`));
  const creator = world.initializedBy.get(seg.shmid) ?? 0;
  const shared = spec.sharing.shared;
  const attachText = new Set(sharers.map((p) => p.attachAddress)).size === 1 ? `, attached at ${sharers[0]!.attachAddress} in each` : '';
  const typeText = sharingWords(family, spec.sharing);
  const programs = [...new Set(sharers.map((p) => p.program))];
  const fixShared = `Initialise the mutex process-shared in pid ${creator}, the creator of key ${seg.key}: ${sharedInit(family)}.`
    + (programs.length > 1 ? ` If programs ${list(programs)} were never meant to share this segment, give them different keys (or IPC_PRIVATE).` : '');
  const wrongSharing = !shared && sharers.length > 1;
  // processes on other keys: their own segments, mutexes and counters
  const apart = r.processes.filter((p) => p.shmid !== seg.shmid);
  const apartText = apart.length === 0 ? '' : ` ${list(apart.map((p, i) => `${i === 0 ? 'Pid' : 'pid'} ${p.pid} (${p.program}) used key ${p.key}, segment shmid ${p.shmid}`))}: ${apart.length === 1 ? 'it shares' : 'they share'} no memory, mutex or counter with pid ${sharers.map((p) => p.pid).join(', ')}.`;
  const where = `The mutex at offset 0 of System V segment key ${seg.key} (shmid ${seg.shmid})`;
  const misuseOne = wrongSharing
    ? `${where} is shared by pids ${sharerText}${attachText}, but pid ${creator} initialised it ${typeText}.`
    : `${where} is used by ${sharers.length === 1 ? `pid ${sharerText}` : `pids ${sharerText}`}, initialised ${typeText} by pid ${creator}.`;
  const misuse = misuseOne + apartText;
  const c = r.counter;
  const segments = world.shm.segments.map((s) => ({ key: s.key, shmid: s.shmid, final: s.backing.u32[world.counterOffset >>> 2]! }));
  const counterText = counterWords(c, segments);
  const singleThreaded = singleThreadedWords(exec);
  const ctx: VerdictContext = { misuse, fixShared, wrongSharing, counterText, singleThreaded };
  const special = glibcVerdict(exec, r, outcome, ctx) ?? muslVerdict(exec, r, outcome, ctx);
  if (special) return special;
  const withSingle = (s: string) => (singleThreaded ? `${s} ${singleThreaded}` : s);

  if (outcome === 'crash') {
    const dead = r.processes.filter((p) => p.exit.kind === 'signaled');
    const p = dead[0]!;
    const exit = p.exit as Extract<typeof p.exit, { kind: 'signaled' }>;
    const fault = exit.faultAddress ? parseInt(exit.faultAddress, 16) : NaN;
    const whose = Number.isNaN(fault) ? null : ownerOfAddress(exec, fault, p.pid);
    const faulter = exec.machine.threads.find((t) => t.proc.pid === p.pid && t.exit?.kind === 'signaled');
    const core = r.evidence.core;
    const wpCrash = r.evidence.watchpoints.find((w) => w.pid === p.pid);
    const others = dead.length > 1 ? ` ${plural(dead.length - 1, 'other process', 'other processes')} died too (${list(dead.slice(1).map((d) => `pid ${d.pid}`))}).` : '';
    const summary = `process ${p.index} (pid ${p.pid}, ${p.program}) died of ${exit.signal} in ${exit.function}${faulter ? ` (tid ${faulter.tid})` : ''} at ${exit.faultAddress}`
      + (whose ? `: that address lies in ${whose}, and is not mapped in pid ${p.pid}` : '') + `.${others}`;
    const parts = [misuse];
    parts.push(`On ${platform.title}, pid ${p.pid}${faulter ? ` tid ${faulter.tid}` : ''} was ${exit.message ?? 'touching ' + exit.faultAddress}: ${exit.function} follows mutex_owner as a pointer into its own address space, and the owner had been stored by another process.`);
    const switches = (r.evidence.switchesBeforeFault as { t: number; cpu: number; from: string; to: string }[] | undefined) ?? [];
    const lastIn = [...switches].reverse().find((s) => faulter && s.to === `pid ${p.pid} tid ${faulter.tid}`);
    const cpus = exec.machine.cpus;
    if (exit.function === 'mutex_trylock_adaptive' && cpus === 1) {
      parts.push(`The run has 1 CPU${lastIn ? `, and at t=${lastIn.t} it switched from ${lastIn.from} to ${lastIn.to}` : ''}: the owner could not be running while pid ${p.pid} spun, yet this libc spun and looked at the owner's thread state, without checking the number of CPUs.`);
    } else if (lastIn) {
      parts.push(`At t=${lastIn.t} CPU ${lastIn.cpu} of ${cpus} switched from ${lastIn.from} to ${lastIn.to}.`);
    }
    if (core) {
      const atFault = r.evidence.mutexAtFault as Record<string, unknown> | undefined;
      const ownerNow = String(core.mutex.owner);
      parts.push(`The core of pid ${core.pid} was complete at t=${core.writtenAt} (the fault was at t=${core.faultedAt}); meanwhile the other processes kept running, so the core shows owner ${ownerNow}` + (atFault && atFault.owner !== ownerNow ? ` whereas it was ${String(atFault.owner)} when pid ${p.pid} read it.` : '.'));
    }
    if (wpCrash) {
      const kernel = wpCrash.kernelWrites ? ` nor the ${plural(wpCrash.kernelWrites, 'store')} the kernel made for it` : '';
      parts.push(`The watchpoint on ${wpCrash.field} in pid ${wpCrash.pid} fired ${plural(wpCrash.fired, 'time')} (its own stores) and never saw the ${plural(wpCrash.foreignWrites, 'store')} other processes made to the same word${kernel}.`);
    }
    if (singleThreaded) parts.push(singleThreaded);
    return { outcome, summary, cause: parts.join(' '), fix: wrongSharing ? fixShared : `Examine the code path of ${exit.function}: this mutex is already ${typeText}.` };
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
    const { maxHolders, violations } = r.mutualExclusion;
    const how = singleThreaded || `On ${platform.title} two lockers held it at the same time (${plural(violations, 'entry', 'entries')} into the critical section found another holder inside).`;
    return {
      outcome,
      summary: `mutual exclusion failed: ${counterText} (${plural(c.lostUpdates, 'update')} lost); up to ${maxHolders} threads were inside the critical section at once (${plural(violations, 'time')}).`,
      cause: `${misuse} ${how}`,
      fix: wrongSharing ? fixShared : `The lock itself failed although the mutex is ${typeText}: report it as a bug in the platform model.`,
    };
  }

  if (outcome === 'hang') {
    const blocked = exec.machine.blocked();
    const waits = blocked.map((t) => `pid ${t.proc.pid} tid ${t.tid}: ${t.waitingIn}`);
    const final = r.evidence.mutex.final as Record<string, unknown>;
    const procs = [...new Set(blocked.map((t) => t.proc.pid))];
    const lost = wrongSharing
      ? ` The waiters sleep on queues private to their own process (keyed by process and virtual address), so an unlock in another process cannot wake them.`
      : '';
    return {
      outcome,
      summary: `hang: every live thread is blocked and nothing can run (${plural(blocked.length, 'thread')} in pid ${list(procs.map(String))}); ${counterText}.`,
      cause: withSingle(`${misuse}${lost} The mutex now reads lock byte ${String(final.lockByte ?? '?')}, waiters ${String(final.waiters ?? '?')}, owner ${String(final.owner ?? '?')}. Waiting: ${waits.join('; ')}.`),
      fix: wrongSharing ? fixShared : 'A thread sleeps on a process-shared mutex nobody will release: look for an owner that died while holding it (robust mutexes report that).',
    };
  }

  // ok
  const threads = r.processes.reduce((n, p) => n + p.threads.length, 0);
  return {
    outcome,
    summary: `ok: ${plural(r.processes.length, 'process', 'processes')} with ${plural(threads, 'thread')}: ${counterText}; never more than ${r.mutualExclusion.maxHolders} holder at a time.`,
    cause: wrongSharing
      ? withSingle(`${misuse} This schedule (seed ${spec.seed}) happened not to expose it on ${platform.title}${apartByYields(exec)}, but the mutex is still used across processes while declared process-private.`)
      : `${misuse} ${shared || sharers.length <= 1 ? 'Its sharing attribute matches how it is used.' : ''}`.trim(),
    fix: wrongSharing ? fixShared : 'Nothing to fix in this run.',
  };
}
