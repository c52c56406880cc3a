// runExperiment: the one call the CLI, the worker and tests use to run a validated spec on
// the engine it names. Lives outside src/engine because it owns a clock (stats.engineMs) and
// loads the native engine lazily (so the simulator works in builds without it).
//
//   runExperiment(spec, { trace?: boolean = true, signal?, onProgress?, scheduler? })
//     -> Promise<{ result: Result, trace: Iterable<TraceEvent> & { length: number } }>
//
// sim: synchronous underneath (simulate), trace built on demand from the compact buffer.
// native: `./native/engine.js` must export `nativeEngine: Engine`; its events are collected.
import { performance } from 'node:perf_hooks';
import { simulate } from './engine/sim.js';
import type { Engine } from './engine/engine.js';
import type { Result } from './engine/result.js';
import type { Scheduler } from './engine/schedulers/scheduler.js';
import type { Spec } from './engine/spec.js';
import type { TraceEvent } from './engine/trace.js';

export interface RunOptions {
  /** Collect the trace (default true). Off, the simulator does no per-event work. */
  trace?: boolean;
  /** Native runs stop and clean up when this aborts (a sim run is synchronous and short). */
  signal?: AbortSignal;
  /** Progress reports for long runs (explorations); single runs do not report. */
  onProgress?: (progress: unknown) => void;
  /** sim only: take scheduling decisions with this scheduler instead of the seeded random one. */
  scheduler?: Scheduler;
}

export interface RunOutput { result: Result; trace: Iterable<TraceEvent> & { readonly length: number } }

/** The engine a spec asked for is not part of this build or host. */
export class EngineUnavailableError extends Error {
  constructor(message: string) { super(message); this.name = 'EngineUnavailableError'; }
}

async function loadNative(): Promise<Engine> {
  let mod: { nativeEngine?: Engine };
  try {
    mod = (await import(new URL('./native/engine.js', import.meta.url).href)) as { nativeEngine?: Engine };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND') throw new EngineUnavailableError('engine "native" is not available in this build (src/native/engine.ts is missing or not compiled)');
    throw err;
  }
  if (!mod.nativeEngine) throw new EngineUnavailableError('engine "native": src/native/engine.js exports no nativeEngine');
  return mod.nativeEngine;
}

export async function runExperiment(spec: Spec, options: RunOptions = {}): Promise<RunOutput> {
  const wantTrace = options.trace ?? true;
  const started = performance.now();
  if (spec.engine === 'native') {
    const engine = await loadNative();
    const events: TraceEvent[] = [];
    const result = await engine.run(spec, { ...(wantTrace ? { onEvent: (e: TraceEvent) => { events.push(e); } } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    result.stats.engineMs = round(performance.now() - started);
    return { result, trace: events };
  }
  const replay = (spec as { replay?: unknown }).replay;
  if (typeof replay === 'string') {
    // POST {"replay": TOKEN}: follow the recorded schedule (src/service/domain/replay.ts).
    const { replayToken } = await import('./explore-run.js');
    const out = replayToken(replay);
    if (!out.ok) throw new Error(out.reason);
    return out;
  }
  if (spec.explore && !options.scheduler) {
    // Many schedules (src/explore-run.ts); the trace is the shrunk counterexample's run.
    const { runExplorationSpec } = await import('./explore-run.js');
    return runExplorationSpec(spec, { ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  }
  const { result, trace } = simulate(spec, { trace: wantTrace, ...(options.scheduler ? { scheduler: options.scheduler } : {}) });
  result.stats.engineMs = round(performance.now() - started);
  return { result, trace };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
