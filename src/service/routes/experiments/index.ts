// /experiments: submit (POST) and list (GET). One file per concern beside it: experiment.ts (one
// experiment), trace.ts (its trace), timeline.ts (its picture), events.ts (its live events).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { WAIT_MAX_SECONDS } from '../../../jobs/config.js';
import { links, representation } from '../../domain/experiments.js';
import { CursorError } from '../../../jobs/store.js';
import { Problem } from '../../errors.js';
import { AcceptedSchema, CreateBodySchema, INVALID_SPEC_EXAMPLES, CreateQuerySchema, ExperimentSchema, ListQuerySchema, ListSchema } from '../../schemas/experiment.js';
import { problem } from '../../schemas/problem.js';
import { passBodyThrough } from '../validation.js';

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$', description: 'same key and body -> the same experiment; same key, other body -> 422' })),
});

function parseJson(_request: unknown, body: string, done: (err: Error | null, value?: unknown) => void) {
  if (body.trim() === '') { done(new Problem('invalid_json', 'the body is empty; send a spec as JSON', { errors: [{ field: '(body)', message: 'is empty' }] })); return; }
  try { done(null, JSON.parse(body)); } catch (err) {
    done(new Problem('invalid_json', (err as Error).message, { errors: [{ field: '(body)', message: `is not valid JSON: ${(err as Error).message}` }] }));
  }
}

const experiments: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // JSON only: text/plain and form bodies are what another site's page can POST without a
  // preflight, so they answer 415 (the catalog's unsupported_media_type) and queue nothing
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);

  app.post('', {
    validatorCompiler: passBodyThrough,
    schema: {
      tags: ['experiments'],
      summary: 'Submit an experiment',
      description: 'Validates the whole spec (every bad field is named at once), records it and queues it. '
        + `Answers 202 with Location at once; with ?wait=SECONDS (at most ${WAIT_MAX_SECONDS}) answers 200 with the finished experiment if it finishes in time.`,
      body: CreateBodySchema,
      querystring: CreateQuerySchema,
      headers: IdempotencyHeaders,
      response: {
        200: { ...ExperimentSchema, description: 'finished within ?wait' },
        202: AcceptedSchema,
        400: problem('invalid spec or JSON; `errors` names each field', INVALID_SPEC_EXAMPLES),
        409: problem('the first request with this Idempotency-Key is still in flight'),
        415: problem('the body is not application/json'),
        422: problem('Idempotency-Key reused with another body'),
        503: problem('queue over MAX_QUEUED, or Redis unavailable (Retry-After)'),
      },
    },
  }, async (request, reply) => {
    const idempotencyKey = request.headers['idempotency-key'];
    const { id, created } = await app.experiments.submit(request.body, { idempotencyKey });
    request.log.info({ experimentId: id, created }, created ? 'experiment queued' : 'idempotent replay');
    const wait = request.query.wait ?? 0;
    if (wait > 0 && await app.experiments.waitForFinish(id, wait * 1000)) {
      const record = await app.experiments.store.get(id);
      if (record) return reply.code(200).header('location', links(id).self).send(representation(record) as never);
    }
    // A new experiment answered at once is queued; after a ?wait that ran out, or for a replayed
    // Idempotency-Key, the record says where it really is (running, or finished meanwhile).
    const record = created && wait === 0 ? undefined : await app.experiments.store.get(id);
    return reply.code(202).header('location', links(id).self).header('retry-after', '1')
      .send({ id, status: record?.status ?? 'queued', links: links(id) } as never);
  });

  app.get('', {
    schema: {
      tags: ['experiments'],
      summary: 'List experiments, newest first',
      description: 'Cursor pagination: pass `next` back as `cursor`. Filters combine (AND). A page may be shorter than `limit` '
        + 'and still have a `next`: one call looks at a bounded number of index entries, so it stays cheap.',
      querystring: ListQuerySchema,
      response: { 200: ListSchema, 400: problem('bad filter or cursor') },
    },
  }, async (request): Promise<any> => {
    const { limit = 20, cursor, ...filters } = request.query;
    let page;
    try {
      page = await app.experiments.store.list(limit, cursor, filters);
    } catch (err) {
      if (err instanceof CursorError) throw new Problem('invalid_request', `cursor ${err.message}`, { errors: [{ field: 'querystring.cursor', message: err.message }] });
      throw err;
    }
    const query = new URLSearchParams(Object.entries({ ...filters, limit: String(limit) }).filter(([, v]) => v !== undefined) as [string, string][]);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      items: page.items.map((s) => ({ ...s, queuedAt: iso(s.queuedAt)!, finishedAt: iso(s.finishedAt), startedAt: undefined, links: { self: links(s.id).self } })),
      next: page.next,
      links: { next: page.next ? `/experiments?${query}&cursor=${page.next}` : null },
    };
  });
};

export default experiments;
