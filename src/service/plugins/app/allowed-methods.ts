// 405 Method Not Allowed with Allow, instead of 404, for a path that exists under other methods.
// fastify's router answers "no route" for both cases, so every route is also entered, by method,
// into a second router (find-my-way, the one fastify itself uses, so a path matches here exactly
// when it would match there); the not-found handler asks it which methods the path has.
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import Router from 'find-my-way';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods some route answers for this request's path (empty: the path is unknown). */
    allowedMethods(request: FastifyRequest): string[];
  }
}

export default fp(async (app) => {
  const router = Router();
  const noop = () => {};
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (!(METHODS as readonly string[]).includes(method)) continue;
      // the same path may be entered twice (HEAD for GET, an explicit HEAD): one entry is enough
      if (!router.hasRoute(method as (typeof METHODS)[number], route.url)) router.on(method as (typeof METHODS)[number], route.url, noop);
    }
  });
  app.decorate('allowedMethods', (request: FastifyRequest) => {
    const path = request.url.split('?')[0] ?? '/';
    return METHODS.filter((m) => router.find(m, path) !== null);
  });
}, { name: 'allowed-methods' });
