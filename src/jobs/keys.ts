// Every Redis key of an experiment record, in one place. Layout (P = QUEUE_PREFIX):
//   P:x:{id}            hash: status, spec, timestamps, progress, result, error, filter fields
//   P:x:{id}:trace      gzip NDJSON of the trace (capped, see TRACE_MAX_EVENTS)
//   P:x:{id}:chunks     hash: chunk index -> "done|failures" of a chunked exploration
//   P:x:{id}:events     stream of status events after creation (ids usable as SSE Last-Event-ID;
//                       it starts with the first event after queued and expires with the record)
//   P:idx:status:{s}    sorted set of the ids in status s, by creation (score = ms * 1000 + seq:
//                       unique, ordered; a record keeps its score when it changes status). A
//                       record is in exactly one of them, so together they index every record.
//   P:idx:outcome:{o}   the same, finished records by outcome
//   P:idx:facet:{platform}:{mutexType}:{engine}
//                       the same, per combination of the three spec filters: one entry per record
//                       instead of one in each of three indexes (and of idx:all, which the status
//                       indexes replace). Two sorted-set inserts per new record instead of five:
//                       they were a third of CREATE_MANY's Redis time (30 -> 25 us per record).
//                       A listing by platform reads the facets of that platform and merges them.
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

/** The filters a facet index combines; status and outcome have an index per value. */
export const FACET_FILTERS = ['platform', 'mutexType', 'engine'] as const;
export type FacetFilter = (typeof FACET_FILTERS)[number];
export type Facet = Record<FacetFilter, string>;

/**
 * Every value a filter can have. Each list is closed: an index is written only with a validated
 * spec's values or an engine outcome, so the reaper can name every index key instead of
 * SCANning the whole keyspace for them (a SCAN walks every key of a shared Redis on each pass).
 * A value a later version drops leaves its index behind: it gets no new entries, and its old
 * ones name records that have expired.
 */
export const FILTER_VALUES: Readonly<Record<FilterName, readonly string[]>> = {
  status: STATUSES, outcome: OUTCOMES, platform: [...PLATFORMS, 'host'], mutexType: MUTEX_TYPES, engine: ENGINES,
};

/** Every facet a validated spec can have: the simulator's platforms, and "host" for the native engine. */
export const FACETS: readonly Facet[] = FILTER_VALUES.platform.flatMap((platform) => MUTEX_TYPES.map((mutexType) =>
  ({ platform, mutexType, engine: platform === 'host' ? 'native' : 'sim' })));

/**
 * Indexes of earlier versions (idx:all, one per platform, mutexType and engine value), which
 * get no new entries: the reaper still trims them until the records they name have expired.
 */
const LEGACY_INDEXES = ['all', ...FACET_FILTERS.flatMap((f) => FILTER_VALUES[f].map((v) => `${f}:${v}`))];

export const keys = (prefix: string) => {
  const facetKey = (f: Facet) => `${prefix}:idx:facet:${f.platform}:${f.mutexType}:${f.engine}`;
  return {
    record: (id: string) => `${prefix}:x:${id}`,
    trace: (id: string) => `${prefix}:x:${id}:trace`,
    events: (id: string) => `${prefix}:x:${id}:events`,
    chunks: (id: string) => `${prefix}:x:${id}:chunks`,
    /** Counter behind the index scores (creation order of records created in the same ms). */
    seq: `${prefix}:seq`,
    /** idx:status:{s} or idx:outcome:{o}. */
    index: (filter: 'status' | 'outcome', value: string) => `${prefix}:idx:${filter}:${value}`,
    facet: facetKey,
    /** Every index there can be (FILTER_VALUES, FACETS), and those of earlier versions. */
    allIndexes: (): string[] => [
      ...(['status', 'outcome'] as const).flatMap((f) => FILTER_VALUES[f].map((v) => `${prefix}:idx:${f}:${v}`)),
      ...FACETS.map(facetKey),
      ...LEGACY_INDEXES.map((i) => `${prefix}:idx:${i}`),
    ],
    idempotency: (key: string) => `${prefix}:idem:${key}`,
    idempotencyPending: `${prefix}:idempending`,
    reaperLock: `${prefix}:reaper:lock`,
    traceBytes: `${prefix}:tracebytes`,
    traceBytesExpiry: `${prefix}:tracebytes:expiry`,
    eventChannel: `${prefix}:events`,
    cancelChannel: `${prefix}:cancel`,
  };
};
