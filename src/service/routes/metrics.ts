// GET /metrics: Prometheus text exposition (version 0.0.4). Every metric is named mutexlab_*.
// Counters come from Redis (written by the workers, see domain/metrics.ts), gauges are read at
// scrape time from the record indexes and the BullMQ queue, so any API instance answers alike.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { readStoredMetrics } from '../../jobs/metrics.js';

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

class Exposition {
  private readonly lines: string[] = [];
  family(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }
  sample(name: string, l: Record<string, string>, value: number): this {
    this.lines.push(`${name}${labels(l)} ${Number.isFinite(value) ? value : 0}`);
    return this;
  }
  text(): string { return this.lines.join('\n') + '\n'; }
}

const metrics: FastifyPluginAsync = async (app) => {
  app.get('', {
    config: { public: true },
    schema: {
      tags: ['operations'],
      summary: 'Prometheus metrics (text exposition format)',
      description: 'mutexlab_experiments_total (finished, by status, outcome, platform, engine), mutexlab_experiments (records by status), '
        + 'mutexlab_experiments_submitted_total, mutexlab_queue_jobs (by state), mutexlab_workers, mutexlab_workers_busy, '
        + 'mutexlab_experiment_duration_seconds (engine run time, by engine). A Grafana dashboard: ops/grafana-dashboard.json.',
      response: { 200: { ...Type.String({ description: 'text/plain; version=0.0.4' }), 'x-content-type': 'text/plain' } },
    },
  }, async (_request, reply) => {
    const { store, queue } = app.experiments;
    const [stored, byStatus, jobs, workers, submitted] = await Promise.all([
      readStoredMetrics(app.redis, app.config.prefix),
      store.countsByStatus(),
      queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'),
      queue.getWorkersCount(),
      app.redis.get(`${app.config.prefix}:seq`),
    ]);
    const out = new Exposition();
    out.family('mutexlab_experiments_total', 'counter', 'Experiments finished by a worker, by status (completed, failed), outcome (verdict or error code), platform and engine.');
    for (const f of stored.finished.sort((a, b) => `${a.status}${a.outcome}${a.platform}${a.engine}`.localeCompare(`${b.status}${b.outcome}${b.platform}${b.engine}`))) {
      out.sample('mutexlab_experiments_total', { status: f.status, outcome: f.outcome, platform: f.platform, engine: f.engine }, f.count);
    }
    out.family('mutexlab_experiments_submitted_total', 'counter', 'Experiments accepted by the API (POST /experiments that queued a new one).');
    out.sample('mutexlab_experiments_submitted_total', {}, Number(submitted ?? 0));
    out.family('mutexlab_experiments', 'gauge', 'Experiment records currently kept (within RESULT_TTL), by status.');
    for (const [status, n] of Object.entries(byStatus)) out.sample('mutexlab_experiments', { status }, n);
    out.family('mutexlab_queue_jobs', 'gauge', 'BullMQ jobs of the experiments queue by state (a job carries one experiment, or a group of small ones submitted together).');
    for (const [state, n] of Object.entries(jobs)) out.sample('mutexlab_queue_jobs', { state }, n ?? 0);
    // counted in experiments, not jobs: a group job holds many
    out.family('mutexlab_queue_depth', 'gauge', 'Experiments waiting for a worker (status queued).');
    out.sample('mutexlab_queue_depth', {}, byStatus.queued ?? 0);
    out.family('mutexlab_workers', 'gauge', 'Worker connections listening on the queue.');
    out.sample('mutexlab_workers', {}, workers);
    out.family('mutexlab_workers_busy', 'gauge', 'Engine slots running an experiment right now (active jobs).');
    out.sample('mutexlab_workers_busy', {}, jobs.active ?? 0);
    out.family('mutexlab_experiment_duration_seconds', 'histogram', 'Wall-clock time of the engine run of finished experiments, by engine.');
    for (const d of stored.durations) {
      for (const b of d.buckets) out.sample('mutexlab_experiment_duration_seconds_bucket', { engine: d.engine, le: b.le }, b.count);
      out.sample('mutexlab_experiment_duration_seconds_sum', { engine: d.engine }, d.sum);
      out.sample('mutexlab_experiment_duration_seconds_count', { engine: d.engine }, d.count);
    }
    return reply.type('text/plain; version=0.0.4; charset=utf-8').header('cache-control', 'no-store').send(out.text());
  });
};

export default metrics;
