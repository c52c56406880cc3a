// Explorations with a clock: the pure engine (src/engine/explore) runs schedules in batches;
// this loop times them, reports progress, stops at the time budget and finishes the result.
// Also the replay of a token. Used by runRequest (run.ts: CLI and worker) and by the chunked flow.
//
//   runExploration(spec, { onProgress?, timeBudgetMs? }) -> { result, trace }
//   runExplorationChunk(spec, from, to, { onProgress?, deadline? }) -> ChunkReport
//   finishChunks(spec, reports) -> { result, trace }
//   replayToken(text, { spec? }) -> { ok: true, result, trace } | { ok: false, reason }
import { performance } from 'node:perf_hooks';
import { ChunkRunner, finishExploration, planExploration, runSchedule, decodeToken, checkTokenSpec, type ChunkReport, type ExplorePlan } from '../engine/explore/index.js';
import { LIMITS } from '../engine/limits.js';
import type { Trace } from '../engine/machine/trace-buffer.js';
import type { Result } from '../engine/result.js';
import type { RunProgress } from '../engine/engine.js';
import type { Spec } from '../engine/spec.js';

export type ExploreProgress = Extract<RunProgress, { kind: 'exploration' }>;

export interface ExploreOptions {
  onProgress?: (p: ExploreProgress) => void;
  /** Stop running schedules after this many ms (default: spec.explore.timeMs or the limit's default). */
  timeBudgetMs?: number;
  signal?: AbortSignal;
}

const BATCH = 256;
const PROGRESS_EVERY_MS = 250;
const round = (ms: number) => Math.round(ms * 1000) / 1000;

function budgetOf(spec: Spec, options: ExploreOptions): number {
  return options.timeBudgetMs ?? spec.explore?.timeMs ?? LIMITS.exploreTimeMs.default;
}

/** Run schedules [from, to) of `spec`'s exploration under a deadline (performance.now() ms). */
export async function runExplorationChunk(spec: Spec, plan: ExplorePlan, from: number, to: number, options: ExploreOptions & { deadline?: number } = {}): Promise<ChunkReport> {
  const started = performance.now();
  const deadline = options.deadline ?? started + budgetOf(spec, options);
  const runner = new ChunkRunner(spec, plan, from, to);
  let lastReport = started;
  const progress = () => options.onProgress?.({ kind: 'exploration', strategy: plan.strategy, done: runner.ran, planned: to - from, failures: runner.failures, elapsedMs: round(performance.now() - started) });
  progress();
  while (!runner.runBatch(BATCH)) {
    const now = performance.now();
    if (options.signal?.aborted) { runner.stop('cancelled'); break; }
    if (now >= deadline) { runner.stop('time'); break; }
    if (now - lastReport >= PROGRESS_EVERY_MS) {
      lastReport = now;
      progress();
      await new Promise<void>((resolve) => setImmediate(resolve)); // let progress messages out
    }
  }
  progress();
  return runner.result();
}

export async function runExploration(spec: Spec, options: ExploreOptions = {}): Promise<{ result: Result; trace: Trace }> {
  const started = performance.now();
  const plan = planExploration(spec);
  const report = await runExplorationChunk(spec, plan, 0, plan.schedules, { ...options, deadline: started + budgetOf(spec, options) });
  const out = finishExploration(spec, plan, [report]);
  out.result.stats.engineMs = round(performance.now() - started);
  return out;
}

/** The result of chunks run elsewhere (a BullMQ flow's children): merged, then finished here. */
export function finishChunks(spec: Spec, reports: ChunkReport[]): { result: Result; trace: Trace } {
  const started = performance.now();
  const out = finishExploration(spec, planExploration(spec), reports);
  out.result.stats.engineMs = round(performance.now() - started);
  return out;
}

export type ReplayOutcome = { ok: true; result: Result; trace: Trace } | { ok: false; reason: string };

/** Replay a token (optionally checked against the spec the caller holds). */
export function replayToken(text: string, options: { spec?: Spec } = {}): ReplayOutcome {
  const d = decodeToken(text);
  if (!d.ok) return { ok: false, reason: `the replay token ${d.reason}` };
  if (options.spec) {
    const wrong = checkTokenSpec(d.token, options.spec);
    if (wrong) return { ok: false, reason: `the replay token ${wrong}` };
  }
  const started = performance.now();
  const run = runSchedule(d.token.spec, d.token.schedule);
  if (run.divergence) return { ok: false, reason: `the replay diverged from the recorded schedule: ${run.divergence.reason}` };
  run.result.stats.engineMs = round(performance.now() - started);
  return { ok: true, result: run.result, trace: run.trace };
}
