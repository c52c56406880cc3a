// GET /experiments/{id}/events: Server-Sent Events of one experiment's status changes and
// exploration progress. Every event carries its Redis stream id as the SSE `id`; a client that
// reconnects with Last-Event-ID (or ?lastEventId=) gets exactly the events after it: the backlog
// is the record's creation (the 'queued' event, id QUEUED_STREAM_ID: it has no stream entry,
// events.ts) and the experiment's stream (XRANGE), live ones come from the pub/sub hub,
// subscribed to before the backlog is read so nothing falls between the two. The stream ends after the
// finishing event; a client resuming after that gets 204, which tells EventSource to stop.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { QUEUED_STREAM_ID, type ExperimentEvent } from '../../../jobs/events.js';
import { TERMINAL } from '../../../jobs/store.js';
import { Problem } from '../../errors.js';
import { IdParamsSchema } from '../../schemas/experiment.js';
import { problem } from '../../schemas/problem.js';
import { compareStreamIds, isStreamId, openSse, sseRegistry } from '../../views/sse.js';

const FINISHING = new Set(['completed', 'failed', 'cancelled', 'deleted']);

/** A stream entry or a published message -> the SSE data object (progress parsed back to JSON). */
export function eventData(experimentId: string, fields: Record<string, string>): Record<string, unknown> {
  const { id: _id, streamId: _sid, ...rest } = fields;
  const data: Record<string, unknown> = { id: experimentId, ...rest };
  if (typeof rest.progress === 'string') { try { data.progress = JSON.parse(rest.progress); } catch { /* keep the text */ } }
  return data;
}

const pairs = (flat: string[]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
};

const events: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const streams = sseRegistry(fastify);
  app.get('/:id/events', {
    schema: {
      tags: ['experiments'],
      summary: 'Live status changes and progress as Server-Sent Events',
      description: 'text/event-stream. Events: queued, running, progress, completed, failed, cancelled, deleted; `id` is the event\'s stream id '
        + `(${QUEUED_STREAM_ID} for the queued event that opens every stream: the record's creation). `
        + `Reconnect with Last-Event-ID (or ?lastEventId=) to resume without losing events. A heartbeat comment every ${app.config.sseHeartbeatMs / 1000} s. `
        + 'The stream ends after the finishing event; resuming after it answers 204.',
      params: IdParamsSchema,
      querystring: Type.Object({ lastEventId: Type.Optional(Type.String({ maxLength: 41, description: 'the same as the Last-Event-ID header, for clients that cannot set it' })) }),
      response: {
        200: { ...Type.String({ description: 'text/event-stream' }), 'x-content-type': 'text/event-stream' },
        204: Type.Null({ description: 'the experiment finished before Last-Event-ID: nothing more will come' }),
        400: problem('Last-Event-ID is not an id this stream gave out'),
        404: problem('unknown id'),
      },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const header = request.headers['last-event-id'];
    const resumeFrom = (Array.isArray(header) ? header[0] : header) ?? request.query.lastEventId;
    if (resumeFrom !== undefined && !isStreamId(resumeFrom)) {
      throw new Problem('invalid_request', `Last-Event-ID "${resumeFrom}" is not an id this stream gave out`, { errors: [{ field: 'Last-Event-ID', message: 'must be a stream id such as 1700000000000-0' }] });
    }
    const { store, hub } = app.experiments;
    const record = await store.get(id);
    if (!record) throw new Problem('not_found', `no experiment ${id}`);

    // Subscribe first, read the backlog second: an event in between is buffered, not lost.
    const live: ExperimentEvent[] = [];
    let replaying = true;
    let deliver: (e: ExperimentEvent) => void = () => {};
    const off = hub.on(id, (e) => (replaying ? live.push(e) : deliver(e)));
    try {
      await hub.start();
      const backlog = await app.redis.xrange(store.keys.events(id), resumeFrom ? `(${resumeFrom}` : '-', '+');
      if (backlog.length === 0 && live.length === 0 && TERMINAL.has(record.status) && resumeFrom) {
        off();
        return reply.code(204).send(null);
      }
      const sse = openSse(request, reply, streams);
      sse.onClose(off);
      let last = resumeFrom ?? '0-0';
      deliver = (e) => {
        if (sse.closed || compareStreamIds(e.streamId, last) <= 0) return;
        last = e.streamId;
        sse.send({ id: e.streamId, event: e.event, data: eventData(id, e) });
        if (FINISHING.has(e.event)) sse.end();
      };
      // the creation first (deliver drops it when the client resumes from it or later)
      deliver({ id, streamId: QUEUED_STREAM_ID, event: 'queued', status: 'queued' });
      for (const [streamId, flat] of backlog) {
        const fields = pairs(flat);
        deliver({ ...fields, id, streamId, event: fields.event as ExperimentEvent['event'], status: fields.status ?? '' });
      }
      replaying = false;
      for (const e of live.splice(0)) deliver(e);
    } catch (err) {
      off();
      if (!reply.sent && !reply.raw.headersSent) throw err;
      request.log.warn({ err, experimentId: id }, 'event stream broken');
      reply.raw.end();
    }
    return reply;
  });
};

export default events;
