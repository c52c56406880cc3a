// The native engine: the same Engine interface as the simulator, backed by the C probe running
// real processes in a sandbox. Spec -> probe arguments -> probe run -> parsed report -> Result.
import { existsSync } from 'node:fs';
import type { Engine, RunOptions } from '../engine/engine.js';
import type { Result } from '../engine/result.js';
import type { Spec } from '../engine/spec.js';
import { MuslProbeMissingError, probeArguments, probePathFor, type ProbeTuning } from './probe-command.js';

export { MuslProbeMissingError } from './probe-command.js';
import { parseProbeOutput, ProbeOutputError } from './probe-output.js';
import { runProbe } from './run-probe.js';
import { toResult, traceEvents } from './to-result.js';
import { nativeVerdict } from './verdict.js';
import { runNativeRepetitions, type RepeatOptions } from './repeat.js';

export interface NativeEngineOptions extends Partial<ProbeTuning> {
  /** The glibc probe (default build/probe); `muslProbePath` the musl one (default build/probe-musl). */
  probePath?: string;
  muslProbePath?: string;
  /** Told the process group id of every probe started (for logs, and for tests that check nothing survives). */
  onProbeGroup?: (pgid: number) => void;
}


export const NATIVE_DEFAULTS: ProbeTuning = { hangMs: 500, settleMs: 10, ringSize: 256, isolate: true, trace: true, realtime: true };

export function createNativeEngine(options: NativeEngineOptions = {}): Engine {
  const tuning: ProbeTuning = { ...NATIVE_DEFAULTS, ...options };
  return {
    kind: 'native',
    async run(spec: Spec, runOptions: RunOptions = {}): Promise<Result> {
      if (spec.engine !== 'native') throw new Error(`the native engine was given a spec for engine "${spec.engine}"`);
      const started = performance.now();
      const probePath = spec.libc === 'musl' ? options.muslProbePath ?? probePathFor('musl') : options.probePath ?? probePathFor('glibc');
      if (spec.libc === 'musl' && !existsSync(probePath)) throw new MuslProbeMissingError(probePath);
      const run = await runProbe(probePath, probeArguments(spec, tuning), spec.limits.timeoutMs, runOptions.signal, options.onProbeGroup);
      let report;
      try {
        report = parseProbeOutput(run.stdout);
      } catch (e) {
        const why = run.signal ? `killed by ${run.signal}` : `exit code ${run.code}`;
        throw new ProbeOutputError(`${(e as Error).message} (probe ${why}${run.stderr ? `, stderr: ${run.stderr.trim().slice(0, 500)}` : ''})`);
      }
      const events = traceEvents(report);
      if (runOptions.onEvent) for (const e of events) runOptions.onEvent(e);
      const partial = toResult(spec, report, runOptions.onEvent ? events.length : 0, 0);
      partial.stats.engineMs = performance.now() - started;
      partial.trace.events = events.length;
      return { ...partial, verdict: nativeVerdict(partial) };
    },
  };
}

export const nativeEngine: Engine = createNativeEngine();

/** N runs of a spec in one probe invocation (repeat.ts), with the engine's default tuning. */
export function nativeRepeat(spec: Spec, n: number, options: Omit<RepeatOptions, 'tuning'> & { tuning?: Partial<ProbeTuning> }) {
  return runNativeRepetitions(spec, n, { ...options, tuning: { ...NATIVE_DEFAULTS, ...options.tuning } });
}
