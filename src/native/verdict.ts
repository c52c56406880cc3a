// Outcome, summary, cause and fix of a native run, written only from the evidence the probe
// brought back: exit statuses, the glibc assertion line, wait channels, lost updates, holders seen
// inside the critical section at once, and the mutex words after the run. Written in the same
// voice as the simulator's verdict (engine/verdicts/words.ts): the platform's own spelling of the
// sharing attribute, the fix in the POSIX API, and the glossary of the terms used. A probe linked
// with musl gets musl's mechanisms (verdict-musl.ts) where they differ from glibc's.
import type { ProcessReport, Verdict } from '../engine/result.js';
import { killAcquisition } from '../engine/faults.js';
import { list, plural, POSIX_CONSISTENT, POSIX_ROBUST_INIT, withTerms } from '../engine/verdicts/words.js';
import type { PartialResult } from './to-result.js';
import { attributeWords, faultVictim, fixShared, kindWord, libcOf, lockWordName, lostPart, otherVictims, segmentStory, untakenFaults, who, Who } from './verdict-words.js';
import { muslExclusion, muslHang, muslOwnerDied, muslPrivateOk } from './verdict-musl.js';
import { rankedOutcome } from '../engine/outcome-rank.js';

const ROBUST_BIT = 0x10;

function privateCause(r: PartialResult, mechanism: string): string {
  return `${segmentStory(r)}${attributeWords(r)}. A private mutex is only meant for the threads of one process: ${mechanism}`;
}

function crashVerdict(r: PartialResult, crashed: ProcessReport[]): Omit<Verdict, 'terms'> {
  const first = crashed[0];
  const exit = first.exit as Extract<ProcessReport['exit'], { kind: 'signaled' }>;
  const said = exit.message ? `: ${exit.message}` : '';
  const others = crashed.length > 1 ? ` (${crashed.length} processes crashed: ${crashed.map((p) => `pid ${p.pid} ${(p.exit as { signal: string }).signal}`).join(', ')})` : '';
  const summary = `${who(first)} died of ${exit.signal}${said}${others}${lostPart(r)}`;
  if (!r.spec.sharing.shared && exit.message?.includes('__owner == 0')) {
    return {
      outcome: 'crash', summary,
      cause: privateCause(r, 'glibc 2.34 and later lock it in a single-threaded process with a plain store to __lock and unlock it with a plain store and no wake-up. Two processes therefore both took it; one then found __owner holding the other process\'s TID and glibc\'s assertion aborted it.'),
      fix: fixShared(r),
    };
  }
  return {
    outcome: 'crash', summary,
    cause: r.spec.sharing.shared ? `${segmentStory(r)}; the process died of ${exit.signal} although the mutex is process-shared: see its last words and the trace` : privateCause(r, `the process died of ${exit.signal} while the processes used it as if it were shared.`),
    fix: r.spec.sharing.shared ? 'read the process\'s last output; the mutex attribute is already right' : fixShared(r),
  };
}

function hangVerdict(r: PartialResult, hung: ProcessReport[]): Omit<Verdict, 'terms'> {
  const blocked = (r.evidence.blocked as { pid: number; tid: number; state: string; wchan: string }[]);
  const waits = blocked.map((b) => `TID ${b.tid} of pid ${b.pid} sleeps in the kernel in ${b.wchan} (state ${b.state})`).join('; ');
  const fault = faultVictim(r);
  const killedHolder = fault?.held ? fault.victim : undefined;
  const summary = `hang: ${list(hung.map(who))} made no progress: ${waits || 'no thread left to inspect'}${lostPart(r)}`;
  const v = hangStory(r, summary, killedHolder);
  // a kill that left the mutex free is not this hang's story: say so beside the one that is
  if (!fault || fault.held) return v;
  return { ...v, cause: `${v.cause} ${Who(fault.victim)} was killed by the fault just after releasing the mutex, and at the end the mutex names none of its threads: this hang is not the dead owner's.` };
}

function hangStory(r: PartialResult, summary: string, killedHolder: ProcessReport | undefined): Omit<Verdict, 'terms'> {
  const musl = libcOf(r) === 'musl' ? muslHang(r, killedHolder) : null;
  if (musl) return { outcome: 'hang', summary, ...musl };
  if (killedHolder && !r.spec.robust) {
    return {
      outcome: 'hang', summary,
      cause: `${segmentStory(r)}. ${Who(killedHolder)} was killed while holding it (injected fault); a mutex that is not robust stays locked when its owner dies, so every other locker sleeps in futex wait forever.`,
      fix: `Make the mutex robust and process-shared: ${POSIX_ROBUST_INIT}; on EOWNERDEAD repair the protected data, then call ${POSIX_CONSISTENT} before unlocking.`,
    };
  }
  if (!r.spec.sharing.shared) {
    return {
      outcome: 'hang', summary,
      cause: privateCause(r, 'a waiter sleeps on a private futex, which the kernel keys by (address space, virtual address). The unlock in another process wakes its own key (or, single-threaded, no one at all), so the wake-up never reaches the sleeper and it waits forever.'),
      fix: fixShared(r),
    };
  }
  return { outcome: 'hang', summary, cause: `${segmentStory(r)}; the threads stopped making progress although the mutex is process-shared`, fix: 'inspect the wait channels and the mutex words in the evidence' };
}

export function nativeVerdict(r: PartialResult): Verdict {
  const v = nativeSentences(r);
  // the victim a hang, owner_died or ok story names (they take faultVictim's); the other
  // verdicts name none, so every victim gets its sentence there
  const told = v.outcome === 'hang' || v.outcome === 'owner_died' || v.outcome === 'ok' ? faultVictim(r)?.victim : undefined;
  const more = [...otherVictims(r, told), ...untakenFaults(r)];
  if (more.length === 0) return withTerms(v);
  return withTerms({ ...v, cause: [/[.!?]$/.test(v.cause) ? v.cause : `${v.cause}.`, ...more].join(' ') });
}

