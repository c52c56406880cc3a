// System V shared memory: shmget by key (IPC_CREAT returns the existing segment for a key,
// IPC_PRIVATE always a new one) and shmat at the first fit below the process's hint.
import { AddressSpace, Backing, PAGE, type Arena, type Segment } from './memory.js';
import { SHM_HINT } from './layout.js';

export class SysvShm {
  private readonly byKey = new Map<string, Segment>();
  readonly segments: Segment[] = [];

  /** shmget(key, size, IPC_CREAT | 0600). */
  shmget(key: string, size: number, pid: number, arena?: Arena): { segment: Segment; created: boolean } {
    const existing = key === 'IPC_PRIVATE' ? undefined : this.byKey.get(key);
    if (existing) return { segment: existing, created: false };
    const rounded = Math.ceil(size / PAGE) * PAGE;
    // The mapping is whole pages; only the bytes in use are backed (the rest reads as zero).
    const backing = arena ? arena.take(size) : new Backing(Math.ceil(size / 8) * 8);
    const segment: Segment = { shmid: this.segments.length + 1, key, size: rounded, backing, creatorPid: pid, attached: [] };
    this.segments.push(segment);
    if (key !== 'IPC_PRIVATE') this.byKey.set(key, segment);
    return { segment, created: true };
  }

  /** shmat(shmid, NULL, 0): the kernel picks the address (first fit below SHM_HINT). */
  shmat(space: AddressSpace, segment: Segment, pid: number): number {
    const start = space.firstFitBelow(SHM_HINT, segment.size);
    space.map({ start, end: start + segment.size, kind: 'shm', name: `[ shmid=0x${segment.shmid.toString(16)} ]`, backing: segment.backing, segment });
    segment.attached.push(pid);
    return start;
  }
}
