// RATE_LIMIT per API key (or per IP without one), counted in Redis so that every API instance
// shares the budget. Health, docs and openapi are exempt. 429 problem+json with Retry-After.
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import { Problem } from '../../errors.js';
import { bearerKey } from '../app/auth.js';

export default fp(async (app) => {
  const limit = app.config.rateLimit;
  if (!limit) return;
  await app.register(rateLimit, {
    max: limit.max,
    timeWindow: limit.windowMs,
    redis: app.redis,
    nameSpace: `${app.config.prefix}:ratelimit:`,
    skipOnError: true, // an outage is reported as 503 by the routes, not hidden behind 429s
    keyGenerator: (request) => bearerKey(request) ?? request.ip,
    allowList: (request) => request.routeOptions.config.public === true,
    errorResponseBuilder: (_request, context) => new Problem('rate_limited', `more than ${context.max} requests in ${context.after}`, { retryAfter: Math.max(1, Math.ceil(context.ttl / 1000)) }),
  });
}, { name: 'rate-limit', dependencies: ['redis'] });
