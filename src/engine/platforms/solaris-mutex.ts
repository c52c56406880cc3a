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
export const LOCK_OWNERDEAD = 0x1, LOCK_NOTRECOVERABLE = 0x2, LOCK_INITED = 0x4, LOCK_UNMAPPED = 0x8;
export const USYNC_THREAD = 0, USYNC_PROCESS = 1;
/** Robust type bits: the historical USYNC_PROCESS_ROBUST type (Solaris 2.7 .. 10) and illumos's LOCK_ROBUST attribute. */
export const USYNC_PROCESS_ROBUST = 0x8, LOCK_ROBUST = 0x40;

/** How a platform spells a robust mutex in mutex_type: 'historical' = USYNC_PROCESS_ROBUST, 'attribute' = | LOCK_ROBUST. */
export type RobustSpelling = 'historical' | 'attribute';

/** Masks of the 32-bit lockword (little-endian: byte 15 is the top byte). */
export const LOCKMASK = 0xff000000, WAITERMASK = 0x00ff0000, SPINNERMASK = 0x0000ff00, WAITER = 0x00010000;

/** Tunables of libc's adaptive mutex (ul_adaptive_spin, ul_max_spinners, ul_release_spin). */
export const ADAPTIVE_SPIN = 1000, MAX_SPINNERS = 100, RELEASE_SPIN = 500;

export const SOLARIS_FIELDS: Record<'owner' | 'lockword' | 'ownerpid', MutexField> = {
  owner: { offset: MUTEX_OWNER, size: 8, name: 'mutex_owner' },
  lockword: { offset: MUTEX_LOCKWORD, size: 4, name: 'mutex_lockword' },
  ownerpid: { offset: MUTEX_OWNERPID, size: 4, name: 'mutex_ownerpid' },
};

export function solarisType(type: MutexType, robust: RobustSpelling | null = null): number {
  const base = type === 'USYNC_PROCESS' || type === 'PTHREAD_PROCESS_SHARED' ? USYNC_PROCESS : USYNC_THREAD;
  if (robust === 'historical') return USYNC_PROCESS_ROBUST; // only ever process-shared; callers reject USYNC_THREAD first
  if (robust === 'attribute') return base | LOCK_ROBUST;
  return base;
}

/** The mutex_type byte as the headers spell it. */
export function solarisTypeName(type: number): string {
  if (type & USYNC_PROCESS_ROBUST) return 'USYNC_PROCESS_ROBUST';
  const base = type & USYNC_PROCESS ? 'USYNC_PROCESS' : 'USYNC_THREAD';
  return type & LOCK_ROBUST ? `${base}|LOCK_ROBUST` : base;
}

/** Names of the mutex_flag bits that are set, e.g. "LOCK_OWNERDEAD|LOCK_INITED". */
export function solarisFlagNames(flag: number): string {
  const names: [number, string][] = [[LOCK_OWNERDEAD, 'LOCK_OWNERDEAD'], [LOCK_NOTRECOVERABLE, 'LOCK_NOTRECOVERABLE'], [LOCK_INITED, 'LOCK_INITED'], [LOCK_UNMAPPED, 'LOCK_UNMAPPED']];
  return names.filter(([bit]) => flag & bit).map(([, n]) => n).join('|') || '0';
}

/**
 * mutex_init: zero the struct, then type, LOCK_INITED and the magic. A robust mutex ends up with
 * the same bytes (illumos sets them on an all-zero mutex; the 2005 kernel's lwp_mutex_init
 * clears waiters, lock byte and ownerpid and sets LOCK_INITED).
 */
export function solarisInit(seg: Segment, offset: number, type: MutexType, robust: RobustSpelling | null = null): void {
  const b = seg.backing.u8;
  b.fill(0, offset, offset + MUTEX_SIZE);
  b[offset + MUTEX_FLAG] = LOCK_INITED;
  b[offset + MUTEX_TYPE] = solarisType(type, robust);
  b[offset + MUTEX_MAGIC_OFF] = MUTEX_MAGIC & 0xff;
  b[offset + MUTEX_MAGIC_OFF + 1] = MUTEX_MAGIC >>> 8;
}

export function solarisSnapshot(seg: Segment, offset: number): MutexSnapshot {
  const b = seg.backing.u8;
  const u32 = (o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
  const o = offset;
  const flag = b[o + MUTEX_FLAG]! | (b[o + MUTEX_FLAG + 1]! << 8);
  const type = b[o + MUTEX_TYPE]!;
  // Robust mutexes also name their flag bits: LOCK_OWNERDEAD is what the evidence is about.
  const robust: MutexSnapshot = type & (USYNC_PROCESS_ROBUST | LOCK_ROBUST) ? { flags: solarisFlagNames(flag) } : {};
  return {
    flag,
    ...robust,
    type: solarisTypeName(type),
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
