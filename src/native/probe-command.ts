// Spec -> probe arguments, and where the probe binary lives. The argument names are the ones
// probe.c documents in its header comment.
import type { Libc } from '../engine/libc.js';
import type { Spec } from '../engine/spec.js';
import { killAcquisition } from '../engine/faults.js';
import { paths } from '../runner/paths.js';

export const DEFAULT_PROBE_PATH = paths.probe;

/** The probe binary of a libc: build/probe (the host's glibc) or build/probe-musl (static musl). */
export function probePathFor(libc: Libc | undefined): string {
  return libc === 'musl' ? paths.probeMusl : paths.probe;
}

export interface ProbeTuning {
  /** No completed cycle for this long = hang: wait channels are read and the group killed. */
  hangMs: number;
  /** Early hang: no progress this long with every thread asleep, seen twice (probe.c settle_ms). */
  settleMs: number;
  /** Events kept per thread (the last ones). */
  ringSize: number;
  /** false: host namespaces with a unique key (used to compare sandbox costs). */
  isolate: boolean;
  /** false: no event rings at all (throughput benchmarks). */
  trace: boolean;
  /** true: SCHED_RR so host load cannot preempt a holder mid-experiment (where permitted). */
  realtime: boolean;
}

export class NativeSpecError extends Error {
  constructor(readonly field: string, message: string) { super(`${field} ${message}`); }
}

export function probeArguments(spec: Spec, tuning: ProbeTuning): string[] {
  // The probe runs one segment and one thread count for everybody; per-process variants are sim-only for now.
  for (const p of spec.processes) {
    if (p.key !== spec.key) throw new NativeSpecError(`processes[${p.index}].key`, 'must equal key for engine "native" (one segment per native run)');
    if (p.threads !== spec.threadsPerProcess) throw new NativeSpecError(`processes[${p.index}].threads`, 'must equal threadsPerProcess for engine "native"');
  }
  const args = [
    `key=${spec.key}`,
    `type=${spec.sharing.shared ? 'shared' : 'private'}`,
    `robust=${spec.robust ? 1 : 0}`,
    `processes=${spec.processCount}`,
    `threads=${spec.threadsPerProcess}`,
    `iterations=${spec.iterations}`,
    `cpus=${spec.cpus}`,
    `timeout_ms=${spec.limits.timeoutMs}`,
    `hang_ms=${tuning.hangMs}`,
    `settle_ms=${tuning.settleMs}`,
    `ring=${tuning.ringSize}`,
    `trace=${tuning.trace ? 1 : 0}`,
    `isolate=${tuning.isolate ? 'auto' : 'none'}`,
    `sched=${tuning.realtime ? 'rr' : 'other'}`,
    `watch=${spec.tools.watchpoint === false ? 'none' : spec.tools.watchpoint.process}`,
  ];
  // afterAcquisitions N: killed during its Nth hold (the first hold when N is 0).
  for (const f of spec.faults) args.push(`fault=${f.kill}:${killAcquisition(f)}:${f.whileHolding ? 1 : 0}`);
  return args;
}

/** A musl run on a host where the musl probe was not built (no musl-gcc when `make` ran). */
export class MuslProbeMissingError extends Error {
  constructor(path: string) { super(`the musl probe ${path} is not built: install musl-tools (scripts/setup.sh does) and run npm run build`); }
}
