// Fault injection in the simulator: `faults: [{kill: P, whileHolding, afterAcquisitions: N}]`.
// The injector wraps the platform's mutex program. With whileHolding, process P is SIGKILLed
// when its thread, holding the mutex for the N-th time (at least the first), is about to call
// unlock: the critical section is complete (the counter written), the mutex still held. That is
// where the native probe kills too, so both engines count the same cycles. Without whileHolding
// it dies right after that unlock. Either way the kernel's exit-time clean-up for the mutex runs
// next (robust-list processing for a robust mutex); a non-robust mutex stays locked forever.
import { hex } from './machine/memory.js';
import type { Machine } from './machine/machine.js';
import type { SimProcess, SimThread } from './machine/process.js';
import { DONE, RUNNING, type MutexProgram, type PlatformDefinition, type Recovery } from './platforms/platform.js';
import type { Spec } from './spec.js';

/** The acquisition after which a fault kills its process: at least the first (0 means the first). */
export const killAcquisition = (f: { afterAcquisitions: number }) => Math.max(1, f.afterAcquisitions);

export interface KillRecord {
  index: number;
  pid: number;
  /** The thread whose acquisition triggered the kill, and its acquisition count. */
  tid: number;
  acquisition: number;
  t: number;
  whileHolding: boolean;
  /**
   * The dead process's threads that held the mutex when it died (between a lock that returned
   * and the unlock that completed): the killed thread when whileHolding, and without it any of
   * its other threads inside the critical section or still in unlock. Empty: the death left
   * the mutex free, so whatever happens next is not the dead owner's doing.
   */
  heldBy: number[];
  /** Acquisitions of the mutex by all processes so far: any after the death were the survivors'. */
  acquisitionsAtDeath: number;
  /** The mutex as the kernel found it right after the death (before the clean-up) and after it. */
  mutexAtDeath: Record<string, number | string>;
  mutexAfterCleanup: Record<string, number | string>;
}

export class FaultInjector implements MutexProgram {
  readonly kills: KillRecord[] = [];
  private readonly fired: boolean[];
  /** Threads holding the mutex as the program sees it (lock returned, unlock not completed). */
  private readonly holding = new Set<SimThread>();

  constructor(private readonly m: Machine, private readonly spec: Spec, private readonly platform: PlatformDefinition, private readonly inner: MutexProgram) {
    this.fired = spec.faults.map(() => false);
  }

  get recoveries(): Recovery[] { return this.inner.recoveries ?? []; }

  /** The spec's faults that have not fired (yet, or ever: read at the end of a run). */
  unfired(): Spec['faults'] { return this.spec.faults.filter((_f, i) => !this.fired[i]); }

  lock(m: Machine, t: SimThread): number {
    const r = this.inner.lock(m, t);
    // an error return (EDEADLK, ENOTRECOVERABLE) took nothing, as the workload counts it
    if (r === DONE && t.lockRc === 0) this.holding.add(t);
    return r;
  }

  unlock(m: Machine, t: SimThread): number {
    if (t.pc === 0 && this.fired.length > 0 && this.check(t, true)) return RUNNING;
    const r = this.inner.unlock(m, t);
    if (r === DONE) {
      this.holding.delete(t);
      if (this.fired.length > 0) this.check(t, false);
    }
    return r;
  }

  processDied(m: Machine, p: SimProcess): void { this.inner.processDied?.(m, p); }

  /** At the entry of an unlock (holding) or after it completed; true when t's process was killed. */
  private check(t: SimThread, holding: boolean): boolean {
    const p = t.proc;
    let killed = false;
    this.spec.faults.forEach((f, i) => {
      if (killed || this.fired[i] || f.kill !== p.index || f.whileHolding !== holding) return;
      if (p.acquisitions < killAcquisition(f)) return;
      this.fired[i] = true;
      this.kill(p, t, p.acquisitions, holding);
      killed = true;
    });
    return killed;
  }

  private kill(p: SimProcess, t: SimThread, acquisition: number, holding: boolean): void {
    if (p.state !== 0) return;
    const m = this.m;
    const offset = p.mutexVa - p.attachAddress;
    const heldBy = [...this.holding].filter((h) => h.proc === p).map((h) => h.tid).sort((a, b) => a - b);
    let acquisitionsAtDeath = 0;
    for (const q of m.processes) acquisitionsAtDeath += q.acquisitions;
    m.terminate(p, { kind: 'killed', reason: 'fault' });
    const mutexAtDeath = this.platform.snapshot(p.segment!, offset);
    this.inner.processDied?.(m, p);
    this.kills.push({
      index: p.index, pid: p.pid, tid: t.tid, acquisition, t: m.now, whileHolding: holding, heldBy, acquisitionsAtDeath,
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
