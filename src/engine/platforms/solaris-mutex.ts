// The Solaris / illumos mutex_t (lwp_mutex_t) as bytes, shared by the solaris10, solaris9 and
// illumos platforms: 24 bytes, x86 byte order. See shared/reference/solaris-mutex.md.
import { hex, type Segment } from '../machine/memory.js';
import type { MutexSnapshot } from '../result.js';
import type { MutexType } from '../spec.js';
import type { MutexField } from './platform.js';

export const MUTEX_SIZE = 24;
export const MUTEX_FLAG = 0;      // 2 bytes
export const MUTEX_TYPE = 4;      // 1 byte
export const MUTEX_MAGIC_OFF = 6; // 2 bytes
export const MUTEX_OWNERPID = 8;  // 4 bytes; the spinner count of a USYNC_THREAD mutex in the 2005 code
export const MUTEX_LOCKWORD = 12; // 4 bytes
export const MUTEX_SPINNERS_BYTE = 13; // illumos keeps its spinner count in the lockword
export const MUTEX_WAITERS = 14;  // 1 byte (x86)
export const MUTEX_LOCKW = 15;    // 1 byte: the lock byte (x86)
export const MUTEX_OWNER = 16;    // 8 bytes: owner's ulwp_t address, in the owner's address space

export const MUTEX_MAGIC = 0x4d58;
export const LOCK_INITED = 0x4;
export const USYNC_THREAD = 0, USYNC_PROCESS = 1;

/** Masks of the 32-bit lockword (little-endian: byte 15 is the top byte). */
export const LOCKMASK = 0xff000000, WAITERMASK = 0x00ff0000, SPINNERMASK = 0x0000ff00, WAITER = 0x00010000;

/** Tunables of libc's adaptive mutex (ul_adaptive_spin, ul_max_spinners, ul_release_spin). */
export const ADAPTIVE_SPIN = 1000, MAX_SPINNERS = 100, RELEASE_SPIN = 500;

export const SOLARIS_FIELDS: Record<'owner' | 'lockword' | 'ownerpid', MutexField> = {
  owner: { offset: MUTEX_OWNER, size: 8, name: 'mutex_owner' },
  lockword: { offset: MUTEX_LOCKWORD, size: 4, name: 'mutex_lockword' },
  ownerpid: { offset: MUTEX_OWNERPID, size: 4, name: 'mutex_ownerpid' },
};

export function solarisType(type: MutexType): number {
  return type === 'USYNC_PROCESS' || type === 'PTHREAD_PROCESS_SHARED' ? USYNC_PROCESS : USYNC_THREAD;
}

/** mutex_init: zero the struct, then type, LOCK_INITED and the magic. */
export function solarisInit(seg: Segment, offset: number, type: MutexType): void {
  const b = seg.backing.u8;
  b.fill(0, offset, offset + MUTEX_SIZE);
  b[offset + MUTEX_FLAG] = LOCK_INITED;
  b[offset + MUTEX_TYPE] = solarisType(type);
  b[offset + MUTEX_MAGIC_OFF] = MUTEX_MAGIC & 0xff;
  b[offset + MUTEX_MAGIC_OFF + 1] = MUTEX_MAGIC >>> 8;
}

export function solarisSnapshot(seg: Segment, offset: number): MutexSnapshot {
  const b = seg.backing.u8;
  const u32 = (o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
  const o = offset;
  return {
    flag: b[o + MUTEX_FLAG]! | (b[o + MUTEX_FLAG + 1]! << 8),
    type: b[o + MUTEX_TYPE]! === USYNC_PROCESS ? 'USYNC_PROCESS' : 'USYNC_THREAD',
    magic: hex(b[o + MUTEX_MAGIC_OFF]! | (b[o + MUTEX_MAGIC_OFF + 1]! << 8)),
    ownerpid: u32(o + MUTEX_OWNERPID),
    lockword: hex(u32(o + MUTEX_LOCKWORD)),
    lockByte: b[o + MUTEX_LOCKW]!,
    waiters: b[o + MUTEX_WAITERS]!,
    owner: hex(u32(o + MUTEX_OWNER) + u32(o + MUTEX_OWNER + 4) * 4294967296),
  };
}

/** Sleep-queue keys, built once per process: libc's per-process queues and the kernel's lwpchans. */
export const userQueueKey = (pid: number, va: number) => `sleepq:pid=${pid}:${hex(va)}`;
export const lwpchanPrivate = (pid: number, va: number) => `lwpchan:as=${pid}:${hex(va)}`;
export const lwpchanShared = (shmid: number, offset: number) => `lwpchan:shm=${shmid}:${offset}`;
