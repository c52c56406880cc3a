// API_KEYS: when set, every route except the public ones (health, docs, openapi) needs
// `Authorization: Bearer KEY`. Keys are compared in constant time. The check is a preParsing
// hook: after the rate limiter (a route-level onRequest hook), so failed attempts are limited
// too, and before a body is read. An unknown path answers 404 or 405 whatever the key: a 401
// there would let anyone test keys outside the limiter (which only guards known routes).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Problem } from '../../errors.js';

export function bearerKey(request: FastifyRequest): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return m?.[1];
}

export function oneOf(candidate: string, keys: Buffer[]): boolean {
  const c = Buffer.from(candidate);
  let found = false;
  for (const k of keys) if (k.length === c.length && timingSafeEqual(k, c)) found = true;
  return found;
}

export default fp(async (app) => {
  const keys = app.config.apiKeys.map((k) => Buffer.from(k));
  if (keys.length === 0) return;
  app.addHook('preParsing', async (request) => {
    if (request.is404 || request.routeOptions.config.public === true || request.url.startsWith('/docs')) return;
    const key = bearerKey(request);
    if (key === undefined) throw new Problem('unauthorized', 'send Authorization: Bearer KEY (one of API_KEYS)');
    if (!oneOf(key, keys)) throw new Problem('unauthorized', 'that API key is not accepted');
  });
}, { name: 'auth' });
