// Configuration comes from the environment only (README "Configuration" lists every variable).
// One reader shared by the API, the worker and `mutexlab start`, so they cannot disagree.
// env-schema validates the environment against the TypeBox schema in env.ts (types, bounds,
// defaults, the prefix's pattern; TypeBox 1 writes plain JSON Schema, which its Ajv takes as is);
// the values that need more than a type are parsed here. Any bad value fails start-up with one
// line naming every bad variable (the CLI prints it and exits 2).
import envSchema from 'env-schema';
import { EnvSchema, type Env } from './env.js';

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
  /** Schedules per chunk of a split exploration (explore-flow.ts). */
  exploreChunk: number;
  /** BullMQ lock settings (see the defaults below for why they are short). */
  lockDurationMs: number;
  stalledIntervalMs: number;
  /** Module exporting runExperiment; tests point it at a runaway or crashing engine. */
  runner: string | null;
  /** Period of the comment lines that keep Server-Sent Events streams open. */
  sseHeartbeatMs: number;
}

/** Longest `?wait=` a POST honours, in seconds: a convenience, not a way to hold connections open. */
export const WAIT_MAX_SECONDS = 30;

export class ConfigError extends Error {}

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

/** What a value of a schema-checked variable must be, for the message when it is not. */
function expected(name: keyof Env): string {
  if (name === 'QUEUE_PREFIX') return 'may only hold letters, digits, _ . - and one {hash tag}';
  const schema = EnvSchema.properties[name] as { type?: string; minimum?: number };
  return schema.type === 'integer' ? `is not an integer >= ${schema.minimum}` : `is not a ${schema.type}`;
}

/** The environment checked against the schema, defaults filled in; an empty value counts as unset. */
function validEnv(env: NodeJS.ProcessEnv): Env {
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  try {
    return envSchema<Env>({ schema: EnvSchema, data: given, env: false });
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string }[] }).errors;
    if (!errors) throw err;
    const names = [...new Set(errors.map((e) => e.instancePath.slice(1) as keyof Env))];
    throw new ConfigError(names.map((n) => `${n}=${given[n]} ${expected(n)}`).join('; '));
  }
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = validEnv(env);
  // The default prefix is a Redis Cluster hash tag: every key of the installation, ours and
  // BullMQ's, hashes on "mutexlab" alone and so lives in one slot, where multi-key scripts may run.
  const prefix = e.QUEUE_PREFIX;
  const redisClusterNodes = parseClusterNodes(e.REDIS_CLUSTER_NODES);
  // without a tag, the keys of one script or one BullMQ command would hash to different slots,
  // which a cluster refuses (CROSSSLOT): better said at start-up than on the first POST
  if (redisClusterNodes.length > 0 && !prefix.includes('{')) {
    throw new ConfigError(`QUEUE_PREFIX=${prefix} needs a {hash tag} on a Redis Cluster (REDIS_CLUSTER_NODES), e.g. {${prefix}}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redisClusterNodes,
    prefix,
    workerConcurrency: e.WORKER_CONCURRENCY,
    resultTtlSeconds: e.RESULT_TTL,
    maxQueued: e.MAX_QUEUED,
    logLevel: e.LOG_LEVEL,
    apiKeys: (e.API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    rateLimit: parseRateLimit(e.RATE_LIMIT),
    corsOrigins: parseCorsOrigins(e.CORS_ORIGINS),
    traceMaxEvents: e.TRACE_MAX_EVENTS,
    traceMaxBytes: e.TRACE_MAX_BYTES,
    traceStoreMaxBytes: e.TRACE_STORE_MAX_BYTES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    maxHeapUsedMb: e.MAX_HEAP_USED_MB,
    engineMemoryMb: e.ENGINE_MEMORY_MB,
    exploreChunk: e.EXPLORE_CHUNK,
    lockDurationMs: e.WORKER_LOCK_MS,
    stalledIntervalMs: e.WORKER_STALLED_MS,
    runner: e.MUTEXLAB_RUNNER ?? null,
    sseHeartbeatMs: e.SSE_HEARTBEAT_MS,
  };
}
