// The experiment service of the API: record store, queue and event hub over the app's Redis.
import fp from 'fastify-plugin';
import { EventHub } from '../../../jobs/events.js';
import { ExperimentService } from '../../domain/experiments.js';
import { openQueue } from '../../../jobs/queue.js';
import { ExperimentStore } from '../../../jobs/store.js';

export default fp(async (app) => {
  const { prefix, resultTtlSeconds, maxQueued } = app.config;
  const store = new ExperimentStore(app.redis, prefix, resultTtlSeconds);
  const queue = openQueue(app.redis, prefix);
  const hub = new EventHub(app.redisSubscriber, store.keys.eventChannel);
  hub.start().catch((err) => app.log.warn({ err }, 'event subscription failed; ?wait falls back to its timeout'));
  app.decorate('experiments', new ExperimentService(store, queue, hub, maxQueued));
  app.addHook('onClose', async () => { await queue.close().catch(() => {}); });
}, { name: 'experiments', dependencies: ['redis'] });
