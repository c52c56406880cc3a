// Configuration comes from the environment only (README "Configuration" lists every variable).
// One reader shared by the API, the worker and `mutexlab start`, so they cannot disagree.
export interface RateLimit { max: number; windowMs: number }
export interface ClusterNode { host: string; port: number }

export interface Config {
  port: number;
  host: string;
  redisUrl: string;
  /** Seed nodes of a Redis Cluster; when any are given, REDIS_URL is not used. */
  redisClusterNodes: ClusterNode[];
  /** Namespace of every Redis key we and BullMQ write; tests use one per run. */
  prefix: string;
  workerConcurrency: number;
  resultTtlSeconds: number;
  maxQueued: number;
  logLevel: string;
  apiKeys: string[];
  rateLimit: RateLimit | null;
  /** Origins (scheme://host[:port]) whose pages may call the API; empty: same-origin only. */
  corsOrigins: string[];
  traceMaxEvents: number;
  /** Largest gzip trace kept for one experiment; 0: no limit. */
  traceMaxBytes: number;
  /** Bytes of stored traces over all experiments beyond which POST answers 503; 0: no limit. */
  traceStoreMaxBytes: number;
  shutdownGraceMs: number;
  /** Load shedding (API): 503 while the event loop lags more than this; 0: not checked. */
  maxEventLoopDelayMs: number;
  /** Load shedding (API): 503 while the V8 heap holds more than this many MiB; 0: not checked. */
  maxHeapUsedMb: number;
  engineMemoryMb: number;
  /** BullMQ lock settings (see the defaults below for why they are short). */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Module exporting runExperiment; tests point it at a runaway or crashing engine. */
  runner: string | null;
}

/** Longest `?wait=` a POST honours, in seconds: a convenience, not a way to hold connections open. */
export const WAIT_MAX_SECONDS = 30;

export class ConfigError extends Error {}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name}=${raw} is not an integer >= ${min}`);
  return n;
}

const WINDOWS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000 };

/** "120" (per minute) or "10/second", "600/minute", "5000/hour"; empty or 0 turns it off. */
export function parseRateLimit(raw: string | undefined): RateLimit | null {
  if (raw === undefined || raw.trim() === '' || raw.trim() === '0') return null;
  const m = /^\s*(\d+)\s*(?:\/\s*(second|minute|hour))?\s*$/.exec(raw);
  if (!m) throw new ConfigError(`RATE_LIMIT=${raw} is not N or N/second|minute|hour`);
  return { max: Number(m[1]), windowMs: WINDOWS[m[2] ?? 'minute']! };
}

/** "https://a.example, http://localhost:5173" -> the origins, each checked to be an origin and nothing more. */
export function parseCorsOrigins(raw: string | undefined): string[] {
  const origins = (raw ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const o of origins) {
    let url: URL | undefined;
    try { url = new URL(o); } catch { /* reported below */ }
    // a browser sends the origin exactly as scheme://host[:port]; anything else would never match
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== o) throw new ConfigError(`CORS_ORIGINS: "${o}" is not an origin such as https://example.org or http://localhost:5173`);
  }
  return origins;
}

/** "10.0.0.1:7000, redis-a:7001" -> the seed nodes of a Redis Cluster; empty: a single Redis (REDIS_URL). */
export function parseClusterNodes(raw: string | undefined): ClusterNode[] {
  const nodes = (raw ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  return nodes.map((n) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(n);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw new ConfigError(`REDIS_CLUSTER_NODES: "${n}" is not host:port (e.g. 10.0.0.1:7000)`);
    return { host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
  });
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // The default is a Redis Cluster hash tag: every key of the installation, ours and BullMQ's,
  // hashes on "mutexlab" alone and so lives in one slot, where multi-key scripts may run.
  const prefix = env.QUEUE_PREFIX || '{mutexlab}';
  if (!/^[A-Za-z0-9_.-]*(\{[A-Za-z0-9_.-]+\})?[A-Za-z0-9_.-]*$/.test(prefix)) {
    throw new ConfigError(`QUEUE_PREFIX=${prefix} may only hold letters, digits, _ . - and one {hash tag}`);
  }
  const redisClusterNodes = parseClusterNodes(env.REDIS_CLUSTER_NODES);
  // without a tag, the keys of one script or one BullMQ command would hash to different slots,
  // which a cluster refuses (CROSSSLOT): better said at start-up than on the first POST
  if (redisClusterNodes.length > 0 && !prefix.includes('{')) {
    throw new ConfigError(`QUEUE_PREFIX=${prefix} needs a {hash tag} on a Redis Cluster (REDIS_CLUSTER_NODES), e.g. {${prefix}}`);
  }
  return {
    port: int(env, 'PORT', 3000, 0),
    host: env.HOST || '127.0.0.1',
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    redisClusterNodes,
    prefix,
    workerConcurrency: int(env, 'WORKER_CONCURRENCY', 2, 1),
    resultTtlSeconds: int(env, 'RESULT_TTL', 7 * 24 * 3600, 1),
    maxQueued: int(env, 'MAX_QUEUED', 10_000, 0),
    logLevel: env.LOG_LEVEL || 'info',
    apiKeys: (env.API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    rateLimit: parseRateLimit(env.RATE_LIMIT),
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS),
    traceMaxEvents: int(env, 'TRACE_MAX_EVENTS', 200_000, 2),
    // solaris10-crash's trace is ~13 KB of gzip, a 3000-iteration solaris10-fixed run ~2 MB
    traceMaxBytes: int(env, 'TRACE_MAX_BYTES', 8 * 1024 * 1024, 0),
    traceStoreMaxBytes: int(env, 'TRACE_STORE_MAX_BYTES', 1024 * 1024 * 1024, 0),
    shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10_000, 0),
    // Off by default: `mutexlab start` runs a worker in the API's process, and the worker's own
    // main-thread work (merging an exploration's chunks) lags the loop past a second at times,
    // which would turn POSTs away. An API-only process behind a load balancer sets it (1000 is a
    // sane value). The heap has no default because its right size depends on the container.
    maxEventLoopDelayMs: int(env, 'MAX_EVENT_LOOP_DELAY_MS', 0, 0),
    maxHeapUsedMb: int(env, 'MAX_HEAP_USED_MB', 0, 0),
    engineMemoryMb: int(env, 'ENGINE_MEMORY_MB', 512, 32),
    // Short, because runs are short and CPU-bound work is in engine threads, so the worker's own
    // event loop renews locks (every lock/2) even while the engine is busy. A dead worker's job
    // is free again 2.5-5 s after its last renewal and the next stalled check (every 2.5 s,
    // one per installation) hands it on: recovery in ~3-8 s instead of 30-60 s. A worker
    // whose loop stalls for more than 2.5 s loses its job to another worker; the result is
    // still stored once (COMPLETE refuses a second one).
    lockDurationMs: int(env, 'WORKER_LOCK_MS', 5_000, 100),
    stalledIntervalMs: int(env, 'WORKER_STALLED_MS', 2_500, 100),
    runner: env.MUTEXLAB_RUNNER || null,
  };
}
