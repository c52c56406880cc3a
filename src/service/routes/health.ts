// /healthz: the process answers. /readyz: and Redis answers too, and the process is not under
// pressure (plugins/external/under-pressure.ts); 503 + Retry-After when not, so a load balancer
// stops sending POSTs that could not be queued or would wait behind a lagging event loop.
import type { FastifyPluginAsync } from 'fastify';
import { redisVariable } from '../../jobs/redis.js';
import { Problem } from '../errors.js';
import { pressureDetail } from '../plugins/external/under-pressure.js';
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
    schema: { tags: ['operations'], summary: 'Readiness: Redis answers and the process is not overloaded', security: [], response: { 200: HealthSchema, 503: problem('Redis does not answer, or the event loop lags / the heap is over its limit') } },
  }, async () => {
    const pressure = app.memoryUsage();
    if (app.isUnderPressure()) {
      const heavy = app.config.maxHeapUsedMb > 0 && pressure.heapUsed > app.config.maxHeapUsedMb * 2 ** 20;
      throw new Problem('overloaded', heavy ? pressureDetail('heapUsedBytes', pressure.heapUsed) : pressureDetail('eventLoopDelay', pressure.eventLoopDelay), { retryAfter: 5 });
    }
    const ping = app.redis.ping();
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('Redis did not answer')), READY_TIMEOUT_MS).unref());
    try {
      await Promise.race([ping, timeout]);
    } catch {
      ping.catch(() => {});
      throw new Problem('redis_unavailable', `Redis at ${redisVariable(app.config)} does not answer within ${READY_TIMEOUT_MS} ms`, { retryAfter: 5 });
    }
    return { status: 'ready' };
  });
};
export default health;
