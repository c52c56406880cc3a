// Exploration, the pure part: plan, run chunks, merge, finish. The loop that owns a clock
// (progress, time budget) and the replay command live outside src/engine (src/runner/explore-run.ts).
export { planExploration, scheduleOf, scheduleSeed, type ExplorePlan } from './plan.js';
export { ChunkRunner, mergeReports, splitRange, type ChunkReport, type FailureRecord } from './chunk.js';
export { finishExploration, DEFAULT_MINIMISE, type MinimiseBudget } from './finish.js';
export { runSchedule, type ScheduledRun } from './run-schedule.js';
export { decodeToken, encodeToken, checkTokenSpec, TOKEN_PREFIX, type ReplayToken, type TokenDecode } from './token.js';
export { specHash } from './spec-codec.js';
export { ENGINE_VERSION } from './engine-version.js';
export type { Exploration, Counterexample, FailureRate, StopReason } from './exploration.js';
export { wilson, zeroFailureBound, pctMissBound, failureRateOf } from './stats.js';
