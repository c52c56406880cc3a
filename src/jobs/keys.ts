// Every Redis key of an experiment record, in one place. Layout (P = QUEUE_PREFIX):
//   P:x:{id}            hash: status, spec, timestamps, progress, result, error, filter fields
//   P:x:{id}:trace      gzip NDJSON of the trace (capped, see TRACE_MAX_EVENTS)
//   P:x:{id}:chunks     hash: chunk index -> "done|failures" of a chunked exploration
//   P:x:{id}:events     stream of status events after creation (ids usable as SSE Last-Event-ID;
//                       it starts with the first event after queued and expires with the record)
//   P:idx:all           sorted set of ids by creation (score = ms * 1000 + seq: unique, ordered)
//   P:idx:{filter}:{v}  the same, per filter value (status, outcome, platform, mutexType, engine)
//   P:idem:{key}        Idempotency-Key -> "pending|done" | body hash | id
//   P:idempending       sorted set of P:idem:{key} still pending, by ms (the reaper's to-do list)
//   P:tracebytes        bytes of stored traces, all experiments (TRACE_STORE_MAX_BYTES)
//   P:tracebytes:expiry sorted set "id|bytes" by the ms its trace expires (the reaper subtracts it)
//   P:reaper:lock       held by the API instance whose reaper is on its pass
//   P:events            pub/sub channel: one JSON message per status event of any experiment
//   P:cancel            pub/sub channel: ids whose running engine must be stopped
//   P:seq               counter behind the index scores
// BullMQ's own keys live under P:experiments:*. With a hash tag for P (e.g. the default
// `{mutexlab}`) all of them hash to one Redis Cluster slot, so every script and every BullMQ
// command finds its keys on one node.
import { OUTCOMES } from '../engine/outcome.js';
import { ENGINES, MUTEX_TYPES, PLATFORMS } from '../engine/spec.js';

export const FILTERS = ['status', 'outcome', 'platform', 'mutexType', 'engine'] as const;
export type FilterName = (typeof FILTERS)[number];

/** Record statuses, in the order the scripts' status_keys take them. */
export const STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;

/**
 * Every value a filter index can have. Each list is closed: an index is written only with a
 * validated spec's value or an engine outcome, so the reaper can name every index key instead of
 * SCANning the whole keyspace for them (a SCAN walks every key of a shared Redis on each pass).
 * A value a later version drops leaves its index behind: it gets no new entries, and its old
 * ones name records that have expired.
 */
export const FILTER_VALUES: Readonly<Record<FilterName, readonly string[]>> = {
  status: STATUSES, outcome: OUTCOMES, platform: PLATFORMS, mutexType: MUTEX_TYPES, engine: ENGINES,
};

export const keys = (prefix: string) => ({
  record: (id: string) => `${prefix}:x:${id}`,
  trace: (id: string) => `${prefix}:x:${id}:trace`,
  events: (id: string) => `${prefix}:x:${id}:events`,
  chunks: (id: string) => `${prefix}:x:${id}:chunks`,
  /** Counter behind the index scores (creation order of records created in the same ms). */
  seq: `${prefix}:seq`,
  all: `${prefix}:idx:all`,
  index: (filter: FilterName, value: string) => `${prefix}:idx:${filter}:${value}`,
  /** idx:all and every filter index there can be (FILTER_VALUES). */
  allIndexes: (): string[] => [`${prefix}:idx:all`, ...FILTERS.flatMap((f) => FILTER_VALUES[f].map((v) => `${prefix}:idx:${f}:${v}`))],
  idempotency: (key: string) => `${prefix}:idem:${key}`,
  idempotencyPending: `${prefix}:idempending`,
  reaperLock: `${prefix}:reaper:lock`,
  traceBytes: `${prefix}:tracebytes`,
  traceBytesExpiry: `${prefix}:tracebytes:expiry`,
  eventChannel: `${prefix}:events`,
  cancelChannel: `${prefix}:cancel`,
});
