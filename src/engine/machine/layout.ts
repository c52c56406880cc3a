// Address-space layouts per program. Solaris 10 had no ASLR: every instance of one program
// gets the same layout, so its main thread's ulwp_t sits at the same address in each. Two
// different programs get different text/heap sizes, so the heaps where libc allocates the
// ulwp_t structures land at different, non-overlapping addresses: a ulwp_t address of one
// program is not mapped in the other. Libraries and the shm hint are at fixed high addresses
// shared by all programs, so the kernel's first fit puts a segment at the same address in both.

/** Modelled offsets inside ulwp_t / sc_shared_t (the pointer chain mutex_trylock_adaptive follows). */
export const ULWP_SIZE = 0x200;
/**
 * Offset of ul_schedctl (a 4-byte pointer) in the ulwp_t of a 32-bit x86 process: 0xc8,
 * counted from struct ulwp in usr/src/lib/libc/inc/thr_uberdata.h of the first OpenSolaris
 * import (illumos-gate 7c478bd9, 2005: ul_self, ul_dinstr[40], ul_uberdata, ul_tls ... then
 * ul_errnop, ul_clnup_hdr, ul_schedctl_called at 0xc4). Today's illumos header (ul_release_spin
 * gone, ul_rt/ul_rtqueued/ul_misaligned added) puts it at the same 0xc8. The processes here are
 * 32-bit, as the addresses of layoutFor are.
 */
export const UL_SCHEDCTL = 0xc8;
export const SC_SHARED_SIZE = 0x20;
export const SC_STATE = 0x0;

/** sc_state values (sys/schedctl.h). */
export const SC_FREE = 0x00, SC_SLEEP = 0x01, SC_RUN = 0x02, SC_ONPROC = 0x04;

export const TEXT_BASE = 0x08050000;
export const LIBC_BASE = 0xfec00000;
export const LIBC_SIZE = 0x000e0000;
export const SCHEDCTL_BASE = 0xfebf0000;
export const STACK_TOP = 0x08047000;
/** shmat searches down from here (just below the schedctl page). */
export const SHM_HINT = 0xfeb80000;

export interface ProgramLayout {
  program: string;
  /** Order of first appearance among the spec's programs (0, 1, ...). */
  ordinal: number;
  text: [number, number];
  data: [number, number];
  heap: [number, number];
  /** Where this program's libc allocates the ulwp_t of thread i: ulwpBase + i * ULWP_SIZE. */
  ulwpBase: number;
}

const MB = 0x100000;

/**
 * Layout of the `ordinal`-th distinct program. Text grows with the ordinal and every heap
 * gets its own 1 MB window, so heaps of different programs never overlap.
 */
export function layoutFor(program: string, ordinal: number): ProgramLayout {
  let h = 0;
  for (let i = 0; i < program.length; i++) h = (Math.imul(h, 31) + program.charCodeAt(i)) >>> 0;
  const textSize = 0x10000 + (h % 8) * 0x1000;
  const textEnd = TEXT_BASE + textSize;
  const dataStart = textEnd + 0x10000;
  const dataEnd = dataStart + 0x4000;
  const heapStart = 0x08100000 + ordinal * MB;
  const heapEnd = heapStart + 0x40000;
  // libc allocates ulwp_t structures in an anonymous mapping just above the heap
  return { program, ordinal, text: [TEXT_BASE, textEnd], data: [dataStart, dataEnd], heap: [heapStart, heapEnd], ulwpBase: heapEnd + (h % 4) * 0x400 };
}
