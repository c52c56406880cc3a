// A group job (admission.ts): small simulations submitted together, run by one worker slot in
// windows of GROUP_WINDOW. Per window: one BEGIN_MANY marks them running, one message sends
// them to an engine thread, which runs them back to back and answers each as it ends, and one
// COMPLETE_MANY stores their results, sent in the same write as the next window's BEGIN_MANY.
// Per experiment that is a share of two round trips instead of three of its own (measured in
// bench/api.ts, part 2).
//
// What a window changes, and why it is bounded to a few ms: its experiments are marked running
// together, and a cancel of one of them does not stop the thread (its result is simply not
// stored: COMPLETE refuses a cancelled experiment). Anything unusual inside a window (a
// timeout, a crashed thread) ends the batch; the experiments after it run one at a time by the
// ordinary path, which handles every such case.
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { Spec } from '../engine/spec.js';
import type { GroupJob } from '../jobs/queue.js';
import type { Begun, Completed } from '../jobs/store.js';
import type { ProcessorContext } from './context.js';
import { processExperiment } from './experiment.js';
import { endFailed, endTimedOut } from './endings.js';
import type { BatchItem } from './sandbox.js';

/** Experiments marked running and sent to the engine thread together. */
export const GROUP_WINDOW = 32;

type Tally = Record<string, number>;

export async function processGroup(ctx: ProcessorContext, job: Job<GroupJob>, token?: string, signal?: AbortSignal): Promise<unknown> {
  const tally: Tally = {};
  const count = (what: string) => { tally[what] = (tally[what] ?? 0) + 1; };
  const ids = job.data.ids;
  const windows: string[][] = [];
  for (let from = 0; from < ids.length; from += GROUP_WINDOW) windows.push(ids.slice(from, from + GROUP_WINDOW));
  const handBack = async (prefetched?: { window: string[]; begun: Begun[] }) => {
    // shutdown: a window already marked running goes back to queued; the rest never left it
    for (const [i, b] of (prefetched?.begun ?? []).entries()) if (b.kind === 'run') await ctx.store.requeue(prefetched!.window[i]!, 'worker shutting down');
    await job.moveToWait(token);
    throw new WaitingError();
  };
  if (ctx.stopping) await handBack();
  let begun = await ctx.store.beginMany(windows[0]!, ctx.workerName);
  for (let w = 0; w < windows.length; w++) {
    const { leftOver, storing } = await runWindow(ctx, job, windows[w]!, begun, count, token);
    // this window's results and the next window's start go to Redis in the same write
    const next = windows[w + 1];
    const prefetch = next !== undefined && leftOver.length === 0 && !ctx.stopping;
    const [, nextBegun] = await Promise.all([storing, prefetch ? ctx.store.beginMany(next, ctx.workerName) : undefined]);
    // after a timeout or a crash inside the window, the rest run one at a time
    for (const id of leftOver) {
      try {
        const r = (await processExperiment(ctx, id, job, token, signal)) as { outcome?: string; skipped?: string; cancelled?: boolean };
        count(r.outcome ?? (r.cancelled ? 'cancelled' : `skipped:${r.skipped}`));
      } catch (err) {
        if (!(err instanceof UnrecoverableError)) throw err;
        count('failed');
      }
    }
    if (next === undefined) break;
    if (ctx.stopping) await handBack(nextBegun ? { window: next, begun: nextBegun } : undefined);
    begun = nextBegun ?? await ctx.store.beginMany(next, ctx.workerName);
  }
  return { experiments: ids.length, outcomes: tally };
}

/**
 * Runs one window whose BEGIN_MANY answered `begun`. Returns the ids it did not finish (to be
 * run one at a time) and the storing of its results, still on its way: the caller sends the
 * next window's BEGIN_MANY beside it.
 */
