// What every native verdict says about the run, whichever libc the probe was linked with: who
// the processes are, where the mutex is, the fix, lost updates, and the mutex's attribute word
// in the libc's own names (glibc __kind, musl _m_type), all from the run's evidence.
import type { ProcessReport } from '../engine/result.js';
import { unfiredSentences } from '../engine/verdicts/faults.js';
import { list, plural, sharedInit, sharingWords } from '../engine/verdicts/words.js';
import type { PartialResult } from './to-result.js';

export const who = (p: ProcessReport) => `process ${p.index} (pid ${p.pid})`;
/** who() at the start of a sentence. */
export const Who = (p: ProcessReport) => `Process ${p.index} (pid ${p.pid})`;

/** The libc the probe reported (evidence.libc), not the one the spec asked for. */
export function libcOf(r: PartialResult): 'glibc' | 'musl' {
  return (r.evidence.libc as { name?: string } | undefined)?.name === 'musl' ? 'musl' : 'glibc';
}

/** The mutex words as the probe read them after the run, or null. */
export function mutexWords(r: PartialResult): Record<string, string | number> | null {
  return r.evidence.mutex.words as Record<string, string | number> | null;
}

/** The TID bits of musl's _m_lock (the rest: 0x40000000 owner died, 0x80000000 waiters). */
export const TID_MASK = 0x3fffffff;

/**
 * Whether musl's _m_lock of a mutex with this _m_type holds a TID when locked. A NORMAL mutex
 * that is not robust (the low four bits of _m_type all clear) is locked by a compare-and-swap of
 * EBUSY (16) into _m_lock, so its lock word names nobody (musl pthread_mutex_trylock.c).
 */
export const muslRecordsOwner = (type: number) => (type & 15) !== 0;

/**
 * The TID the mutex names as its owner after the run (glibc __owner, the low bits of musl's
 * _m_lock), or null: free, or a musl NORMAL mutex, whose 16 is EBUSY and not TID 16.
 */
export function ownerTid(r: PartialResult): number | null {
  const words = mutexWords(r);
  if (!words) return null;
  const musl = libcOf(r) === 'musl';
  if (musl && !muslRecordsOwner(parseInt(String(words._m_type), 16))) return null;
  const tid = musl ? (parseInt(String(words._m_lock), 16) >>> 0) & TID_MASK : Number(words.__owner);
  return Number.isFinite(tid) && tid > 0 ? tid : null;
}

/**
 * The processes injected faults killed, each with whether it died holding the mutex: killed in
 * its critical section (whileHolding), or the mutex still naming one of its threads at the end
 * (another of its threads held it when the process was killed).
 */
export function faultVictims(r: PartialResult): { victim: ProcessReport; held: boolean }[] {
  const owner = ownerTid(r);
  return r.processes.filter((p) => p.exit.kind === 'killed' && p.exit.reason === 'fault').map((victim) => {
    const whileHolding = r.spec.faults.find((f) => f.kill === victim.index)?.whileHolding ?? false;
    const named = owner !== null && (owner === victim.pid || victim.threads.some((t) => t.tid === owner));
    return { victim, held: whileHolding || named };
  });
}

/** The victim whose death a verdict tells: the first that died holding the mutex, else the first. */
export function faultVictim(r: PartialResult): { victim: ProcessReport; held: boolean } | undefined {
  const all = faultVictims(r);
  return all.find((v) => v.held) ?? all[0];
}

/** One sentence for every process a fault killed other than `told` (the one the verdict's story names, if any). */
export function otherVictims(r: PartialResult, told: ProcessReport | undefined): string[] {
  return faultVictims(r).filter((v) => v.victim !== told)
    .map((v) => `${Who(v.victim)} was ${told ? 'also ' : ''}killed by an injected fault, ${v.held ? 'holding the mutex' : 'just after releasing the mutex'}.`);
}

/** A sentence for every fault the probe reports as not taken (unfiredSentences). */
export function untakenFaults(r: PartialResult): string[] {
  // one record per process: it speaks for the process's first fault
  const records = (r.evidence.faults ?? []) as { process: number; taken: boolean }[];
  return unfiredSentences(r.processes, records.filter((f) => !f.taken).flatMap((f) => r.spec.faults.find((s) => s.kill === f.process) ?? []));
}

/** The lock word's name in the libc's pthread_mutex_t. */
export const lockWordName = (r: PartialResult) => (libcOf(r) === 'musl' ? '_m_lock' : '__lock');

export function fixShared(r: PartialResult): string {
  const m = r.evidence.mutex;
  return `Initialise the mutex process-shared in pid ${m.initializedBy}, the creator of key ${m.key}: ${sharedInit('posix')}.`;
}

export function segmentStory(r: PartialResult): string {
  const m = r.evidence.mutex;
  const pids = list(r.processes.map((p) => String(p.pid)));
  const addresses = [...new Set(r.processes.map((p) => p.attachAddress))];
  const attached = addresses.length === 1 ? `, attached at ${addresses[0]} in each` : ` (attached at ${list(addresses)})`;
  return `The mutex at offset ${m.offset} of System V segment key ${m.key} (shmid ${m.shmid}) is used by pids ${pids}${attached}; pid ${m.initializedBy} initialised it ${sharingWords('posix', r.spec.sharing)}`;
}

export function lostPart(r: PartialResult): string {
  const c = r.counter;
  return c.lostUpdates > 0 ? `; ${plural(c.lostUpdates, 'update')} of ${c.expected} lost (counter ${c.final})` : '';
}

/** The attribute word (glibc __kind, musl _m_type) and the bit that says pshared, e.g. " (__kind 0x0: PSHARED bit 0x80 clear)". */
export function attributeWords(r: PartialResult): string {
  const words = mutexWords(r);
  if (!words) return '';
  if (libcOf(r) === 'musl') {
    const type = parseInt(String(words._m_type), 16);
    const robust = type & 4 ? ', robust bit 4 set' : '';
    return ` (_m_type 0x${type.toString(16)}: pshared bit 128 ${type & 128 ? 'set' : 'clear'}${robust})`;
  }
  const kind = parseInt(String(words.__kind), 16);
  return ` (__kind 0x${kind.toString(16)}: PSHARED bit 0x80 ${kind & 0x80 ? 'set' : 'clear'})`;
}

/** The glibc __kind word, for its robust bit. */
export function kindWord(r: PartialResult): number | null {
  const words = mutexWords(r);
  return words && words.__kind !== undefined ? parseInt(String(words.__kind), 16) : null;
}
