// What the plugins decorate the fastify instance with.
import type { Redis } from 'ioredis';
import type { Config } from '../jobs/config.js';
import type { ExperimentService } from './domain/experiments.js';
import type { Reaper } from '../jobs/reaper.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    redis: Redis;
    redisSubscriber: Redis;
    experiments: ExperimentService;
    /** Repairs what dead processes left behind (src/jobs/reaper.ts); tests call its pass(). */
    reaper: Reaper;
  }
  interface FastifyContextConfig {
    /** Reachable without an API key and not rate limited (health, docs, openapi). */
    public?: boolean;
  }
}
