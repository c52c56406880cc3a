// RATE_LIMIT per API key, or per IP for everyone else, counted in Redis so that every API
// instance shares the budget. Health, docs and openapi are exempt. 429 problem+json with
// Retry-After. Only a key that is one of API_KEYS gets a budget of its own: a made-up Bearer
// value counts against its sender's IP, so rotating values buys nothing and creates no Redis
// keys. The limiter runs before auth (see app.ts), so wrong keys are limited like any request.
import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Problem } from '../../errors.js';
import { bearerKey, oneOf } from '../app/auth.js';

export default fp(async (app) => {
  const limit = app.config.rateLimit;
  if (!limit) return;
  const keys = app.config.apiKeys.map((k) => Buffer.from(k));
  const budgetOf = (request: FastifyRequest): string => {
    const key = bearerKey(request);
    // a digest names the key's budget: the keys themselves never appear in Redis key names
    return key !== undefined && oneOf(key, keys) ? `key:${createHash('sha256').update(key).digest('base64url').slice(0, 22)}` : `ip:${request.ip}`;
  };
  await app.register(rateLimit, {
    max: limit.max,
    timeWindow: limit.windowMs,
    redis: app.redis,
    nameSpace: `${app.config.prefix}:ratelimit:`,
    skipOnError: true, // an outage is reported as 503 by the routes, not hidden behind 429s
    keyGenerator: budgetOf,
    allowList: (request) => request.routeOptions.config.public === true,
    errorResponseBuilder: (_request, context) => new Problem('rate_limited', `more than ${context.max} requests in ${context.after}`, { retryAfter: Math.max(1, Math.ceil(context.ttl / 1000)) }),
  });
}, { name: 'rate-limit', dependencies: ['redis'] });
