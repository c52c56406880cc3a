// The clocked layer around the engines: the one place an engine request (request.ts) is
// dispatched, for the worker's engine threads; runExperiment is the CLI's and the tests' way in
// for a plain spec. Lives outside src/engine because it owns a clock (stats.engineMs) and
// loads the native engine lazily (so the simulator works in builds without it).
//
//   runRequest(request, options) -> Promise<{kind: 'result', result, trace} | {kind: 'chunk', report}>
//   runExperiment(spec, options) -> Promise<{ result, trace }>   (run; explore, repeat or compare when the spec asks)
//
// sim: synchronous underneath (simulate), trace built on demand from the compact buffer.
// native: dist/src/native/engine.js must export `nativeEngine: Engine`; its events are collected.
import { performance } from 'node:perf_hooks';
import { simulate } from '../engine/sim.js';
import { LOCK_CYCLE_STEPS } from '../engine/workload.js';
import { planExploration } from '../engine/explore/index.js';
import type { Engine, RunOptions } from '../engine/engine.js';
import type { Spec } from '../engine/spec.js';
import type { TraceEvent } from '../engine/trace.js';
import { finishChunks, replayToken, runExploration, runExplorationChunk } from './explore-run.js';
import { distModule } from './paths.js';
import { runRepeat } from './repeat-run.js';
import { runCompare } from './compare-run.js';
import { requestFor, type EngineAnswer, type EngineRequest, type Trace } from './request.js';

export type { RunOptions } from '../engine/engine.js';

export interface RunOutput { result: import('../engine/result.js').Result; trace: Trace }

/** The engine a spec asked for is not part of this build or host. */
export class EngineUnavailableError extends Error {
  constructor(message: string) { super(message); this.name = 'EngineUnavailableError'; }
}

/** A replay token that cannot be replayed (the API checks tokens before queueing; this is the last guard). */
export class ReplayRefusedError extends Error {
  constructor(message: string) { super(message); this.name = 'ReplayRefusedError'; }
}

async function loadNative(): Promise<Engine> {
  let mod: { nativeEngine?: Engine };
  try {
    mod = (await import(distModule('native/engine.js'))) as { nativeEngine?: Engine };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND') throw new EngineUnavailableError('engine "native" is not available in this build (src/native/engine.ts is missing or not compiled)');
    throw err;
  }
  if (!mod.nativeEngine) throw new EngineUnavailableError('engine "native": src/native/engine.js exports no nativeEngine');
  return mod.nativeEngine;
}

/** The one dispatch of an engine request. */
export async function runRequest(request: EngineRequest, options: RunOptions = {}): Promise<EngineAnswer> {
  const explore = { ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  switch (request.kind) {
    case 'run':
      return { kind: 'result', ...(await runOnce(request.spec, options)) };
    case 'replay': {
      const out = replayToken(request.token, { spec: request.spec });
      if (!out.ok) throw new ReplayRefusedError(out.reason);
      return { kind: 'result', result: out.result, trace: out.trace };
    }
    case 'explore':
      return { kind: 'result', ...(await runExploration(request.spec, explore)) };
    case 'explore-chunk':
      return { kind: 'chunk', report: await runExplorationChunk(request.spec, planExploration(request.spec), request.from, request.to, explore) };
    case 'explore-finish':
      return { kind: 'result', ...finishChunks(request.spec, request.reports) };
    case 'repeat':
      return { kind: 'result', ...(await runRepeat(request.spec, explore)) };
    case 'compare':
      return { kind: 'result', ...(await runCompare(request.spec, explore)) };
  }
}

/** A spec as the CLI and tests run it: one run, or its exploration when it has `explore` (and no scheduler is forced). */
export async function runExperiment(spec: Spec, options: RunOptions = {}): Promise<RunOutput> {
  if ((spec.explore || spec.repeat !== undefined || spec.compare) && !options.scheduler) {
    const answer = await runRequest(requestFor(spec), options);
    if (answer.kind !== 'result') throw new Error('an exploration answered a chunk report');
    return answer;
  }
  return runOnce(spec, options);
}

async function runOnce(spec: Spec, options: RunOptions): Promise<RunOutput> {
  const wantTrace = options.trace ?? true;
  const started = performance.now();
  if (spec.engine === 'native') {
    const engine = await loadNative();
    const events: TraceEvent[] = [];
    const result = await engine.run(spec, { ...(wantTrace ? { onEvent: (e: TraceEvent) => { events.push(e); } } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    result.stats.engineMs = round(performance.now() - started);
    return { result, trace: events };
  }
  const progress = options.onProgress ? runProgress(spec, started, options.onProgress) : undefined;
  const { result, trace } = simulate(spec, { trace: wantTrace, ...(options.scheduler ? { scheduler: options.scheduler } : {}), ...(progress ? { onCheckpoint: progress, checkpointEvery: CHECKPOINT_STEPS } : {}) });
  result.stats.engineMs = round(performance.now() - started);
  return { result, trace };
}

/** Steps between the simulator's checkpoints: about 10 ms of simulation at 10-30M steps/s. */
const CHECKPOINT_STEPS = 1 << 18;
/** A run is reported once it has taken this long, then at most every PROGRESS_EVERY_MS. */
const PROGRESS_AFTER_MS = 500;
const PROGRESS_EVERY_MS = 250;

/**
 * Progress of one simulated run: steps done of an estimate. The estimate is the planned lock
 * cycles times the steps of a cycle (LOCK_CYCLE_STEPS plus the spec's work inside and outside),
 * capped at limits.maxSteps; contention makes a run longer than that, so `steps` may pass it
 * (the dashboard shows "about"). The engine only calls back; the clock is here.
 */
function runProgress(spec: Spec, started: number, onProgress: NonNullable<RunOptions['onProgress']>): (steps: number) => void {
  const perCycle = (work: { inside: number; outside: number } | undefined) => LOCK_CYCLE_STEPS + (work?.inside ?? 0) + (work?.outside ?? 0);
  const cycles = spec.processes.reduce((sum, p) => sum + p.threads * spec.iterations * perCycle(p.work ?? spec.work), 0);
  const planned = Math.min(spec.limits.maxSteps, cycles);
  let last = -Infinity;
  return (steps) => {
    const now = performance.now();
    const elapsed = now - started;
    if (elapsed < PROGRESS_AFTER_MS || now - last < PROGRESS_EVERY_MS) return;
    last = now;
    onProgress({ kind: 'run', done: steps, steps, planned, elapsedMs: round(elapsed) });
  };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
