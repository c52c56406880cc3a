// The stored trace of a finished experiment, with its result for labels, or the Problem a
// client should see (unknown id, not finished yet, finished without a trace). Shared by the
// picture routes (timeline.svg, trace?format=chrome).
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Result } from '../../engine/result.js';
import { contextFromResult, type VizContext } from '../../viz/context.js';
import type { ExperimentRecord } from '../../jobs/store.js';
import { Problem } from '../errors.js';

export interface FinishedTrace { record: ExperimentRecord; gzip: Readable; ctx: VizContext }

export async function finishedTrace(app: FastifyInstance, id: string): Promise<FinishedTrace> {
  const record = await app.experiments.store.get(id);
  if (!record) throw new Problem('not_found', `no experiment ${id}`);
  if (record.status === 'queued' || record.status === 'running') {
    throw new Problem('not_finished', `experiment ${id} is ${record.status}; the trace exists once it completes`, { retryAfter: 1 });
  }
  const gzip = record.status === 'completed' ? await app.experiments.store.traceStream(id) : undefined;
  if (!gzip || !record.trace) throw new Problem('not_found', `experiment ${id} ${record.status} without a trace`);
  const ctx = record.result ? contextFromResult(record.result as Result) : {};
  // the stored copy may have lost its middle (TRACE_MAX_EVENTS) even when the engine kept all
  return { record, gzip, ctx: { ...ctx, inputTruncated: (ctx.inputTruncated ?? false) || record.trace.truncated } };
}
