// Core snapshots: the shared mutex as a debugger reads it from a core file. The snapshot is
// taken when the dump COMPLETES, so it shows what the other processes stored while the dump
// was being written (in the story: owner 0x0, because the owner had unlocked meanwhile).
import type { Machine } from '../machine/machine.js';
import type { SimThread } from '../machine/process.js';
import type { Evidence, MutexSnapshot } from '../result.js';
import type { PlatformDefinition } from '../platforms/platform.js';

export interface CoreRecord { pid: number; signal: string; mutex: MutexSnapshot; faultedAt: number; writtenAt: number; atFault: MutexSnapshot }

export class CoreSnapshots {
  readonly cores: CoreRecord[] = [];
  private readonly atFault = new Map<number, { t: number; mutex: MutexSnapshot; switches: ReturnType<Machine['lastSwitches']> }>();
  /** Context switches just before the first fault (thread ids), like DTrace sched:::on-cpu. */
  switchesBeforeFault: ReturnType<Machine['lastSwitches']> | null = null;

  constructor(private readonly m: Machine, private readonly platform: PlatformDefinition, enabled: boolean) {
    if (!enabled) return;
    m.faultHook = (t: SimThread) => this.noteFault(t);
    m.coreHook = (t: SimThread) => {
      const p = t.proc;
      const seen = this.atFault.get(p.pid);
      const signal = t.exit?.kind === 'signaled' ? t.exit.signal : 'SIGSEGV';
      const core = { pid: p.pid, signal, mutex: platform.snapshot(p.segment!, p.mutexVa - p.attachAddress), faultedAt: seen?.t ?? m.now, writtenAt: m.now, atFault: seen?.mutex ?? {} };
      // In the order of the faults, not of the dumps: a dump's duration is drawn per dump, so a
      // process that faulted later can finish its core first, and the evidence is about the first.
      let i = this.cores.length;
      while (i > 0 && this.cores[i - 1]!.faultedAt > core.faultedAt) i--;
      this.cores.splice(i, 0, core);
    };
  }

  /** Memory at the moment of the fault (what the faulting thread saw; not in a real core). */
  noteFault(t: SimThread): void {
    const p = t.proc;
    const switches = this.m.lastSwitches();
    this.switchesBeforeFault ??= switches;
    this.atFault.set(p.pid, { t: this.m.now, mutex: this.platform.snapshot(p.segment!, p.mutexVa - p.attachAddress), switches });
  }

  evidence(): Evidence['core'] {
    const c = this.cores[0];
    if (!c) return null;
    return { pid: c.pid, signal: c.signal, mutex: c.mutex, faultedAt: c.faultedAt, writtenAt: c.writtenAt };
  }
}
