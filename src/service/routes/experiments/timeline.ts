// GET /experiments/{id}/timeline.svg: one SVG picture of the run (src/viz/svg.ts), drawn from
// the stored trace. A finished experiment never changes, so the ETag is its record version.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { timelineSvgAsync } from '../../../viz/svg.js';
import { IdParamsSchema } from '../../schemas/experiment.js';
import { problem } from '../../schemas/problem.js';
import { finishedTrace } from '../../views/finished-trace.js';
import { traceEvents } from '../../views/stored-trace.js';

const timeline: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/:id/timeline.svg', {
    schema: {
      tags: ['experiments'],
      summary: 'The run as one SVG picture: a lane per thread, lock-held bars, spin and park, CPU switches, the crash',
      description: 'Pure SVG (no script). Dense traces are aggregated to one column per pixel, so the picture stays readable and small.',
      params: IdParamsSchema,
      querystring: Type.Object({ width: Type.Optional(Type.Integer({ minimum: 600, maximum: 4000, description: 'picture width in pixels (default 1200)' })) }),
      response: {
        200: { ...Type.String({ description: 'image/svg+xml' }), 'x-content-type': 'image/svg+xml' },
        304: Type.Null({ description: 'not modified' }),
        404: problem('unknown id, or it has no trace (failed or cancelled)'),
        409: problem('not finished yet'),
      },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const { record, gzip, ctx } = await finishedTrace(app, id);
    const etag = `"${id}.${record.version}.svg${request.query.width ?? ''}"`;
    if (request.headers['if-none-match'] === etag) { gzip.destroy(); return reply.code(304).header('etag', etag).send(null); }
    const svg = await timelineSvgAsync(traceEvents(gzip), { ...ctx, title: `experiment ${id.slice(0, 8)}: ${ctx.title ?? ''}` }, { width: request.query.width });
    return reply.type('image/svg+xml').header('etag', etag).header('cache-control', 'no-cache').send(svg);
  });
};

export default timeline;
