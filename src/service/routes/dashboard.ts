// The dashboard at `/`: static files (HTML, CSS, plain browser JavaScript modules) from
// src/service/public, served by the API itself through @fastify/static; no build step and no
// separate server. They are public (no API key needed to load the page; the page asks for one
// when the API wants it).
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { paths } from '../../runner/paths.js';

const dashboard: FastifyPluginAsync = async (app) => {
  // every route of this plugin, @fastify/static's included, is public (auth.ts reads the flag)
  app.addHook('onRoute', (route) => { route.config = { ...route.config, public: true }; });
  await app.register(fastifyStatic, {
    root: paths.dashboard,
    prefix: '/dashboard/',
    // one route per file found at start-up: anything else (`__proto__`, `..%2F`, `%00`) is the
    // not-found handler's 404 problem, never a look at the disk
    wildcard: false,
    index: false,
    // the page is `/`, not `/dashboard/index.html`
    allowedPath: (pathname) => pathname !== '/index.html',
    // always revalidated (ETag / Last-Modified answer 304): a new build shows on reload
    cacheControl: false,
    setHeaders: (reply) => { reply.header('cache-control', 'no-cache'); },
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.sendFile('index.html'));
};

export default dashboard;