function nativeSentences(r: PartialResult): Omit<Verdict, 'terms'> {
  const crashed = r.processes.filter((p) => p.exit.kind === 'signaled');
  const hung = r.processes.filter((p) => p.exit.kind === 'hung');
  const timedOut = r.processes.filter((p) => p.exit.kind === 'killed' && p.exit.reason === 'timeout');
  const recoveries = r.evidence.recoveries as { pid: number; tid: number; t: number; lockWord: string; consistentRc: number }[];
  const { maxHolders, violations } = r.mutualExclusion;
  // The engine's one ranking decides which failure names the run (src/engine/outcome-rank.ts).
  const outcome = rankedOutcome((o) => {
    switch (o) {
      case 'crash': return crashed.length > 0;
      case 'hang': return hung.length > 0;
      case 'limit_exceeded': return timedOut.length > 0 || r.evidence.end === 'timeout';
      case 'owner_died': return recoveries.length > 0;
      case 'mutual_exclusion_violation': return maxHolders > 1 || r.counter.lostUpdates > 0;
      default: return false;
    }
  });
  if (outcome === 'crash') return crashVerdict(r, crashed);
  if (outcome === 'hang') return hangVerdict(r, hung);
  if (outcome === 'limit_exceeded') {
    return {
      outcome: 'limit_exceeded',
      summary: `the run used its whole limits.timeoutMs (${r.spec.limits.timeoutMs} ms) while still making progress; ${plural(timedOut.length, 'process', 'processes')} killed after ${r.counter.expected} cycles`,
      cause: `${r.spec.processCount} x ${r.spec.threadsPerProcess} threads x ${r.spec.iterations} iterations does not fit the budget on ${plural(r.spec.cpus, 'CPU')}`,
      fix: 'raise limits.timeoutMs or lower iterations',
    };
  }
  const victim = faultVictim(r)?.victim;
  if (outcome === 'owner_died') {
    const rec = recoveries[0];
    const more = recoveries.length > 1 ? `; ${recoveries.length} deaths were recovered in all (${list(recoveries.map((x) => `tid ${x.tid} of pid ${x.pid}, ${lockWordName(r)} ${x.lockWord}, consistent rc ${x.consistentRc}`))})` : '';
    const fault = r.spec.faults.find((f) => f.kill === victim?.index);
    const exact = r.counter.lostUpdates === 0 ? `counter consistent (${r.counter.final} = ${r.counter.expected} completed cycles)` : `counter ${r.counter.final} of ${r.counter.expected}`;
    return {
      outcome: 'owner_died',
      summary: `${victim ? who(victim) : 'a process'} was killed holding the mutex${fault ? ` at its acquisition ${killAcquisition(fault)}` : ''}; tid ${rec.tid} of pid ${rec.pid} got EOWNERDEAD (${lockWordName(r)} ${rec.lockWord}), called pthread_mutex_consistent (returned ${rec.consistentRc}) and the others carried on: ${exact}${more}`,
      cause: libcOf(r) === 'musl' ? muslOwnerDied(r, rec.lockWord) : `the mutex is robust${(kindWord(r) ?? 0) & ROBUST_BIT ? ' (__kind robust bit 0x10 set)' : ''}: when its owner died the kernel walked the owner's robust list, set FUTEX_OWNER_DIED in __lock and woke a waiter, which learned of the death instead of sleeping forever`,
      fix: 'Nothing to fix in the mutex: keep it robust, and on EOWNERDEAD repair the protected data before calling pthread_mutex_consistent.',
    };
  }
  if (outcome === 'mutual_exclusion_violation') {
    return {
      outcome: 'mutual_exclusion_violation',
      summary: `up to ${maxHolders} threads were inside the critical section at once (${plural(violations, 'entry', 'entries')} found another holder inside)${lostPart(r)}`,
      cause: libcOf(r) === 'musl' ? muslExclusion(r) : r.spec.sharing.shared ? `${segmentStory(r)}; exclusion failed although the mutex is process-shared` : privateCause(r, 'in a single-threaded process glibc locks it with plain stores, so two processes take it at the same time and their read-modify-write cycles of the counter overwrite each other.'),
      fix: r.spec.sharing.shared ? 'inspect the trace around the overlapping holders' : fixShared(r),
    };
  }
  const faults = (r.evidence.faults ?? []) as { process: number; taken: boolean; survivorsWithWork: number }[];
  const alone = victim && faults.some((f) => f.process === victim.index && f.taken && f.survivorsWithWork === 0);
  const victimNote = !victim ? ''
    : alone ? `; ${who(victim)} was killed by the fault when no other process had work left on the mutex: nobody was left to meet the dead owner`
    : `; ${who(victim)} was killed by the fault and no other process needed the mutex afterwards`;
  return {
    outcome: 'ok',
    summary: `${r.spec.processCount} processes x ${r.spec.threadsPerProcess} threads x ${r.spec.iterations} iterations: counter exact (${r.counter.final}), never more than ${maxHolders} holder inside${victimNote}`,
    cause: r.spec.sharing.shared
      ? `${segmentStory(r)}: locking is an atomic compare-and-swap on the shared word and waiters sleep on shared futexes keyed by the segment's page, so processes exclude and wake each other`
      : libcOf(r) === 'musl' ? muslPrivateOk(r) : `${segmentStory(r)}; this run happened not to show the failure a private mutex risks across processes`,
    fix: r.spec.sharing.shared ? 'Nothing to fix in this run.' : fixShared(r),
  };
}
