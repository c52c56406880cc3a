// The registry behind GET /metrics (prom-client). Our figures live in Redis, not in this process:
// the workers count finished experiments there and any API instance answers the scrape, so each
// metric here is a prom-client metric whose collect() reads its values from one Redis snapshot per
// scrape instead of counting in memory. Beside them, prom-client's default process and Node
// metrics (CPU, memory, handles, event-loop lag, GC) of the answering process, named mutexlab_*
// like everything else here.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricType, type MetricValueWithName } from 'prom-client';
import type { RedisClient } from '../../jobs/redis.js';
import type { Queue } from 'bullmq';
import { DURATION_BUCKETS, readStoredMetrics, type StoredMetrics } from '../../jobs/metrics.js';
import type { ExperimentStore } from '../../jobs/store.js';

export const METRIC_PREFIX = 'mutexlab_';

interface Snapshot {
  stored: StoredMetrics;
  byStatus: Record<string, number>;
  jobs: Record<string, number>;
  workers: number;
  submitted: number;
}

/** What the scrape reads: the stores of the installation this app serves. */
export interface MetricsSources { redis: RedisClient; prefix: string; store: ExperimentStore; queue: Queue }

/**
 * The duration histogram is kept as bucket counts in Redis (see jobs/metrics.ts); prom-client's
 * Histogram only learns values through observe(), so this one hands over the stored buckets as
 * they are (cumulative, le="+Inf" last) in the shape prom-client writes out.
 */
const DURATION = { name: `${METRIC_PREFIX}experiment_duration_seconds`, help: 'Wall-clock time of the engine run of finished experiments, by engine.' };
class StoredHistogram extends Histogram<string> {
  constructor(private readonly read: () => Promise<Snapshot>) {
    super({ ...DURATION, labelNames: ['engine'], buckets: [...DURATION_BUCKETS], registers: [] });
  }
  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const { stored } = await this.read();
    const values: MetricValueWithName<string>[] = [];
    const name = DURATION.name;
    for (const d of stored.durations) {
      for (const b of d.buckets) values.push({ metricName: `${name}_bucket`, labels: { engine: d.engine, le: b.le }, value: b.count });
      values.push({ metricName: `${name}_sum`, labels: { engine: d.engine }, value: d.sum });
      values.push({ metricName: `${name}_count`, labels: { engine: d.engine }, value: d.count });
    }
    // prom-client's typings declare MetricType a numeric enum; the library itself writes the string
    return { ...DURATION, type: 'histogram' as unknown as MetricType, aggregator: 'sum', collect: () => {}, values };
  }
  /** The registry writes histograms through this (prom-client's own name for it). */
  async getForPromString() { return this.get(); }
}

/** Process metrics are per process: one set, however many apps (tests build many) share it. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: METRIC_PREFIX });
  }
  return processRegistry;
}

export function metricsRegistry(sources: MetricsSources): Registry {
  // Concurrent collect() calls of one scrape (and of scrapes that overlap) share one Redis read.
  let inflight: Promise<Snapshot> | undefined;
  const read = (): Promise<Snapshot> => (inflight ??= snapshot(sources).finally(() => { inflight = undefined; }));
  const register = new Registry();
  const registers = [register];

  new Counter({
    name: `${METRIC_PREFIX}experiments_total`, registers, labelNames: ['status', 'outcome', 'platform', 'engine'],
    help: 'Experiments finished by a worker, by status (completed, failed), outcome (verdict or error code), platform and engine.',
    async collect() {
      const { stored } = await read();
      this.reset();
      for (const f of stored.finished) this.inc({ status: f.status, outcome: f.outcome, platform: f.platform, engine: f.engine }, f.count);
    },
  });
  new Counter({
    name: `${METRIC_PREFIX}experiments_submitted_total`, registers,
    help: 'Experiments accepted by the API (POST /experiments that queued a new one).',
    async collect() { const { submitted } = await read(); this.reset(); this.inc(submitted); },
  });
  new Gauge({
    name: `${METRIC_PREFIX}experiments`, registers, labelNames: ['status'],
    help: 'Experiment records currently kept (within RESULT_TTL), by status.',
    async collect() { const { byStatus } = await read(); this.reset(); for (const [status, n] of Object.entries(byStatus)) this.set({ status }, n); },
  });
  new Gauge({
    name: `${METRIC_PREFIX}queue_jobs`, registers, labelNames: ['state'],
    help: 'BullMQ jobs of the experiments queue by state (a job carries one experiment, or a group of small ones submitted together).',
    async collect() { const { jobs } = await read(); this.reset(); for (const [state, n] of Object.entries(jobs)) this.set({ state }, n); },
  });
  // counted in experiments, not jobs: a group job holds many
  new Gauge({
    name: `${METRIC_PREFIX}queue_depth`, registers, help: 'Experiments waiting for a worker (status queued).',
    async collect() { this.set((await read()).byStatus.queued ?? 0); },
  });
  new Gauge({
    name: `${METRIC_PREFIX}workers`, registers, help: 'Worker connections listening on the queue.',
    async collect() { this.set((await read()).workers); },
  });
  new Gauge({
    name: `${METRIC_PREFIX}workers_busy`, registers, help: 'Engine slots running an experiment right now (active jobs).',
    async collect() { this.set((await read()).jobs.active ?? 0); },
  });
  register.registerMetric(new StoredHistogram(read));
  return Registry.merge([register, processMetrics()]);
}

async function snapshot({ redis, prefix, store, queue }: MetricsSources): Promise<Snapshot> {
  const [stored, byStatus, jobs, workers, submitted] = await Promise.all([
    readStoredMetrics(redis, prefix),
    store.countsByStatus(),
    queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'),
    queue.getWorkersCount(),
    redis.get(`${prefix}:seq`),
  ]);
  return { stored, byStatus, jobs, workers, submitted: Number(submitted ?? 0) };
}
