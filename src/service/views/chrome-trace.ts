// GET /experiments/{id}/trace?format=chrome: the stored trace converted on the fly to Chrome
// Trace Event JSON (Perfetto, chrome://tracing), streamed without holding the whole document.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CHROME_TRACE_MAX_EVENTS, chromeTraceChunksAsync } from '../../viz/chrome.js';
import { traceEvents } from './stored-trace.js';
import { finishedTrace } from './finished-trace.js';

export const CHROME_FORMAT_DESCRIPTION = `format=chrome converts it to Chrome Trace Event JSON for ui.perfetto.dev or chrome://tracing `
  + `(at most ${CHROME_TRACE_MAX_EVENTS} Chrome events; beyond, the trace is cut and otherData.truncated is true).`;

export async function sendChromeTrace(app: FastifyInstance, id: string, reply: FastifyReply): Promise<FastifyReply> {
  const { record, gzip, ctx } = await finishedTrace(app, id);
  const body = Readable.from(chromeTraceChunksAsync(traceEvents(gzip), { ...ctx, title: `experiment ${id}: ${ctx.title ?? ''}` }));
  return reply
    .type('application/json')
    .header('content-disposition', `inline; filename="mutexlab-${id}.chrome.json"`)
    .header('x-trace-events', String(record.trace!.events))
    .header('x-trace-truncated', String(record.trace!.truncated))
    .send(body);
}