async function runWindow(ctx: ProcessorContext, job: Job<GroupJob>, window: string[], begun: Begun[], count: (what: string) => void, token?: string): Promise<{ leftOver: string[]; storing: Promise<void> }> {
  const runs: { id: string; spec: Spec; json: string }[] = [];
  begun.forEach((b, i) => {
    if (b.kind === 'run') runs.push({ id: window[i]!, spec: b.spec, json: b.specJson });
    else count(`skipped:${b.kind === 'skip' ? b.status : 'gone'}`);
  });
  if (runs.length === 0) return { leftOver: [], storing: Promise.resolve() };

  // shutdown reaches a window through ctx.active, like a single experiment
  const controller = new AbortController();
  const key = `group:${job.id}`;
  ctx.active.set(key, controller);
  const started = performance.now();
  let last = started;
  const results: Completed[] = [];
  const failures: { id: string; spec: Spec; message: string }[] = [];
  let batch;
  try {
    batch = await ctx.sandbox.runMany(runs, {
      signal: controller.signal,
      onItem: (index, outcome: BatchItem) => {
        const now = performance.now();
        const { id, spec } = runs[index]!;
        const ms = Math.round(now - last);
        last = now;
        if (outcome.kind === 'engine_error') { failures.push({ id, spec, message: outcome.message }); return; }
        const verdict = outcome.verdict.outcome;
        results.push({ id, result: { verdict: outcome.verdict }, resultJson: outcome.resultJson, trace: { gzip: outcome.traceGzip, ...outcome.trace },
          metrics: ctx.metrics?.completeArgs({ outcome: verdict, platform: spec.platform, engine: spec.engine, durationMs: ms }) });
      },
    });
  } finally {
    if (ctx.active.get(key) === controller) ctx.active.delete(key);
  }

  const storing = storeWindow(ctx, job, results, failures, count);
  const stopped = batch.stopped;
  if (!stopped) return { leftOver: [], storing };
  await storing;
  const rest = runs.slice(batch.finished);
  if (stopped.kind === 'aborted') {
    // only shutdown aborts a window: hand back the ones marked running but not finished (the
    // group's later windows are still queued) and the job with them
    for (const { id } of rest) await ctx.store.requeue(id, 'worker shutting down');
    await job.moveToWait(token);
    ctx.logger.info({ group: job.id, handedBack: rest.length }, 'engine stopped for shutdown; group handed back to the queue');
    throw new WaitingError();
  }
  // the experiment the window stopped at ends here as a single run would; the rest go one at a time
  const culprit = rest[0]!;
  const log = ctx.logger.child({ experimentId: culprit.id, attempt: job.attemptsMade + 1, group: job.id });
  const ms = Math.round(performance.now() - last);
  if (stopped.kind === 'timeout') {
    await endTimedOut(ctx, culprit.id, culprit.spec, stopped.timeoutMs, ms, log);
    count('limit_exceeded');
  } else {
    await endFailed(ctx, culprit.id, culprit.spec, 'crashed', stopped.message, ms, log);
    count('failed');
  }
  return { leftOver: rest.slice(1).map((r) => r.id), storing: Promise.resolve() };
}

/** One COMPLETE_MANY for the window's results, then the (rare) engine errors one by one. */
async function storeWindow(ctx: ProcessorContext, job: Job<GroupJob>, results: Completed[], failures: { id: string; spec: Spec; message: string }[], count: (what: string) => void): Promise<void> {
  if (results.length > 0) {
    const stored = await ctx.store.completeMany(results);
    results.forEach((r, i) => {
      const log = ctx.logger.child({ experimentId: r.id, attempt: job.attemptsMade + 1, group: job.id });
      if (stored[i]) log.info({ outcome: r.result.verdict.outcome, traceEvents: r.trace.events, traceBytes: r.trace.gzip.length }, 'experiment completed');
      else log.warn('result not stored: the experiment was cancelled or another worker already stored its result');
      count(r.result.verdict.outcome);
    });
  }
  for (const f of failures) {
    const log = ctx.logger.child({ experimentId: f.id, attempt: job.attemptsMade + 1, group: job.id });
    await endFailed(ctx, f.id, f.spec, 'engine_error', f.message, 0, log);
    count('failed');
  }
}
