// Builds the processes of a spec on a fresh machine: address spaces laid out per program,
// threads with their ulwp_t and schedctl data, then each process (in index order) calls
// shmget(key, IPC_CREAT) and shmat; the creator of the segment initialises the mutex.
// This set-up is not scheduled (it happens before the first step, at virtual time 0).
import { AddressSpace, Arena, PAGE, hex, type Segment } from './machine/memory.js';
import { LIBC_BASE, LIBC_SIZE, SCHEDCTL_BASE, SC_SHARED_SIZE, STACK_TOP, UL_SCHEDCTL, ULWP_SIZE, layoutFor, type ProgramLayout } from './machine/layout.js';
import { SimProcess, SimThread } from './machine/process.js';
import { SysvShm } from './machine/shm.js';
import { OP } from './machine/trace-buffer.js';
import type { Machine } from './machine/machine.js';
import type { PlatformDefinition } from './platforms/platform.js';
import type { Spec } from './spec.js';
import { timeSlice } from './workload.js';
import { RR_SLICE_STEPS } from './machine/syscall-cost.js';

export const FIRST_PID = 1001;
const STACK_SIZE = 0x10000;

export interface World {
  shm: SysvShm;
  /** The segment of the spec's key (process 0's), where the evidence's mutex lives. */
  segment: Segment;
  /** pid of the process that initialised each segment's mutex, by shmid. */
  initializedBy: Map<number, number>;
  /** Offset of the shared counter in the segment. */
  counterOffset: number;
  /** Every byte of the run's memory (private and shared): what a reused machine restores. */
  arena: Arena;
}

export function buildWorld(m: Machine, spec: Spec, platform: PlatformDefinition): World {
  const shm = new SysvShm();
  const ordinals = new Map<string, number>();
  const initializedBy = new Map<number, number>();
  const counterOffset = Math.ceil(platform.mutexSize / 8) * 8;
  let gtid = 0;
  const segmentBytes = counterOffset + 8;
  const arena = new Arena(spec.processes.reduce((n, p) => n + p.threads * (ULWP_SIZE + SC_SHARED_SIZE) + Math.ceil(segmentBytes / 8) * 8, 0));
  for (const ps of spec.processes) {
    if (!ordinals.has(ps.program)) ordinals.set(ps.program, ordinals.size);
    const layout = layoutFor(ps.program, ordinals.get(ps.program)!);
    const pid = FIRST_PID + ps.index;
    const proc = new SimProcess(ps.index, pid, ps.program, ps.key, layout, mapProgram(layout, ps.threads, arena));
    const ulwpMap = proc.space.mappings.find((x) => x.kind === 'ulwp')!;
    const scMap = proc.space.mappings.find((x) => x.name === '[ schedctl ]')!;
    proc.ulwpMemory = ulwpMap.backing;
    proc.schedctlMemory = scMap.backing;
    proc.layoutSchedctlBase = scMap.base ?? scMap.start;
    for (let j = 0; j < ps.threads; j++) {
      const ulwp = layout.ulwpBase + j * ULWP_SIZE;
      const sc = SCHEDCTL_BASE + j * SC_SHARED_SIZE;
      const t = new SimThread(gtid++, j + 1, proc, ulwp, sc);
      // ulwp->ul_schedctl points at this thread's sc_shared_t (low word; addresses fit 32 bits)
      ulwpMap.backing!.u32[(ulwp + UL_SCHEDCTL - ulwpMap.base!) >>> 2] = sc;
      proc.threads.push(t);
    }
    m.processes.push(proc);
    const first = proc.threads[0]!.gtid;
    const { segment, created } = shm.shmget(ps.key, segmentBytes, pid, arena);
    if (m.tr !== null) { m.tr.push(OP.shmget, first, -1, 0, -1, segment.shmid, NaN, 0, 0); m.tr.text(`key ${ps.key}, IPC_CREAT: ${created ? 'created' : 'existing'} shmid ${segment.shmid}`); }
    const attach = shm.shmat(proc.space, segment, pid);
    if (m.tr !== null) { m.tr.push(OP.shmat, first, -1, 0, attach, segment.shmid, NaN, 0, 0); m.tr.text(`shmid ${segment.shmid} at ${hex(attach)}`); }
    proc.segment = segment;
    proc.shm = segment.backing;
    proc.shmStart = attach;
    proc.shmSize = segment.backing.u8.length; // the fast path covers the backed bytes; the rest of the pages go the slow way
    proc.attachAddress = attach;
    proc.mutexVa = attach;
    proc.counterVa = attach + counterOffset;
    if (created) {
      platform.init(segment, 0, spec.mutexType, spec.robust);
      initializedBy.set(segment.shmid, pid);
      if (m.tr !== null) { m.tr.push(OP.mutex_init, first, -1, 0, attach, NaN, NaN, 0, 0); m.tr.text(`${spec.mutexType} by pid ${pid}`); }
    }
  }
  for (const p of m.processes) for (const t of p.threads) m.addThread(t);
  // round-robin: SCHED_RR's 100 ms is longer than any run; time-sharing: a ratio to the lock cycle
  m.policy = spec.scheduling ?? 'time-sharing';
  m.stalls = platform.stalls ?? null;
  m.slice = m.policy === 'round-robin' ? { min: RR_SLICE_STEPS, max: RR_SLICE_STEPS } : timeSlice(spec.work);
  return { shm, segment: m.processes[0]!.segment!, initializedBy, counterOffset, arena };
}

function mapProgram(layout: ProgramLayout, threads: number, arena: Arena): AddressSpace {
  const space = new AddressSpace();
  space.map({ start: layout.text[0], end: layout.text[1], kind: 'text', name: layout.program, backing: null });
  space.map({ start: layout.data[0], end: layout.data[1], kind: 'data', name: layout.program, backing: null });
  space.map({ start: layout.heap[0], end: layout.heap[1], kind: 'heap', name: '[ heap ]', backing: null });
  const ulwpEnd = Math.ceil((layout.ulwpBase + threads * ULWP_SIZE) / PAGE) * PAGE;
  const ulwpStart = layout.heap[1];
  space.map({ start: ulwpStart, end: ulwpEnd, kind: 'ulwp', name: '[ anon ] libc ulwp_t', backing: arena.take(threads * ULWP_SIZE), base: layout.ulwpBase });
  for (let j = 0; j < threads; j++) {
    const top = STACK_TOP - j * 0x100000;
    space.map({ start: top - STACK_SIZE, end: top, kind: 'stack', name: j === 0 ? '[ stack ]' : `[ stack tid=${j + 1} ]`, backing: null });
  }
  space.map({ start: SCHEDCTL_BASE, end: SCHEDCTL_BASE + PAGE, kind: 'anon', name: '[ schedctl ]', backing: arena.take(threads * SC_SHARED_SIZE), base: SCHEDCTL_BASE });
  space.map({ start: LIBC_BASE, end: LIBC_BASE + LIBC_SIZE, kind: 'text', name: 'libc.so.1', backing: null });
  return space;
}
