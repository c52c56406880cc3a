// The words both engines' verdicts are written with: counting, lists, the sharing attribute
// in the platform's own vocabulary, the fix in the platform's own API, counters per segment,
// and the glossary of the platform terms a verdict uses (`verdict.terms`). One voice: the
// simulator's verdict (engine/verdict.ts, verdicts/*) and the native one (native/verdict.ts)
// both build their sentences from here.
import type { Term, Verdict } from '../result.js';

export const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;
export const list = (xs: readonly string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** Whose API a verdict speaks: Solaris / illumos libc, or glibc (Linux NPTL). */
export type ApiFamily = 'solaris' | 'posix';

export function familyOf(platform: string): ApiFamily {
  return platform.startsWith('glibc') || platform.startsWith('musl') || platform === 'host' ? 'posix' : 'solaris';
}

/** The sharing attribute as the platform spells it, once: "USYNC_THREAD (process-private)". */
export function sharingWords(family: ApiFamily, sharing: { shared: boolean; solaris: string; posix: string }): string {
  return `${family === 'solaris' ? sharing.solaris : sharing.posix} (process-${sharing.shared ? 'shared' : 'private'})`;
}

/** The call that makes a mutex process-shared, in the platform's own API first. */
export function sharedInit(family: ApiFamily): string {
  return family === 'solaris'
    ? 'mutex_init(&m, USYNC_PROCESS, NULL) (with the POSIX API on Solaris: pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) before pthread_mutex_init)'
    : 'pthread_mutexattr_init(&attr); pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED); pthread_mutex_init(&m, &attr)';
}

/** The POSIX calls that make a mutex robust and process-shared (glibc, musl, the native engine). */
export const POSIX_ROBUST_INIT = 'pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED) and pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST) before pthread_mutex_init';
/** The POSIX call that marks a robust mutex consistent after EOWNERDEAD. */
export const POSIX_CONSISTENT = 'pthread_mutex_consistent';

/** "the counter reads 200" for one segment; one figure per segment when processes used several. */
export function counterWords(c: { expected: number; final: number; planned?: number }, segments: readonly { key: string; shmid: number; final: number }[]): string {
  const done = `${c.expected} increments performed${c.planned !== undefined ? ` (of ${c.planned} planned)` : ''}`;
  if (segments.length <= 1) return `${done}, counter reads ${c.final}`;
  return `${done} in all; each segment has its own counter: ${list(segments.map((s) => `key ${s.key} (shmid ${s.shmid}) reads ${s.final}`))}`;
}

/** One line per platform term a verdict may use; only those that appear in it are attached. */
const GLOSSARY: readonly Term[] = [
  { term: 'USYNC_THREAD', meaning: 'Solaris mutex type for the threads of one process (process-private); the library may keep per-process state for it.' },
  { term: 'USYNC_PROCESS', meaning: 'Solaris mutex type for threads of several processes (process-shared); waiters sleep in the kernel on the shared memory page.' },
  { term: 'PTHREAD_PROCESS_PRIVATE', meaning: 'POSIX attribute: the mutex serves the threads of one process only (glibc: PSHARED bit of __kind clear).' },
  { term: 'PTHREAD_PROCESS_SHARED', meaning: 'POSIX attribute: the mutex may be used by threads of several processes through shared memory.' },
  { term: 'ulwp_t', meaning: "Solaris libc's per-thread structure; mutex_owner holds its address, valid only in the owner's own process." },
  { term: 'ul_schedctl', meaning: 'Field of ulwp_t pointing at the thread\'s schedctl data, which says whether the thread is running on a CPU.' },
  { term: 'sc_state', meaning: 'The schedctl word the kernel updates with the thread\'s state (SC_ONPROC while it runs on a CPU).' },
  { term: 'adaptive spin', meaning: 'mutex_trylock_adaptive: retry the lock for a while instead of sleeping, as long as the owner looks as if it is running.' },
  { term: 'mutex_trylock_adaptive', meaning: 'The Solaris libc function that spins on a busy USYNC_THREAD mutex and follows mutex_owner to the owner\'s ulwp_t.' },
  { term: 'mutex_owner', meaning: 'Word of the Solaris mutex_t holding the owning thread\'s ulwp_t address.' },
  { term: 'lwpchan', meaning: 'The kernel\'s name for a sleep queue of a synchronisation object: (address space, virtual address) for a private one, (shared object, offset) for a shared one.' },
  { term: 'sleep queue', meaning: 'Where a thread waiting for the mutex sleeps; a process-private mutex\'s queue is keyed by the process, so only an unlock in that process can wake it.' },
  { term: 'EDEADLK', meaning: 'Error "resource deadlock would occur": mutex_lock returns it when it believes the caller already holds the mutex.' },
  { term: 'EOWNERDEAD', meaning: 'Returned to the next locker of a robust mutex whose owner died holding it; the data must be repaired, then the mutex made consistent.' },
  { term: 'watchpoint', meaning: 'A debugger trap on stores to an address, per process: it fires on that process\'s own user-level stores only.' },
  { term: 'core', meaning: 'The memory image written when a process dies of a signal; it is written while other processes keep running.' },
  { term: 'futex', meaning: 'Linux kernel wait queue keyed by a memory word: (address space, address) for a private futex, (shared page, offset) for a shared one.' },
  { term: 'FUTEX_WAKE', meaning: 'The futex call an unlock makes to wake a sleeper; it reaches only sleepers on the same futex key.' },
  { term: 'TID', meaning: 'Linux kernel thread id; glibc stores the owner\'s TID in __owner.' },
  { term: '__owner', meaning: 'Field of glibc\'s pthread_mutex_t holding the owning thread\'s TID.' },
  { term: '__lock', meaning: 'The lock word of glibc\'s pthread_mutex_t: 0 free, 1 locked, 2 locked with possible sleepers.' },
  { term: '_m_type', meaning: 'Word of musl\'s pthread_mutex_t holding the attributes: bits 0-1 the type (0 NORMAL), 4 robust, 128 process-shared.' },
  { term: '_m_lock', meaning: 'The lock word of musl\'s pthread_mutex_t: 0 free, EBUSY (16) held by a NORMAL mutex, the owner\'s TID for other types; 0x80000000 marks a waiter, 0x40000000 a dead owner.' },
  { term: '_m_waiters', meaning: 'Word of musl\'s pthread_mutex_t counting the lockers about to sleep or asleep on the futex; an unlock that sees it non-zero sends a FUTEX_WAKE.' },
  { term: 'EBUSY', meaning: 'What musl stores in _m_lock to take a NORMAL mutex: it records that the mutex is held, not by whom.' },
  { term: 'FUTEX_WAIT', meaning: 'The futex call a locker sleeps in until a FUTEX_WAKE on the same key (or the word changes before it sleeps).' },
  { term: 'FUTEX_PRIVATE', meaning: 'Flag of a futex call (128) saying the word is private to the process: the kernel keys it by (address space, address), so other processes never meet it.' },
  { term: 'set_robust_list', meaning: 'The system call that tells the kernel where a thread\'s list of held robust mutexes is, so it can mark them when the thread dies.' },
  { term: 'plain store', meaning: 'An ordinary memory write, not an atomic instruction: two processes can both see the lock free and both store to it.' },
  { term: 'SIGSEGV', meaning: 'The signal for a memory access to an address the process has no mapping for.' },
  { term: 'SIGABRT', meaning: 'The signal abort() raises; glibc calls it when an internal assertion fails.' },
  { term: 'System V segment', meaning: 'Shared memory from shmget(key): every process that asks for the same key gets the same memory.' },
  { term: 'IPC_PRIVATE', meaning: 'A shmget key that always makes a new segment: processes using it do not share memory.' },
];

/**
 * Each glossary term as a whole word, compiled once: built per verdict, these 33 RegExps were
 * 7% of an engine thread's time on tiny experiments (bench:api part 2's profile).
 */
const TERM_PATTERNS = GLOSSARY.map((g) => new RegExp(`(^|[^A-Za-z0-9_])${g.term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`));

/** The glossary entries whose term appears in the verdict's text, in glossary order. */
export function termsOf(v: Pick<Verdict, 'summary' | 'cause' | 'fix'>): Term[] {
  const text = `${v.summary} ${v.cause} ${v.fix}`;
  return GLOSSARY.filter((_, i) => TERM_PATTERNS[i]!.test(text)).map((g) => ({ ...g }));
}

/** The verdict with its glossary attached. */
export function withTerms(v: Omit<Verdict, 'terms'>): Verdict {
  return { ...v, terms: termsOf(v) };
}
