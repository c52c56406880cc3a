// GET /events: Server-Sent Events of every experiment's status changes, for dashboards that
// show a list. Live only: the `id` (experiment id and stream id) names the event, but there is
// no global backlog to resume from; a reconnecting client reloads the list (GET /experiments),
// then keeps listening. Per-experiment streams (/experiments/{id}/events) do resume.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { openSse, sseRegistry } from '../views/sse.js';
import { eventData } from './experiments/events.js';

const allEvents: FastifyPluginAsync = async (app) => {
  const streams = sseRegistry(app);
  app.get('', {
    schema: {
      tags: ['experiments'],
      summary: 'Live status changes of all experiments as Server-Sent Events',
      description: 'text/event-stream, live only (reload GET /experiments after a reconnect). Same events as /experiments/{id}/events, data.id names the experiment.',
      response: { 200: { ...Type.String({ description: 'text/event-stream' }), 'x-content-type': 'text/event-stream' } },
    },
  }, async (request, reply) => {
    const { hub } = app.experiments;
    await hub.start();
    const sse = openSse(request, reply, streams);
    sse.comment('live events of all experiments');
    const off = hub.on('*', (e) => sse.send({ id: `${e.id}/${e.streamId}`, event: e.event, data: eventData(e.id, e) }));
    sse.onClose(off);
    return reply;
  });
};

export default allEvents;
