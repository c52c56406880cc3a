// /healthz: the process answers. /readyz: and Redis answers too (503 + Retry-After when not),
// so a load balancer stops sending POSTs that could not be queued.
import type { FastifyPluginAsync } from 'fastify';
import { Problem } from '../errors.js';
import { HealthSchema } from '../schemas/meta.js';
import { problem } from '../schemas/problem.js';

const READY_TIMEOUT_MS = 1000;

const health: FastifyPluginAsync = async (app) => {
  app.get('/healthz', {
    config: { public: true },
    schema: { tags: ['operations'], summary: 'Liveness', security: [], response: { 200: HealthSchema } },
  }, async () => ({ status: 'ok' }));

  app.get('/readyz', {
    config: { public: true },
    schema: { tags: ['operations'], summary: 'Readiness: Redis answers', security: [], response: { 200: HealthSchema, 503: problem('Redis does not answer') } },
  }, async () => {
    const ping = app.redis.ping();
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Redis did not answer')), READY_TIMEOUT_MS).unref());
    try {
      await Promise.race([ping, timeout]);
    } catch {
      ping.catch(() => {});
      throw new Problem('redis_unavailable', `Redis at REDIS_URL does not answer within ${READY_TIMEOUT_MS} ms`, { retryAfter: 5 });
    }
    return { status: 'ready' };
  });
};
export default health;
