// Verdicts of runs with an injected kill (any platform): the owner died and a robust mutex let
// the next locker recover (owner_died), or a mutex nothing recovers stayed locked by the dead
// owner (hang). Written from this run's evidence: the kill record (who held the mutex at the
// death), the recovery, the mutex words. A hang after a death that left the mutex free, or
// after a clean-up that recovered it, is not the dead owner's: the other verdicts explain it.
import type { Execution } from '../execution.js';
import { killAcquisition, type KillRecord } from '../faults.js';
import type { Outcome, ProcessReport, Result, Verdict } from '../result.js';
import { plural, POSIX_CONSISTENT } from './words.js';

const threadsOf = (tids: number[]) => `${tids.length === 1 ? 'thread' : 'threads'} ${tids.join(', ')}`;
/** A sentence that opens with a phrase written to sit mid-sentence. */
const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const words = (s: Record<string, unknown>) => Object.entries(s).map(([k, v]) => `${k} ${String(v)}`).join(', ');
/** Acquisitions of the mutex after the death: the survivors'. */
const takenAfterDeath = (kill: KillRecord, r: Result) => r.processes.reduce((n, p) => n + p.acquisitions, 0) - kill.acquisitionsAtDeath;

/**
 * The kill a fault verdict tells: for owner_died the death the first recovery answered (the
 * last death of a holder before it), for a hang the first death of a holder (a mutex nothing
 * recovers stays locked from then on); else the first kill.
 */
/**
 * The death a recovery answered: the latest death of a holder before it (a death that held
 * nothing leaves nothing to recover, even when it comes between).
 */
const answeredBy = (kills: KillRecord[], rec: { t: number }) => kills.filter((k) => k.t <= rec.t && k.heldBy.length > 0).at(-1);

function toldKill(exec: Execution, outcome: Outcome): KillRecord | undefined {
  const kills = exec.faults.kills;
  const rec = exec.faults.recoveries[0];
  if (outcome === 'owner_died' && rec) return answeredBy(kills, rec) ?? kills[0];
  if (outcome === 'hang') return kills.find((k) => k.heldBy.length > 0) ?? kills[0];
  return kills[0];
}

/** The kill's own verdict (owner_died, the dead owner's hang) and the kill it tells, or null when the kill is not this run's story. */
export function faultVerdict(exec: Execution, r: Result, outcome: Outcome): { verdict: Omit<Verdict, 'terms'>; kill: KillRecord } | null {
  const kill = toldKill(exec, outcome);
  if (!kill) return null;
  const victim = `process ${kill.index} (pid ${kill.pid})`;
  const where = `the mutex at offset 0 of System V segment key ${exec.world.segment.key} (shmid ${exec.world.segment.shmid})`;
  const killed = `${victim} was killed by SIGKILL (injected fault) ${kill.whileHolding ? 'while holding' : 'just after releasing'} ${where}, at its acquisition ${kill.acquisition} (t=${kill.t})`;
  const c = r.counter;
  const platform = exec.platform.title;
  const robust = exec.platform.robust; // the platform's own calls and clean-up, for the fix
  const fixRobust = `Make the mutex robust and process-shared: ${robust.init}; on EOWNERDEAD repair the protected data, then call ${robust.consistent} before unlocking`;
  // the killed thread alone held the mutex, at its unlock: its update was complete
  const onlyKilledHeld = kill.whileHolding && kill.heldBy.length === 1 && kill.heldBy[0] === kill.tid;

  if (outcome === 'owner_died') {
    const rec = exec.faults.recoveries[0]!;
    const exact = c.lostUpdates === 0 ? `counter consistent (${c.final} = ${c.expected} completed cycles)` : `counter ${c.final} of ${c.expected}`;
    // the call the recovering thread made, when the model records it (Solaris); else the POSIX one
    const cleanup = robust.cleanup;
    const consistent = rec.consistent ?? POSIX_CONSISTENT;
    // another thread of the dead process may have died anywhere inside its critical section
    const data = onlyKilledHeld
      ? `The victim died after its counter update and before its unlock, so the data it protected was complete; a real program must check that itself before ${consistent}.`
      : kill.heldBy.length > 0
        ? `The dead process's ${threadsOf(kill.heldBy)} held it inside the critical section, so the data it protected may be half-updated (${c.lostUpdates === 0 ? 'here the counter came out whole' : `here ${plural(c.lostUpdates, 'update')} of the counter were lost`}); a real program must repair it before ${consistent}.`
        : `No thread of the dead process was inside the critical section by the program's count, yet the lock word still named it; a real program must check the data before ${consistent}.`;
    const seen = rec.mutexFlagBefore !== undefined ? `mutex_flag ${rec.mutexFlagBefore}, lock word ${rec.lockWordBefore ?? rec.lockWord}` : `lock word ${rec.lockWord}`;
    return {
      kill,
      verdict: {
        outcome,
        summary: `${killed}; thread ${rec.tid} of pid ${rec.pid} then got EOWNERDEAD (${seen}), made it consistent with ${consistent} (rc ${rec.consistentRc}) and the others carried on: ${exact}.`,
        cause: `${capital(where)} is robust on ${platform}. When pid ${kill.pid} died its mutex read ${words(kill.mutexAtDeath)}; ${cleanup} turned it into ${words(kill.mutexAfterCleanup)} (owner died) and woke a waiter if one slept, so the next locker learned of the death instead of sleeping forever. ${data}`,
        fix: `Nothing to fix in the mutex: keep it robust, and on EOWNERDEAD repair the data it protects before calling ${consistent}.`,
      },
    };
  }

  // the dead owner's hang: a thread of the dead process held the mutex (or was still releasing
  // it), nothing recovers it here, and no survivor took it after the death
  const notRecovered = robust.notRecovered(exec.spec);
  if (outcome === 'hang' && kill.heldBy.length > 0 && takenAfterDeath(kill, r) === 0 && (!exec.spec.robust || notRecovered)) {
    const blocked = exec.machine.blocked();
    const waits = blocked.map((t) => `pid ${t.proc.pid} tid ${t.tid}: ${t.waitingIn}`);
    const holder = onlyKilledHeld
      ? 'it never unlocks again'
      : `its ${threadsOf(kill.heldBy)} held the mutex at that moment, so it is never unlocked again,`;
    return {
      kill,
      verdict: {
        outcome,
        summary: `hang: ${killed}; ${holder} and ${plural(blocked.length, 'thread')} of ${plural(new Set(blocked.map((t) => t.proc.pid)).size, 'process', 'processes')} wait for it forever; ${c.expected} cycles completed, counter ${c.final}.`,
        cause: `${capital(where)} ${notRecovered ? `is robust, but ${notRecovered}` : 'is not robust (robust: false)'}, so on ${platform} nothing releases a mutex whose owner process died: it still reads ${words(r.evidence.mutex.final as Record<string, unknown>)}. Waiting: ${waits.join('; ')}.`,
        fix: notRecovered ? `Initialise it process-shared and robust: ${robust.init}, then on EOWNERDEAD repair the data and call ${robust.consistent}` : fixRobust,
      },
    };
  }
  return null;
}

