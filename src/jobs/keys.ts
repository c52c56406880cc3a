// Every Redis key of an experiment record, in one place. Layout (P = QUEUE_PREFIX):
//   P:x:{id}            hash: status, spec, timestamps, progress, result, error, filter fields
//   P:x:{id}:trace      gzip NDJSON of the trace (capped, see TRACE_MAX_EVENTS)
//   P:x:{id}:chunks     hash: chunk index -> "done|failures" of a chunked exploration
//   P:x:{id}:events     stream of status events (ids usable as SSE Last-Event-ID)
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
export const FILTERS = ['status', 'outcome', 'platform', 'mutexType', 'engine'] as const;
export type FilterName = (typeof FILTERS)[number];

export const keys = (prefix: string) => ({
  record: (id: string) => `${prefix}:x:${id}`,
  trace: (id: string) => `${prefix}:x:${id}:trace`,
  events: (id: string) => `${prefix}:x:${id}:events`,
  chunks: (id: string) => `${prefix}:x:${id}:chunks`,
  /** Counter behind the index scores (creation order of records created in the same ms). */
  seq: `${prefix}:seq`,
  all: `${prefix}:idx:all`,
  index: (filter: FilterName, value: string) => `${prefix}:idx:${filter}:${value}`,
  idempotency: (key: string) => `${prefix}:idem:${key}`,
  idempotencyPending: `${prefix}:idempending`,
  reaperLock: `${prefix}:reaper:lock`,
  traceBytes: `${prefix}:tracebytes`,
  traceBytesExpiry: `${prefix}:tracebytes:expiry`,
  eventChannel: `${prefix}:events`,
  cancelChannel: `${prefix}:cancel`,
});
