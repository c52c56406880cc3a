// Redis connections of the API: one for commands (no offline queue: fail fast, answer 503) and
// one subscriber for status events. Closed with the app.
import fp from 'fastify-plugin';
import { connectRedis } from '../../domain/redis.js';

export default fp(async (app) => {
  const name = `api-${process.pid}`;
  app.decorate('redis', connectRedis(app.config.redisUrl, 'commands', name));
  app.decorate('redisSubscriber', connectRedis(app.config.redisUrl, 'subscriber', name));
  app.addHook('onClose', async () => {
    await Promise.allSettled([app.redis.quit(), app.redisSubscriber.quit()]);
    app.redis.disconnect(); app.redisSubscriber.disconnect();
  });
}, { name: 'redis' });