/**
 * One sentence per kill a verdict's story does not tell (all of them when `told` is undefined):
 * what the death left behind, from its kill record, and who met it. Empty without such a kill.
 */
export function killAside(exec: Execution, r: Result, told?: KillRecord): string {
  const { kills, recoveries } = exec.faults;
  return kills.map((kill) => {
    if (kill === told) return '';
    const takenAfter = takenAfterDeath(kill, r);
    const held = kill.heldBy.length > 0;
    // not "left it free": another dead process may still hold it
    const left = held ? `came while its ${threadsOf(kill.heldBy)} held the mutex or ${kill.heldBy.length === 1 ? 'was' : 'were'} releasing it` : 'came while none of its threads held the mutex';
    const rec = held ? recoveries.find((x) => answeredBy(kills, x) === kill) : undefined;
    const after = rec ? `; thread ${rec.tid} of pid ${rec.pid} got EOWNERDEAD and made it consistent (rc ${rec.consistentRc})`
      : takenAfter > 0 ? `; the survivors took it ${plural(takenAfter, 'time')} after the death`
        : held ? '; nobody locked it after the death: nobody was left to meet the dead owner'
          : '; nobody locked it after the death';
    const which = told ? 'Another injected fault' : 'The injected fault';
    return `${which} (process ${kill.index}, pid ${kill.pid}, killed ${kill.whileHolding ? 'holding the mutex' : 'just after releasing the mutex'} at its acquisition ${kill.acquisition}) ${left}${after}.`;
  }).filter(Boolean).join(' ');
}

/**
 * A fault that never fired, in the words both engines use: its process stopped (hung, crashed,
 * was killed by an earlier fault, or the run ended) before the acquisition after which it was to
 * be killed. Without this a verdict reads as if the kill had happened.
 */
function neverFired(p: ProcessReport, fault: { afterAcquisitions: number }): string {
  const after = killAcquisition(fault);
  const first = p.exit.kind === 'killed' && p.exit.reason === 'fault' ? ' (an earlier fault killed it first)' : '';
  return `The injected fault on process ${p.index} (pid ${p.pid}) never fired: it made ${plural(p.acquisitions, 'acquisition')} of the mutex, short of the ${after} after which it was to be killed${first}.`;
}

/** The sentences of neverFired for these faults that did not fire, in both engines. */
export function unfiredSentences(processes: readonly ProcessReport[], unfired: readonly { kill: number; afterAcquisitions: number }[]): string[] {
  return unfired.flatMap((f) => {
    const p = processes.find((q) => q.index === f.kill);
    return p ? [neverFired(p, f)] : [];
  });
}
