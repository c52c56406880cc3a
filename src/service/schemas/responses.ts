// The responses every operation can give besides its own, added to each route's schema as it is
// registered (an onRoute hook in plugins/external/swagger.ts), so the OpenAPI document lists every
// status an operation can return and the serializer knows their shape. Also turns a response
// documented as a string with `x-content-type` into that media type (SSE, NDJSON, SVG, metrics),
// where @fastify/swagger would otherwise call it application/json.
import type { RouteOptions } from 'fastify';
import { Type } from 'typebox';
import { problem } from './problem.js';

/** Routes that never touch Redis, so never answer 503 (health, the static reference lists). */
const WITHOUT_REDIS = new Set(['/healthz', '/presets', '/limits']);

type ResponseMap = Record<string, Record<string, unknown>>;

export function documentResponses(route: RouteOptions): void {
  const schema = route.schema as (RouteOptions['schema'] & { hide?: boolean; response?: ResponseMap }) | undefined;
  if (!schema || schema.hide) return;
  const response: ResponseMap = (schema.response ??= {}) as ResponseMap;
  for (const [status, entry] of Object.entries(response)) {
    const mediaType = entry['x-content-type'];
    if (typeof mediaType !== 'string') continue;
    const { 'x-content-type': _t, description, ...rest } = entry;
    response[status] = { description: description ?? mediaType, content: { [mediaType]: { schema: { ...Type.String(), ...rest } } } };
  }
  const add = (status: number, description: string) => { response[status] ??= problem(description); };
  const isPublic = (route.config as { public?: boolean } | undefined)?.public === true;
  if (schema.querystring || schema.params || schema.headers || schema.body) add(400, 'a parameter is invalid; `errors` names each one');
  if (schema.body) add(413, 'the body is larger than the server accepts (1 MiB)');
  if (!isPublic) {
    add(401, 'API_KEYS is set and the request has no accepted `Authorization: Bearer KEY`');
    add(429, 'RATE_LIMIT is set and this key (or address) used its budget; Retry-After says when to come back');
  }
  const url = route.url ?? '';
  if (!WITHOUT_REDIS.has(url)) add(503, 'Redis does not answer; Retry-After says when to try again');
  add(500, 'an unexpected error; it has been logged');
}
