// The one catalog of errors the API answers with, as RFC 9457 problem+json, and the one error
// handler that turns anything thrown (ours, fastify's, ioredis's) into one of them. Nothing
// leaves as a stack trace; only a genuine bug becomes a 500.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../engine/spec.js';
import { isRedisUnavailable } from '../jobs/redis.js';

export const PROBLEM_TYPE_BASE = 'https://mutexlab.dev/problems/';

interface ProblemKind { status: number; title: string }

export const PROBLEMS = {
  invalid_spec: { status: 400, title: 'The experiment spec is invalid' },
  invalid_request: { status: 400, title: 'The request is invalid' },
  invalid_json: { status: 400, title: 'The body is not valid JSON' },
  unsupported_media_type: { status: 415, title: 'The body must be JSON (Content-Type: application/json)' },
  unknown_preset: { status: 400, title: 'No preset has that name' },
  unauthorized: { status: 401, title: 'A valid API key is required' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'This method is not allowed here' },
  not_finished: { status: 409, title: 'The experiment has not finished' },
  idempotency_in_flight: { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  body_too_large: { status: 413, title: 'The body is too large' },
  uri_too_long: { status: 414, title: 'A path parameter is too long' },
  idempotency_mismatch: { status: 422, title: 'This Idempotency-Key was used with a different body' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  queue_full: { status: 503, title: 'The queue is full' },
  storage_full: { status: 503, title: 'The trace storage quota is used up' },
  redis_unavailable: { status: 503, title: 'The datastore is unavailable' },
  overloaded: { status: 503, title: 'The server is overloaded' },
} as const satisfies Record<string, ProblemKind>;

export type ProblemCode = keyof typeof PROBLEMS;

export class Problem extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; retryAfter?: number; [member: string]: unknown } = {},
  ) { super(detail); }
  get status(): number { return PROBLEMS[this.code].status; }
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem): FastifyReply {
  const { retryAfter, ...members } = problem.extra;
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply.code(problem.status).type('application/problem+json').send({
    type: PROBLEM_TYPE_BASE + problem.code,
    title: PROBLEMS[problem.code].title,
    status: problem.status,
    detail: problem.detail,
    instance: request.url,
    code: problem.code,
    ...members,
  });
}

/** "/processes/1/key" -> "processes[1].key", with the request part for non-body inputs. */
function fieldOf(part: string | undefined, path: string, missing?: string): string {
  const segments = path.split('/').filter(Boolean);
  if (missing) segments.push(missing);
  const name = segments.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '');
  const prefix = part && part !== 'body' ? part : '';
  return [prefix, name].filter(Boolean).join('.') || '(body)';
}

/** Maps anything thrown inside a request to a Problem. */
export function toProblem(err: FastifyError & { validation?: any[]; validationContext?: string }): Problem {
  if (err instanceof Problem) return err;
  if (err.validation) {
    const errors = err.validation.map((v: any) => ({
      field: fieldOf(err.validationContext, v.instancePath ?? '', v.params?.requiredProperties?.[0] ?? v.params?.missingProperty),
      message: v.message ?? 'is invalid',
    }));
    return new Problem('invalid_request', errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new Problem('invalid_json', err.message, { errors: [{ field: '(body)', message: err.message }] });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      // text/plain and form bodies included: they are what a page on another site can send
      // without a preflight, so taking them as JSON would let any site submit experiments
      return new Problem('unsupported_media_type', 'send the body as JSON (Content-Type: application/json)', { errors: [{ field: 'Content-Type', message: 'must be application/json' }] });
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new Problem('invalid_request', err.message, { errors: [{ field: 'Content-Length', message: 'does not match the body' }] });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem('body_too_large', err.message);
  }
  if (err instanceof SyntaxError) return new Problem('invalid_json', err.message, { errors: [{ field: '(body)', message: err.message }] });
  if (err.statusCode === 429) return new Problem('rate_limited', err.message, { retryAfter: Number((err as any).retryAfter ?? 1) });
  if (isRedisUnavailable(err)) return new Problem('redis_unavailable', 'Redis does not answer; try again shortly', { retryAfter: 5 });
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new Problem('invalid_request', err.message);
  return new Problem('internal', 'an unexpected error occurred; it has been logged');
}

/**
 * fastify's `frameworkErrors`: what its router refuses before any route or hook runs (a URL it
 * cannot decode, a path parameter longer than maxParamLength) answers as problem+json too.
 */
export function frameworkProblem(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new Problem('uri_too_long', 'a path parameter is longer than 100 characters; no id is that long')
    : err.code === 'FST_ERR_BAD_URL' ? new Problem('invalid_request', 'the URL cannot be decoded', { errors: [{ field: '(url)', message: 'is not valid percent-encoding' }] })
      : toProblem(err);
  return sendProblem(reply, request, problem);
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const problem = toProblem(err);
    // only a bug (500) earns an error and a stack; an outage (503) is expected: a warning
    // naming the cause, once per request, without a stack
    if (problem.code === 'internal') request.log.error({ err }, problem.detail);
    else if (problem.status >= 500) request.log.warn({ code: problem.code, detail: problem.detail, cause: err instanceof Problem ? undefined : err.message }, 'request refused');
    else request.log.info({ code: problem.code, detail: problem.detail }, 'request refused');
    return sendProblem(reply, request, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allow = app.hasDecorator('allowedMethods') ? app.allowedMethods(request) : [];
    if (allow.length > 0 && !allow.includes(request.method)) {
      reply.header('allow', allow.join(', '));
      return sendProblem(reply, request, new Problem('method_not_allowed', `${request.method} is not allowed on ${path}; use ${allow.join(', ')}`, { allow }));
    }
    return sendProblem(reply, request, new Problem('not_found', `no route ${request.method} ${path}`));
  });
}
