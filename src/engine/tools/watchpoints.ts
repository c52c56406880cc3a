// Per-process watchpoints on one mutex word, as procfs PCWATCH gives them: a process's
// watchpoint fires only on stores made by that process's own lwps in user mode. Stores by
// another process to the same shared word are counted separately (foreignWrites), and so are
// the stores the kernel makes on the process's behalf (kernelWrites: lwp_sobj.c disables
// watchpoints around its accesses to the mutex). The watchpoint sees neither, which is exactly
// what misled the engineers in the story.
import { hex, type Segment } from '../machine/memory.js';
import { OP } from '../machine/trace-buffer.js';
import type { MemoryBus, StoreWatch } from '../machine/bus.js';
import type { Machine } from '../machine/machine.js';
import type { SimThread } from '../machine/process.js';
import type { Evidence } from '../result.js';
import type { PlatformDefinition } from '../platforms/platform.js';
import type { WatchField } from '../spec.js';

export class Watchpoints implements StoreWatch {
  private readonly watching: boolean[];
  private readonly fired: Int32Array;
  private readonly foreign: Int32Array;
  private readonly kernelStores: Int32Array;
  private readonly fieldName: number;

  constructor(private readonly m: Machine, segment: Segment, private readonly field: WatchField, process: number | 'all', platform: PlatformDefinition) {
    const f = platform.fields[field];
    const n = m.processes.length;
    this.watching = m.processes.map((p) => p.segment === segment && (process === 'all' || process === p.index));
    this.fired = new Int32Array(n);
    this.foreign = new Int32Array(n);
    this.kernelStores = new Int32Array(n);
    this.fieldName = m.name(f.name);
    m.watch = this;
    m.watchSegment = segment;
    m.watchLo = f.offset;
    m.watchHi = f.offset + f.size;
  }

  /** A store overlapping the watched word, by thread t (or by the kernel for it). */
  store(bus: MemoryBus, t: SimThread, value: number, kernel: boolean): void {
    const w = t.proc.index;
    for (let i = 0; i < this.watching.length; i++) {
      if (!this.watching[i]) continue;
      if (i === w && kernel) this.kernelStores[i]!++;
      else if (i === w) {
        this.fired[i]!++;
        if (bus.tr !== null) { bus.tr.push(OP.watchpoint, t.gtid, t.cpu, bus.now, t.proc.mutexVa + this.m.watchLo, value, NaN, this.fieldName, 0, this.field === 'owner'); }
      } else this.foreign[i]!++;
    }
  }

  report(): Evidence['watchpoints'] {
    const out: Evidence['watchpoints'] = [];
    this.m.processes.forEach((p, i) => {
      if (!this.watching[i]) return;
      out.push({ pid: p.pid, field: this.field, address: hex(p.mutexVa + this.m.watchLo), fired: this.fired[i]!, ownWrites: this.fired[i]!, foreignWrites: this.foreign[i]!, kernelWrites: this.kernelStores[i]! });
    });
    return out;
  }
}
