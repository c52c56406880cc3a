// The causes of a native run whose probe was linked with musl (evidence.libc.name "musl"), told
// from the run's evidence: the mutex words musl left (_m_type, _m_lock, _m_waiters), the
// threads asleep and their wait channels, the holders seen inside at once, the counter and the
// recoveries. The mechanisms are musl's (src/engine/platforms/musl.ts has the source walk):
// every lock is an atomic CAS, a private mutex waits and wakes with FUTEX_PRIVATE, and musl
// registers its robust list with the kernel only for a process-shared robust mutex.
import type { ProcessReport } from '../engine/result.js';
import { list, plural, POSIX_CONSISTENT, POSIX_ROBUST_INIT } from '../engine/verdicts/words.js';
import type { PartialResult } from './to-result.js';
import { attributeWords, fixShared, muslRecordsOwner, mutexWords, ownerTid, segmentStory, TID_MASK, Who } from './verdict-words.js';

const WAITER_BIT = 0x80000000;
const OWNER_DIED = 0x40000000;

interface Blocked { pid: number; tid: number; state: string; wchan: string }

/** _m_lock in words: free, held (NORMAL: EBUSY, nobody recorded), or held by a TID, with its flag bits. */
function lockWords(lock: number, type: number): string {
  if (lock === 0) return '0x0 (free)';
  const owner = lock & TID_MASK;
  const flags = [lock & WAITER_BIT ? '0x80000000 a waiter was about to sleep' : '', lock & OWNER_DIED ? '0x40000000 the owner died' : ''].filter(Boolean);
  // the type decides, not the value: TID 16 is a TID on a recursive, errorcheck or robust mutex
  const holder = !muslRecordsOwner(type) ? 'held, EBUSY: a NORMAL mutex records no owner' : `held by TID ${owner}`;
  return `0x${lock.toString(16)} (${holder}${flags.length > 0 ? `; ${flags.join(', ')}` : ''})`;
}

/** The exclusion facts of the run: atomic locking kept one holder at a time, or not. */
function exclusionHeld(r: PartialResult): string {
  const c = r.counter;
  return r.mutualExclusion.maxHolders <= 1 && c.lostUpdates === 0
    ? `musl takes it with an atomic compare-and-swap of _m_lock in every process, single-threaded or not (it has no plain-store path), so the processes did exclude each other: never more than ${r.mutualExclusion.maxHolders} holder inside, counter ${c.final} = ${c.expected} completed cycles`
    : `exclusion failed in this run (up to ${r.mutualExclusion.maxHolders} holders inside, counter ${c.final} of ${c.expected}) although musl's lock is an atomic compare-and-swap`;
}

/** The sleepers among the blocked threads: a main thread that runs no cycles is waiting in pthread_join. */
function sleepers(r: PartialResult): { workers: Blocked[]; joiners: Blocked[] } {
  const blocked = r.evidence.blocked as Blocked[];
  const workerTids = new Set(r.processes.flatMap((p) => p.threads.map((t) => `${p.pid}:${t.tid}`)));
  return {
    workers: blocked.filter((b) => workerTids.has(`${b.pid}:${b.tid}`)),
    joiners: blocked.filter((b) => !workerTids.has(`${b.pid}:${b.tid}`)),
  };
}

