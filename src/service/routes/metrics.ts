// GET /metrics: Prometheus text exposition (version 0.0.4) written by prom-client. Every metric is
// named mutexlab_*: the experiment figures read from Redis at scrape time (metrics-registry.ts),
// so any API instance answers alike, and the answering process's own default metrics.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { metricsRegistry } from './metrics-registry.js';

const metrics: FastifyPluginAsync = async (app) => {
  const registry = metricsRegistry({ redis: app.redis, prefix: app.config.prefix, store: app.experiments.store, queue: app.experiments.queue });
  app.get('', {
    config: { public: true },
    schema: {
      tags: ['operations'],
      summary: 'Prometheus metrics (text exposition format)',
      description: 'mutexlab_experiments_total (finished, by status, outcome, platform, engine), mutexlab_experiments (records by status), '
        + 'mutexlab_experiments_submitted_total, mutexlab_queue_jobs (by state), mutexlab_workers, mutexlab_workers_busy, '
        + 'mutexlab_experiment_duration_seconds (engine run time, by engine), and the answering process\'s default prom-client metrics '
        + '(mutexlab_process_*, mutexlab_nodejs_*: CPU, memory, handles, event-loop lag, GC). A Grafana dashboard: ops/grafana-dashboard.json.',
      response: { 200: { ...Type.String({ description: 'text/plain; version=0.0.4' }), 'x-content-type': 'text/plain' } },
    },
  }, async (_request, reply) => {
    // prom-client puts a blank line between families; the format ignores them and our output never had them
    const text = (await registry.metrics()).replace(/\n{2,}/g, '\n');
    return reply.type(registry.contentType).header('cache-control', 'no-store').send(text);
  });
};

export default metrics;
