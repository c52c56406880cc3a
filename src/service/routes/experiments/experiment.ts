// /experiments/{id}: read one (ETag / If-None-Match -> 304) and cancel or delete it.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { representation } from '../../domain/experiments.js';
import { Problem } from '../../errors.js';
import { ExperimentSchema, IdParamsSchema } from '../../schemas/experiment.js';
import { problem } from '../../schemas/problem.js';

export const etagOf = (id: string, version: number) => `"${id}.${version}"`;

const experiment: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/:id', {
    schema: {
      tags: ['experiments'],
      summary: 'One experiment: status, normalised spec, timestamps, progress, result',
      description: 'Send the ETag back as If-None-Match to poll cheaply: 304 while nothing changed.',
      params: IdParamsSchema,
      response: { 200: ExperimentSchema, 304: Type.Null({ description: 'not modified' }), 404: problem('unknown id') },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const store = app.experiments.store;
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch) {
      const version = await store.version(id);
      if (version !== undefined && ifNoneMatch.split(',').map((t) => t.trim()).includes(etagOf(id, version))) {
        return reply.code(304).header('etag', etagOf(id, version)).send(null);
      }
    }
    const record = await store.get(id);
    if (!record) throw new Problem('not_found', `no experiment ${id} (unknown, deleted, or past RESULT_TTL)`);
    return reply.header('etag', etagOf(id, record.version)).header('cache-control', 'no-cache').send(representation(record) as never);
  });

  app.delete('/:id', {
    schema: {
      tags: ['experiments'],
      summary: 'Cancel a queued or running experiment, or delete a finished one',
      description: 'A running engine is stopped by its worker. Cancelling answers 202 (the record stays, status cancelled); deleting answers 204.',
      params: IdParamsSchema,
      response: {
        202: Type.Object({ id: Type.String(), status: Type.Literal('cancelled') }),
        204: Type.Null({ description: 'deleted' }),
        404: problem('unknown id'),
      },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    const done = await app.experiments.cancelOrDelete(id);
    if (!done) throw new Problem('not_found', `no experiment ${id}`);
    request.log.info({ experimentId: id }, `experiment ${done}`);
    return done === 'cancelled' ? reply.code(202).send({ id, status: 'cancelled' as const }) : reply.code(204).send(null);
  });
};

export default experiment;
