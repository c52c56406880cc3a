// `repeat: N`: the spec run N times and reported as a distribution (src/engine/distribution.ts).
//   native: N real runs in one probe invocation (src/native/repeat.ts);
//   sim:    seeds seed, seed+1, ..., seed+N-1, each a fresh deterministic run. Runs go without a
//           trace; the first run of each outcome is run again with its trace (same seed, same run).
// The result's top level is the most severe outcome's first run (with its whole trace, which
// becomes the experiment's trace), plus `distribution`.
import { performance } from 'node:perf_hooks';
import type { Distribution } from '../engine/distribution.js';
import type { RunProgress } from '../engine/engine.js';
import { LIMITS } from '../engine/limits.js';
import type { Result } from '../engine/result.js';
import { simulate } from '../engine/sim.js';
import type { Spec } from '../engine/spec.js';
import type { TraceEvent } from '../engine/trace.js';
import { DistributionBuilder } from './distribution.js';
import { distModule } from './paths.js';

export type RepeatProgress = Extract<RunProgress, { kind: 'repetitions' }>;

export interface RepeatRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: RepeatProgress) => void;
  /** performance.now() beyond which no new run starts (default: now + LIMITS.repeatTimeMs). */
  deadline?: number;
  /** For compare: which side this is, named in progress. */
  side?: 'native' | 'model';
}

export interface RepeatOutput { result: Result; trace: TraceEvent[]; distribution: Distribution }

const PROGRESS_EVERY_MS = 250;

/** The spec of one of the runs: no repeat, no compare, its own seed. */
export function runSpec(spec: Spec, seed: number): Spec {
  const { repeat: _r, compare: _c, ...one } = spec;
  return { ...one, seed: seed >>> 0 };
}

export async function runRepeat(spec: Spec, options: RepeatRunOptions = {}): Promise<RepeatOutput> {
  const planned = spec.repeat ?? LIMITS.repeat.default;
  const started = performance.now();
  const deadline = options.deadline ?? started + LIMITS.repeatTimeMs.default;
  const builder = new DistributionBuilder();
  let lastReport = 0;
  const progress = (force = false) => {
    const now = performance.now();
    if (!options.onProgress || (!force && now - lastReport < PROGRESS_EVERY_MS)) return;
    lastReport = now;
    options.onProgress({ kind: 'repetitions', engine: spec.engine, ...(options.side ? { side: options.side } : {}), done: builder.runs, planned, failures: builder.failures, elapsedMs: Math.round(now - started) });
  };
  progress(true);
  let stoppedBy: Distribution['stoppedBy'] = 'done';
  let libc: Distribution['libc'];
  if (spec.engine === 'native') {
    const mod = (await import(distModule('native/engine.js'))) as typeof import('../native/engine.js');
    const summary = await mod.nativeRepeat(runSpec(spec, spec.seed), planned, {
      ...(options.signal ? { signal: options.signal } : {}),
      deadline,
      onRepetition: ({ index, result, trace }) => {
        libc ??= libcOf(result);
        builder.add(index, result, builder.wantsExample(result.verdict.outcome) ? trace() : undefined);
        progress();
      },
    });
    stoppedBy = summary.stoppedBy;
  } else {
    for (let k = 0; k < planned; k++) {
      if (options.signal?.aborted) { stoppedBy = 'cancelled'; break; }
      if (performance.now() >= deadline) { stoppedBy = 'time'; break; }
      const one = runSpec(spec, spec.seed + k);
      const quick = simulate(one, { trace: false });
      const outcome = quick.result.verdict.outcome;
      if (builder.wantsExample(outcome)) {
        const full = simulate(one, { trace: true }); // deterministic: the same run, with its trace
        builder.add(k, full.result, full.trace);
      } else {
        builder.add(k, quick.result);
      }
      progress();
      if (options.onProgress && k % 16 === 15) await new Promise<void>((resolve) => setImmediate(resolve)); // let progress and aborts in
    }
  }
  progress(true);
  const wallMs = performance.now() - started;
  const distribution = builder.finish({
    engine: spec.engine, platform: spec.platform, planned, stoppedBy,
    ...(libc ? { libc } : {}),
    ...(spec.engine === 'sim' && builder.runs > 0 ? { seeds: { first: spec.seed >>> 0, last: (spec.seed + builder.runs - 1) >>> 0 } } : {}),
  }, wallMs);
  const shown = builder.shown();
  if (!shown) throw new Error(`no run of the repeat finished (${stoppedBy})`);
  const result: Result = { ...shown.result, spec, distribution };
  result.stats = { ...result.stats, engineMs: Math.round(wallMs * 1000) / 1000 };
  return { result, trace: shown.trace, distribution };
}

/** The libc a native result names: {name, version}. The musl probe reports evidence.libc; the glibc one evidence.glibc. */
export function libcOf(result: Result): { name: string; version: string } {
  const e = result.evidence as { libc?: { name?: string; version?: string } | string; glibc?: string };
  if (e.libc && typeof e.libc === 'object' && e.libc.name) return { name: e.libc.name, version: e.libc.version ?? 'unknown' };
  if (typeof e.libc === 'string') return { name: e.libc, version: 'unknown' };
  return { name: 'glibc', version: e.glibc ?? 'unknown' };
}
