// Counters and the duration histogram behind GET /metrics, kept in Redis so that they move
// whichever process finished the experiment (a worker) and whichever answers the scrape (any
// API instance), and survive restarts. The worker records each experiment once, when its
// result or failure is stored; gauges (records by status, queue depth, workers) are read live
// at scrape time instead.
import type { RedisClient } from './redis.js';

/** Seconds; the engine runs from milliseconds (sim) up to limits.timeoutMs (120 s at most). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;

export interface FinishedExperiment {
  status: 'completed' | 'failed';
  /** Verdict outcome when completed, the error code when failed. */
  outcome: string;
  platform: string;
  engine: string;
  durationMs: number;
}

export const metricKeys = (prefix: string) => ({
  finished: `${prefix}:metrics:finished`,
  duration: (engine: string) => `${prefix}:metrics:duration:${engine}`,
  engines: `${prefix}:metrics:engines`,
});

/** Label values are ours (enums), but a separator inside one would corrupt the field. */
const clean = (v: string) => v.replace(/[|\n"\\]/g, '_');

export class MetricsRecorder {
  private readonly keys: ReturnType<typeof metricKeys>;
  constructor(private readonly redis: RedisClient, prefix: string) { this.keys = metricKeys(prefix); }

  /**
   * The same counting for a completed experiment as arguments of the store's COMPLETE script,
   * which applies them only when it stores the result (one round trip, counted exactly once).
   */
  completeArgs(x: Omit<FinishedExperiment, 'status'>): string[] {
    const seconds = Math.max(0, x.durationMs) / 1000;
    const engine = clean(x.engine);
    const bucket = DURATION_BUCKETS.find((b) => seconds <= b);
    return [this.keys.finished, ['completed', x.outcome, x.platform, x.engine].map(clean).join('|'), this.keys.engines, engine,
      this.keys.duration(engine), String(seconds), bucket === undefined ? 'inf' : `le:${bucket}`];
  }

  async finished(x: FinishedExperiment): Promise<void> {
    const seconds = Math.max(0, x.durationMs) / 1000;
    const engine = clean(x.engine);
    const bucket = DURATION_BUCKETS.find((b) => seconds <= b);
    const multi = this.redis.multi()
      .hincrby(this.keys.finished, [x.status, x.outcome, x.platform, x.engine].map(clean).join('|'), 1)
      .sadd(this.keys.engines, engine)
      .hincrby(this.keys.duration(engine), 'count', 1)
      .hincrbyfloat(this.keys.duration(engine), 'sum', seconds);
    // per-bucket counts; the scrape adds them up into Prometheus's cumulative `le` buckets
    multi.hincrby(this.keys.duration(engine), bucket === undefined ? 'inf' : `le:${bucket}`, 1);
    await multi.exec();
  }
}

export interface StoredMetrics {
  finished: { status: string; outcome: string; platform: string; engine: string; count: number }[];
  durations: { engine: string; buckets: { le: string; count: number }[]; sum: number; count: number }[];
}

export async function readStoredMetrics(redis: RedisClient, prefix: string): Promise<StoredMetrics> {
  const keys = metricKeys(prefix);
  const [finishedRaw, engines] = await Promise.all([redis.hgetall(keys.finished), redis.smembers(keys.engines)]);
  const finished = Object.entries(finishedRaw).map(([field, n]) => {
    const [status = '', outcome = '', platform = '', engine = ''] = field.split('|');
    return { status, outcome, platform, engine, count: Number(n) };
  });
  const durations = await Promise.all(engines.sort().map(async (engine) => {
    const h = await redis.hgetall(keys.duration(engine));
    let cumulative = 0;
    const buckets = DURATION_BUCKETS.map((b) => ({ le: String(b), count: (cumulative += Number(h[`le:${b}`] ?? 0)) }));
    const count = Number(h.count ?? 0);
    buckets.push({ le: '+Inf', count });
    return { engine, buckets, sum: Number(h.sum ?? 0), count };
  }));
  return { finished, durations };
}
