// The experiment service of the API: record store, queue and event hub over the app's Redis.
import fp from 'fastify-plugin';
import { EventHub } from '../../../jobs/events.js';
import { ExperimentService } from '../../domain/experiments.js';
import { openQueue } from '../../../jobs/queue.js';
import { ExperimentStore } from '../../../jobs/store.js';
import { errorReporter } from '../../../jobs/error-log.js';
import { Reaper } from '../../../jobs/reaper.js';

export default fp(async (app) => {
  const { prefix, resultTtlSeconds, maxQueued, traceStoreMaxBytes, exploreChunk } = app.config;
  const store = new ExperimentStore(app.redis, prefix, resultTtlSeconds);
  const queue = openQueue(app.redis, prefix);
  // without a listener BullMQ prints a connection error's stack as raw text on stderr
  queue.on('error', errorReporter(app.log, 'queue'));
  const hub = new EventHub(app.redisSubscriber, store.keys.eventChannel);
  hub.start().catch((err) => app.log.warn({ err }, 'event subscription failed; ?wait falls back to its timeout'));
  app.decorate('experiments', new ExperimentService(store, queue, hub, maxQueued, traceStoreMaxBytes, exploreChunk));
  // every API instance runs one; a Redis lock lets one pass at a time repair (src/jobs/reaper.ts)
  const reaper = new Reaper(app.redis, store, queue, `api-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, app.log.child({ part: 'reaper' }), { exploreChunk });
  app.decorate('reaper', reaper);
  app.addHook('onReady', async () => { reaper.start(); });
  app.addHook('onClose', async () => { await reaper.stop(); await queue.close().catch(() => {}); });
}, { name: 'experiments', dependencies: ['redis'] });
