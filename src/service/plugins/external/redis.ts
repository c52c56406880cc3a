// Redis connections of the API: one for commands (no offline queue: fail fast, answer 503) and
// one subscriber for status events. Closed with the app.
import fp from 'fastify-plugin';
import { connectRedis, redisWhere, whenReady, type RedisClient } from '../../../jobs/redis.js';
import { errorReporter } from '../../../jobs/error-log.js';

const STARTUP_WAIT_MS = 3000;

export default fp(async (app) => {
  const name = `api-${process.pid}`;
  app.decorate<RedisClient>('redis', connectRedis(app.config, 'commands', name));
  app.decorate<RedisClient>('redisSubscriber', connectRedis(app.config, 'subscriber', name));
  app.redis.on('error', errorReporter(app.log, 'redis commands'));
  app.redisSubscriber.on('error', errorReporter(app.log, 'redis subscriber'));
  // without an offline queue, commands sent before the connection is up fail: give it a moment,
  // but start anyway when Redis is down (/readyz says so, requests answer 503 until it is back)
  await whenReady(app.redis, STARTUP_WAIT_MS).catch(() => app.log.warn(`Redis does not answer yet at ${redisWhere(app.config)}; answering 503 until it does`));
  app.addHook('onClose', async () => {
    await Promise.allSettled([app.redis.quit(), app.redisSubscriber.quit()]);
    app.redis.disconnect(); app.redisSubscriber.disconnect();
  });
}, { name: 'redis' });
