// CORS for dashboards on other origins: the headers they need to read are exposed.
import cors from '@fastify/cors';
import fp from 'fastify-plugin';

export default fp(async (app) => {
  await app.register(cors, { origin: true, exposedHeaders: ['Location', 'ETag', 'Retry-After', 'X-Request-Id', 'X-Trace-Truncated'] });
}, { name: 'cors' });