/** hang: a lost wake-up (private), or a killed owner nothing cleaned up (robust private). Null: the general wording. */
export function muslHang(r: PartialResult, killedHolder: ProcessReport | undefined): { cause: string; fix: string } | null {
  const words = mutexWords(r);
  const lock = words ? parseInt(String(words._m_lock), 16) >>> 0 : NaN;
  const waiters = words ? Number(words._m_waiters) : NaN;
  const type = words ? parseInt(String(words._m_type), 16) : 0;
  if (killedHolder && r.spec.robust && !r.spec.sharing.shared) {
    const victimTids = killedHolder.threads.map((t) => t.tid);
    const owner = ownerTid(r);
    const stillNamed = owner !== null && victimTids.includes(owner);
    return {
      cause: `${segmentStory(r)}${attributeWords(r)}. ${Who(killedHolder)} was killed while holding it (injected fault). musl hands a thread's robust list to the kernel (set_robust_list) only when it locks a process-shared robust mutex; this one is robust but private, so the kernel had no list to walk when the process died and nobody marked the mutex: _m_lock ${Number.isNaN(lock) ? 'was not read' : `still reads ${lockWords(lock, type)}`}${stillNamed ? ', the dead thread\'s TID' : ''}, and every other locker sleeps in futex wait forever. (musl recovers a private robust mutex itself only when its owner thread leaves through pthread_exit.)`,
      fix: `Make the mutex robust and process-shared: ${POSIX_ROBUST_INIT}; on EOWNERDEAD repair the protected data, then call ${POSIX_CONSISTENT} before unlocking.`,
    };
  }
  if (killedHolder || r.spec.sharing.shared) return null;
  const { workers, joiners } = sleepers(r);
  const asleep = workers.length > 0
    ? `${plural(workers.length, 'thread')} ${workers.length === 1 ? 'sleeps' : 'sleep'} in ${list([...new Set(workers.map((b) => b.wchan))])}: ${list(workers.map((b) => `TID ${b.tid} of pid ${b.pid}`))}`
    : 'no locker was left asleep to inspect';
  const join = joiners.length > 0 ? ` (${list(joiners.map((b) => `TID ${b.tid} of pid ${b.pid}`))}, the main ${joiners.length === 1 ? 'thread' : 'threads'}, ${joiners.length === 1 ? 'waits' : 'wait'} for ${joiners.length === 1 ? 'its' : 'their'} workers in pthread_join)` : '';
  const left = Number.isNaN(lock) ? '' : lock === 0 && waiters > 0
    ? ` At the end _m_lock reads 0x0 (free) while _m_waiters still counts ${waiters}: the mutex was released, and the ${waiters === 1 ? 'sleeper it counts was' : 'sleepers it counts were'} never woken.`
    : ` At the end _m_lock reads ${lockWords(lock, type)} and _m_waiters ${waiters}.`;
  return {
    cause: `${segmentStory(r)}${attributeWords(r)}. A private mutex is only meant for the threads of one process: ${exclusionHeld(r)}. What failed is the wake-up. A locker that finds it held adds itself to _m_waiters, sets 0x80000000 in _m_lock and sleeps in FUTEX_WAIT with FUTEX_PRIVATE (musl's priv flag 128 for a mutex without the pshared bit), which the kernel keys by (address space, virtual address). An unlock in another process swaps _m_lock to 0 and sends its FUTEX_WAKE to its own process's key, which reaches nobody. ${asleep}${join}.${left}`,
    fix: fixShared(r),
  };
}

/** owner_died: the kernel's robust-list walk, and musl keeping 0x40000000 until pthread_mutex_consistent. */
export function muslOwnerDied(r: PartialResult, lockWordAfter: string): string {
  const word = parseInt(lockWordAfter, 16) >>> 0;
  const kept = word & OWNER_DIED
    ? `musl's trylock took _m_lock with 0x40000000 still in it (${lockWordAfter} right after EOWNERDEAD; glibc drops the bit at that point) and pthread_mutex_consistent cleared it; unlocked before that, the mutex would have become not recoverable (0x7fffffff)`
    : `_m_lock read ${lockWordAfter} right after EOWNERDEAD`;
  return `the mutex is robust and process-shared${attributeWords(r)}: musl linked it into each owner's robust list, which it registers with the kernel (set_robust_list) for a process-shared robust mutex. When the owner died the kernel walked that list, set 0x40000000 (FUTEX_OWNER_DIED) in _m_lock and woke a waiter on the shared futex, which learned of the death instead of sleeping forever. ${kept}`;
}

/** ok, private across processes: what held, and what was not lost this time. */
export function muslPrivateOk(r: PartialResult): string {
  const words = mutexWords(r);
  const waiters = words ? Number(words._m_waiters) : NaN;
  const left = Number.isNaN(waiters) ? '' : ` In this run no locker was left asleep (_m_waiters ${waiters} at the end).`;
  return `${segmentStory(r)}${attributeWords(r)}. ${exclusionHeld(r)}. The risk of a private mutex across processes on musl is a lost wake-up: a locker that sleeps waits on its own process's private futex key, which an unlock in another process never wakes; with longer runs or more contention that ends in a hang.${left}`;
}

/** mutual_exclusion_violation: musl's lock paths are all atomic, so say so rather than guess. */
export function muslExclusion(r: PartialResult): string {
  return `${segmentStory(r)}${attributeWords(r)}; ${exclusionHeld(r)}: every musl lock path is an atomic compare-and-swap of _m_lock, so look at the trace around the overlapping holders`;
}
