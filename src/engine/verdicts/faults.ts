// Verdicts of runs with an injected kill (any platform): the owner died and a robust mutex let
// the next locker recover (owner_died), or a non-robust mutex stayed locked by the dead owner
// (hang). Written from this run's evidence: the kill record, the recovery, the mutex words.
import type { Execution } from '../execution.js';
import type { Outcome, Result, Verdict } from '../result.js';
import { plural, POSIX_CONSISTENT } from './words.js';

const words = (s: Record<string, unknown>) => Object.entries(s).map(([k, v]) => `${k} ${String(v)}`).join(', ');

export function faultVerdict(exec: Execution, r: Result, outcome: Outcome): Omit<Verdict, 'terms'> | null {
  const kill = exec.faults.kills[0];
  if (!kill) return null;
  const victim = `process ${kill.index} (pid ${kill.pid})`;
  const where = `the mutex at offset 0 of System V segment key ${exec.world.segment.key} (shmid ${exec.world.segment.shmid})`;
  const killed = `${victim} was killed by SIGKILL (injected fault) ${kill.whileHolding ? 'while holding' : 'just after releasing'} ${where}, at its acquisition ${kill.acquisition} (t=${kill.t})`;
  const c = r.counter;
  const platform = exec.platform.title;
  const robust = exec.platform.robust; // the platform's own calls and clean-up, for the fix
  const fixRobust = `make the mutex robust and process-shared: ${robust.init}; on EOWNERDEAD repair the protected data, then call ${robust.consistent} before unlocking`;

  if (outcome === 'owner_died') {
    const rec = exec.faults.recoveries[0]!;
    const exact = c.lostUpdates === 0 ? `counter consistent (${c.final} = ${c.expected} completed cycles)` : `counter ${c.final} of ${c.expected}`;
    // the call the recovering thread made, when the model records it (Solaris); else the POSIX one
    const cleanup = robust.cleanup;
    const consistent = rec.consistent ?? POSIX_CONSISTENT;
    const seen = rec.mutexFlagBefore !== undefined ? `mutex_flag ${rec.mutexFlagBefore}, lock word ${rec.lockWordBefore ?? rec.lockWord}` : `lock word ${rec.lockWord}`;
    return {
      outcome,
      summary: `${killed}; thread ${rec.tid} of pid ${rec.pid} then got EOWNERDEAD (${seen}), made it consistent with ${consistent} (rc ${rec.consistentRc}) and the others carried on: ${exact}.`,
      cause: `${where} is robust on ${platform}. When pid ${kill.pid} died its mutex read ${words(kill.mutexAtDeath)}; ${cleanup} turned it into ${words(kill.mutexAfterCleanup)} (owner died) and woke a waiter if one slept, so the next locker learned of the death instead of sleeping forever. The victim died after its counter update and before its unlock, so the data it protected was complete; a real program must check that itself before ${consistent}.`,
      fix: `nothing to fix in the mutex: keep it robust, and on EOWNERDEAD repair the data it protects before calling ${consistent}.`,
    };
  }

  if (outcome === 'hang') {
    const blocked = exec.machine.blocked();
    const waits = blocked.map((t) => `pid ${t.proc.pid} tid ${t.tid}: ${t.waitingIn}`);
    const notRecovered = robust.notRecovered(exec.spec);
    return {
      outcome,
      summary: `hang: ${killed}; it never unlocks again and ${plural(blocked.length, 'thread')} of ${plural(new Set(blocked.map((t) => t.proc.pid)).size, 'process', 'processes')} wait for it forever; ${c.expected} cycles completed, counter ${c.final}.`,
      cause: `${where} ${notRecovered ? `is robust, but ${notRecovered}` : `is not robust (${exec.spec.robust ? 'robust was asked for, but this platform model has no robust mutex' : 'robust: false'})`}, so on ${platform} nothing releases a mutex whose owner process died: it still reads ${words(r.evidence.mutex.final as Record<string, unknown>)}. Waiting: ${waits.join('; ')}.`,
      fix: notRecovered ? `initialise it process-shared and robust: ${robust.init}, then on EOWNERDEAD repair the data and call ${robust.consistent}` : fixRobust,
    };
  }
  return null;
}
