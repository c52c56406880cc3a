// CORS is closed unless CORS_ORIGINS lists origins: a page on any other site must not be able to
// drive the API (a local instance runs native experiments, real processes). Without the list
// nothing is registered at all, so no response carries Access-Control-* and a preflight is an
// OPTIONS like any other (405 with Allow). With it, only the listed origins get the headers
// (and the headers they need to read exposed); other origins get none.
import cors from '@fastify/cors';
import fp from 'fastify-plugin';

export default fp(async (app) => {
  const allowed = new Set(app.config.corsOrigins);
  if (allowed.size === 0) return;
  await app.register(cors, {
    // false for an unlisted origin: @fastify/cors then adds nothing and answers no preflight
    origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
    exposedHeaders: ['Location', 'ETag', 'Retry-After', 'X-Request-Id', 'X-Trace-Truncated', 'X-Trace-Events'],
  });
}, { name: 'cors' });
