// Redis connections of the API: one for commands (no offline queue: fail fast, answer 503) and
// one subscriber for status events. Closed with the app.
import fp from 'fastify-plugin';
import { connectRedis, whenReady } from '../../../jobs/redis.js';

const STARTUP_WAIT_MS = 3000;

export default fp(async (app) => {
  const name = `api-${process.pid}`;
  app.decorate('redis', connectRedis(app.config.redisUrl, 'commands', name));
  app.decorate('redisSubscriber', connectRedis(app.config.redisUrl, 'subscriber', name));
  // without an offline queue, commands sent before the connection is up fail: give it a moment,
  // but start anyway when Redis is down (/readyz says so, requests answer 503 until it is back)
  await whenReady(app.redis, STARTUP_WAIT_MS).catch(() => app.log.warn({ redisUrl: app.config.redisUrl }, 'Redis does not answer yet; answering 503 until it does'));
  app.addHook('onClose', async () => {
    await Promise.allSettled([app.redis.quit(), app.redisSubscriber.quit()]);
    app.redis.disconnect(); app.redisSubscriber.disconnect();
  });
}, { name: 'redis' });
