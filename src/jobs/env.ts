// Every environment variable of the installation, as one TypeBox schema: its type, bounds and
// default are what config.ts validates with env-schema, and its description is the README's
// "Configuration" table, which `npm run docs:config` writes from here (a test fails when they
// differ). Values that need more than a type (RATE_LIMIT, CORS_ORIGINS, REDIS_CLUSTER_NODES)
// are strings here and parsed in config.ts.
import { Type, type Static } from 'typebox';

const int = (minimum: number, value: number, description: string) => Type.Integer({ minimum, default: value, description });
const text = (value: string, description: string) => Type.String({ default: value, description });
const optional = (description: string) => Type.Optional(Type.String({ description }));

/** QUEUE_PREFIX: letters, digits, _ . - and at most one non-empty {hash tag}. */
export const PREFIX_PATTERN = '^[A-Za-z0-9_.-]*(\\{[A-Za-z0-9_.-]+\\})?[A-Za-z0-9_.-]*$';

export const EnvSchema = Type.Object({
  PORT: int(0, 3000, 'API port'),
  HOST: text('127.0.0.1', 'API address (`0.0.0.0` in containers)'),
  REDIS_URL: text('redis://127.0.0.1:6379', 'the one Redis of API and workers; `start` runs a private `redis-server` for the session when nothing answers on this machine'),
  REDIS_CLUSTER_NODES: optional('comma-separated `host:port` seed nodes of a Redis Cluster (`10.0.0.1:7000,10.0.0.2:7000`); when set, API, workers and `start` use the cluster and not `REDIS_URL` (`start` then runs no private server). `QUEUE_PREFIX` must hold a `{hash tag}` (the default does), so every key of the installation, ours and BullMQ\'s, is in one slot; tested against a 3-node cluster the tests start themselves'),
  QUEUE_PREFIX: Type.String({ default: '{mutexlab}', pattern: PREFIX_PATTERN, description: 'prefix of every Redis key (ours and BullMQ\'s): letters, digits, `_ . -` and at most one `{hash tag}` (Redis Cluster: one slot for all keys); tests use one per run' }),
  WORKER_CONCURRENCY: int(1, 2, 'experiments one worker runs at once (one engine thread each)'),
  RESULT_TTL: int(1, 7 * 24 * 3600, 'seconds (7 days) an experiment record, result and trace are kept'),
  MAX_QUEUED: int(0, 10_000, 'queued experiments beyond which POST answers 503 + Retry-After (0: no limit)'),
  LOG_LEVEL: text('info', 'pino level (JSON lines; request id on API lines, experiment id on worker lines; a 503 during an outage is a warning without a stack, and each Redis connection reports an outage at most every 10 s)'),
  API_KEYS: optional('comma-separated; when set, every endpoint except `/healthz`, `/readyz`, `/docs`, `/openapi.json` needs `Authorization: Bearer KEY` (401 otherwise)'),
  RATE_LIMIT: optional('`N` per minute or `N/second`, `N/minute`, `N/hour`, per key of `API_KEYS`, else per IP (a made-up key counts as its IP); failed authentication counts too; 429 + Retry-After beyond, counted in Redis across API instances; none or 0: off'),
  CORS_ORIGINS: optional('comma-separated origins (`https://ops.example,http://localhost:5173`) whose pages may call the API; none: same-origin only, no `Access-Control-*` headers'),
  // solaris10-crash's trace is ~13 KB of gzip, a 3000-iteration solaris10-fixed run ~2 MB
  TRACE_MAX_EVENTS: int(2, 200_000, 'events of a stored trace before head and tail are kept'),
  TRACE_MAX_BYTES: int(0, 8 * 1024 * 1024, 'largest gzip trace (8 MiB) kept for one experiment; a bigger one is not stored (the result is, with `trace.truncated: true`, `trace.stored: 0`); 0: no limit'),
  TRACE_STORE_MAX_BYTES: int(0, 1024 * 1024 * 1024, 'gzip trace bytes (1 GiB) kept over all experiments; at or beyond it POST answers 503 `storage_full` with `Retry-After: 60` until traces expire (`RESULT_TTL`) or are deleted; 0: no limit. Counted in Redis (`P:tracebytes`), read by each API at most once a second'),
  SHUTDOWN_GRACE_MS: int(0, 10_000, 'how long running experiments may finish on shutdown before they are handed back (the whole close may take 10 s more, then the process exits 1)'),
  // Off by default: `mutexlab start` runs a worker in the API's process, and the worker's own
  // main-thread work (merging an exploration's chunks) lags the loop past a second at times,
  // which would turn POSTs away. The heap has no default because its right size depends on the container.
  MAX_EVENT_LOOP_DELAY_MS: int(0, 0, 'API load shedding (@fastify/under-pressure): while the event loop\'s mean lag over the last second is above it, requests answer 503 `overloaded` with `Retry-After: 5` and `/readyz` is 503 (`/healthz`, `/metrics` still answer); 0: off. Meant for `mutexlab api` processes (1000 is a sane value): under `mutexlab start` the worker shares the loop and its exploration merges can lag it past a second'),
  MAX_HEAP_USED_MB: int(0, 0, 'the same for the V8 heap of the API process, in MiB; 0: off; set it below the container\'s `--max-old-space-size`'),
  ENGINE_MEMORY_MB: int(32, 512, 'heap limit of one engine thread'),
  // Short, because runs are short and CPU-bound work is in engine threads, so the worker's own
  // event loop renews locks (every lock/2) even while the engine is busy. A dead worker's job
  // is free again 2.5-5 s after its last renewal and the next stalled check (every 2.5 s,
  // one per installation) hands it on: recovery in ~3-8 s instead of 30-60 s. A worker
  // whose loop stalls for more than 2.5 s loses its job to another worker; the result is
  // still stored once (COMPLETE refuses a second one).
  WORKER_LOCK_MS: int(100, 5_000, 'BullMQ lock duration: a dead worker\'s experiments run again elsewhere within about 3-8 s (see "Failure and recovery")'),
  WORKER_STALLED_MS: int(100, 2_500, 'BullMQ stalled-check interval (with `WORKER_LOCK_MS`)'),
  MUTEXLAB_RUNNER: optional('module exporting `runExperiment` instead of dist/src/runner/run.js (tests only: a misbehaving engine)'),
  SSE_HEARTBEAT_MS: int(1, 15_000, 'period of the heartbeat comments on Server-Sent Events streams'),
  EXPLORE_CHUNK: int(1, 5_000, 'schedules per chunk: a random or pct exploration with more runs as a flow of chunk jobs that the workers share (dfs is one search and never split)'),
}, { additionalProperties: false });

export type Env = Static<typeof EnvSchema>;
