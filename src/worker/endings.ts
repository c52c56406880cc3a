// The two endings an experiment can meet outside a normal result, written once for the single
// path (processor.ts) and the group path (group.ts) so that both store, count and log them alike.
import type { Logger } from 'pino';
import type { Spec } from '../engine/spec.js';
import type { ProcessorContext } from './context.js';
import { EMPTY_TRACE, timeoutResult } from './timeout-result.js';

/** limits.timeoutMs ran out: the contract's ending, completed as limit_exceeded (timeout-result.ts). True if stored. */
export async function endTimedOut(ctx: ProcessorContext, id: string, spec: Spec, timeoutMs: number, ms: number, log: Logger): Promise<boolean> {
  // counted by the store's COMPLETE script itself, only when it stores the result
  const metrics = ctx.metrics?.completeArgs({ outcome: 'limit_exceeded', platform: spec.platform, engine: spec.engine, durationMs: ms }) ?? [];
  const stored = await ctx.store.complete(id, timeoutResult(spec, timeoutMs, ms), EMPTY_TRACE, metrics);
  log.warn({ ms, timeoutMs, stored }, 'experiment ran out of limits.timeoutMs; engine stopped; stored as limit_exceeded');
  return stored;
}

/** The engine threw, or its thread died: failed (counted only if this call recorded it). */
export async function endFailed(ctx: ProcessorContext, id: string, spec: Spec, kind: 'engine_error' | 'crashed', message: string, ms: number, log: Logger): Promise<void> {
  const code = kind === 'crashed' ? 'engine_crashed' : 'engine_error';
  if (await ctx.store.fail(id, { code, message })) {
    await ctx.metrics?.finished({ status: 'failed', outcome: code, platform: spec.platform, engine: spec.engine, durationMs: ms })
      .catch((err) => log.warn({ err }, 'metrics not recorded'));
  }
  log.error({ ms, reason: message }, `experiment failed: ${kind}`);
}
