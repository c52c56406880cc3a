// /experiments/{id}/trace: the stored trace as NDJSON, decompressed while it streams out, or
// converted to Chrome Trace Event JSON (?format=chrome).
import { createGunzip } from 'node:zlib';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { Problem } from '../../errors.js';
import { IdParamsSchema } from '../../schemas/experiment.js';
import { problem } from '../../schemas/problem.js';
import { CHROME_FORMAT_DESCRIPTION, sendChromeTrace } from '../../views/chrome-trace.js';

const trace: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/:id/trace', {
    schema: {
      tags: ['experiments'],
      summary: 'The trace, one JSON event per line',
      description: 'Streamed as application/x-ndjson. Traces longer than TRACE_MAX_EVENTS keep their first and last halves; '
        + 'then X-Trace-Truncated is true and `seq` jumps where events were left out. ' + CHROME_FORMAT_DESCRIPTION,
      params: IdParamsSchema,
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('ndjson'), Type.Literal('chrome')], { description: 'ndjson (default) or chrome (Chrome Trace Event JSON)' })) }),
      response: {
        200: {
          description: 'the trace: NDJSON events (docs/contract.md), or with ?format=chrome one Chrome Trace Event JSON document',
          content: { 'application/x-ndjson': { schema: Type.String({ description: 'one JSON trace event per line' }) }, 'application/json': { schema: Type.Object({}, { additionalProperties: true, description: 'Chrome Trace Event format (?format=chrome)' }) } },
        },
        404: problem('unknown id, or it has no trace (failed or cancelled)'),
        409: problem('not finished yet'),
      },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    if (request.query.format === 'chrome') return sendChromeTrace(fastify, id, reply);
    const record = await app.experiments.store.get(id);
    if (!record) throw new Problem('not_found', `no experiment ${id}`);
    if (record.status === 'queued' || record.status === 'running') {
      throw new Problem('not_finished', `experiment ${id} is ${record.status}; the trace exists once it completes`, { retryAfter: 1 });
    }
    const gz = record.status === 'completed' ? await app.experiments.store.traceStream(id) : undefined;
    if (!gz || !record.trace) throw new Problem('not_found', `experiment ${id} ${record.status} without a trace`);
    const ndjson = gz.pipe(createGunzip());
    gz.on('error', (err) => ndjson.destroy(err));
    return reply
      .type('application/x-ndjson')
      .header('x-trace-events', String(record.trace.events))
      .header('x-trace-truncated', String(record.trace.truncated))
      .send(ndjson as never);
  });
};

export default trace;
