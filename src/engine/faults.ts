// Fault injection in the simulator: `faults: [{kill: P, whileHolding, afterAcquisitions: N}]`.
// The injector wraps the platform's mutex program. When process P completes its N-th
// acquisition (at least the first) and whileHolding is set, it is SIGKILLed at the end of that
// tick: the workload has already counted it as a holder and it has not written the counter yet,
// so it dies inside the critical section. Without whileHolding it dies right after the unlock
// of that acquisition. Either way the kernel's exit-time clean-up for the mutex runs next
// (robust-list processing for a robust glibc mutex); a non-robust mutex stays locked.
import { hex } from './machine/memory.js';
import type { Machine } from './machine/machine.js';
import type { SimProcess, SimThread } from './machine/process.js';
import { DONE, type MutexProgram, type PlatformDefinition, type Recovery } from './platforms/platform.js';
import type { Spec } from './spec.js';

export interface KillRecord {
  index: number;
  pid: number;
  /** The thread whose acquisition triggered the kill, and its acquisition count. */
  tid: number;
  acquisition: number;
  t: number;
  whileHolding: boolean;
  /** The mutex as the kernel found it right after the death (before the clean-up) and after it. */
  mutexAtDeath: Record<string, number | string>;
  mutexAfterCleanup: Record<string, number | string>;
}

export class FaultInjector implements MutexProgram {
  readonly kills: KillRecord[] = [];
  private readonly fired: boolean[];

  constructor(private readonly m: Machine, private readonly spec: Spec, private readonly platform: PlatformDefinition, private readonly inner: MutexProgram) {
    this.fired = spec.faults.map(() => false);
  }

  get recoveries(): Recovery[] { return this.inner.recoveries ?? []; }

  lock(m: Machine, t: SimThread): number {
    const r = this.inner.lock(m, t);
    if (r === DONE && this.fired.length > 0) this.check(t, true);
    return r;
  }

  unlock(m: Machine, t: SimThread): number {
    const r = this.inner.unlock(m, t);
    if (r === DONE && this.fired.length > 0) this.check(t, false);
    return r;
  }

  processDied(m: Machine, p: SimProcess): void { this.inner.processDied?.(m, p); }

  /** After a lock (holding = true; the acquisition is not counted yet) or an unlock completed. */
  private check(t: SimThread, holding: boolean): void {
    const p = t.proc;
    const acquisition = holding ? p.acquisitions + 1 : p.acquisitions;
    this.spec.faults.forEach((f, i) => {
      if (this.fired[i] || f.kill !== p.index || f.whileHolding !== holding) return;
      if (acquisition < Math.max(1, f.afterAcquisitions)) return;
      this.fired[i] = true;
      // end of this tick: the workload has entered the critical section (or left the unlock)
      this.m.after(1, () => this.kill(p, t, acquisition, holding));
    });
  }

  private kill(p: SimProcess, t: SimThread, acquisition: number, holding: boolean): void {
    if (p.state !== 0) return;
    const m = this.m;
    const offset = p.mutexVa - p.attachAddress;
    m.terminate(p, { kind: 'killed', reason: 'fault' });
    const mutexAtDeath = this.platform.snapshot(p.segment!, offset);
    this.inner.processDied?.(m, p);
    this.kills.push({
      index: p.index, pid: p.pid, tid: t.tid, acquisition, t: m.now, whileHolding: holding,
      mutexAtDeath, mutexAfterCleanup: this.platform.snapshot(p.segment!, offset),
    });
  }

  /** The evidence members a run with faults adds to its result. */
  evidence(): Record<string, unknown> {
    if (this.spec.faults.length === 0 && this.recoveries.length === 0) return {};
    return {
      faults: this.kills.map((k) => ({ ...k, mutexAddress: hex(this.m.processes[k.index]!.mutexVa) })),
      recoveries: this.recoveries,
    };
  }
}
