// What the plugins decorate the fastify instance with.
import type { Redis } from 'ioredis';
import type { Config } from '../jobs/config.js';
import type { ExperimentService } from './domain/experiments.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    redis: Redis;
    redisSubscriber: Redis;
    experiments: ExperimentService;
  }
  interface FastifyContextConfig {
    /** Reachable without an API key and not rate limited (health, docs, openapi). */
    public?: boolean;
  }
}
