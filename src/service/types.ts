// What the plugins decorate the fastify instance with.
import type { RedisClient } from '../jobs/redis.js';
import type { Config } from '../jobs/config.js';
import type { ExperimentService } from './domain/experiments.js';
import type { Reaper } from '../jobs/reaper.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    redis: RedisClient;
    redisSubscriber: RedisClient;
    experiments: ExperimentService;
    /** Repairs what dead processes left behind (src/jobs/reaper.ts); tests call its pass(). */
    reaper: Reaper;
  }
  interface FastifyContextConfig {
    /** Reachable without an API key and not rate limited (health, docs, openapi). */
    public?: boolean;
  }
}
