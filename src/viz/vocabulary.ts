// The words a picture uses, in the platform's own vocabulary: a Solaris reader knows ulwp_t,
// lwp_park and the sleep queue; a Linux reader knows TIDs and futexes; the native engine only
// knows what the probe's rings recorded. One table per family, picked from the result's platform.
import type { VizContext } from './context.js';

export type LaneState = 'hold' | 'spin' | 'parked' | 'wait' | 'release';
export type Family = 'solaris' | 'glibc' | 'musl' | 'native';

export interface Vocabulary {
  family: Family;
  /** The mutex word that names the holder. */
  ownerWord: string;
  /** What a value of the owner word is: "ulwp_t address", "TID". */
  ownerId: string;
  /** Legend and Chrome span names per lane state. */
  states: Record<LaneState, string>;
  /** Chrome names of the spans that sit inside a state (the critical section). */
  criticalSection: string;
  /** What a thread's own id is called in a lane label ("ulwp", "TID"). */
  threadId: string;
}

const SOLARIS: Vocabulary = {
  family: 'solaris',
  ownerWord: 'mutex_owner',
  ownerId: 'ulwp_t address',
  states: {
    hold: 'holds the mutex',
    spin: 'spins (adaptive, mutex_trylock_adaptive)',
    parked: 'sleeps in the kernel (lwp_park, sleep queue)',
    wait: 'waits in mutex_lock',
    release: 'releases (mutex_unlock_queue; spins while mutex_spinners > 0)',
  },
  criticalSection: 'critical section',
  threadId: 'ulwp',
};

const GLIBC: Vocabulary = {
  family: 'glibc',
  ownerWord: '__owner',
  ownerId: 'TID',
  states: {
    hold: 'holds the mutex',
    spin: 'spins in pthread_mutex_lock',
    parked: 'sleeps in the kernel (futex_wait)',
    wait: 'waits in pthread_mutex_lock',
    release: 'releases (pthread_mutex_unlock, futex wake)',
  },
  criticalSection: 'critical section',
  threadId: 'TID',
};

// musl keeps no owner in a normal mutex: _m_lock holds EBUSY (16) while held, with the waiter
// bit 0x80000000 when someone waits; only a robust mutex stores the owner's TID there.
const MUSL: Vocabulary = {
  ...GLIBC,
  family: 'musl',
  ownerWord: '_m_lock',
  states: {
    ...GLIBC.states,
    spin: 'spins in pthread_mutex_timedlock',
    release: 'releases (pthread_mutex_unlock, futex wake if _m_waiters)',
  },
};

const NATIVE: Vocabulary = {
  ...GLIBC,
  family: 'native',
  states: {
    ...GLIBC.states,
    // The probe stamps "acquired" with the time the lock call began, so a hold includes the wait.
    hold: 'in pthread_mutex_lock or holding (the probe times the call, not the acquisition)',
    parked: 'blocked in the kernel (wait channel at the end, e.g. futex_do_wait)',
  },
};

export function vocabulary(ctx: VizContext): Vocabulary {
  if (ctx.engine === 'native' || ctx.platform === 'host') return NATIVE;
  if (ctx.platform?.startsWith('glibc')) return GLIBC;
  if (ctx.platform?.startsWith('musl')) return MUSL;
  return SOLARIS;
}
