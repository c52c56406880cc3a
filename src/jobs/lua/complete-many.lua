-- COMPLETE_MANY: the results of a window of a group job; events in one message, the /metrics
-- counts summed here and written once per counter.
-- KEYS: 1-5 idx:status:{queued, running, completed, failed, cancelled}, then 7 per result:
--       record, events stream, idx:outcome:{outcome}, trace, finished counter, engines set,
--       duration histogram (the last three are the record's key again when it is not counted);
--       last two: the stored trace bytes total, its expiry sorted set
-- ARGV: 1 retention s, 2 events channel, 3 n, then 12 per result: id, result JSON, outcome,
--       summary, trace gzip, trace events, events stored, truncated, finished field, engine,
--       seconds, bucket field ('' from the finished field on when not counted)
-- Returns 1 | 0 per result, in order.
local rec, events_key, id
local status_keys = {queued = KEYS[1], running = KEYS[2], completed = KEYS[3], failed = KEYS[4], cancelled = KEYS[5]}
local ttl, channel = tonumber(ARGV[1]), ARGV[2]
--- @include "includes/complete-one"
local out, batch, counts = {}, {}, new_counts()
local quota = {KEYS[#KEYS - 1], KEYS[#KEYS]}
for i = 0, tonumber(ARGV[3]) - 1 do
  local a, k = 4 + i * 12, 6 + i * 7
  id, rec, events_key = ARGV[a], KEYS[k], KEYS[k + 1]
  local m = {}
  if ARGV[a + 8] ~= '' then m = {KEYS[k + 4], ARGV[a + 8], KEYS[k + 5], ARGV[a + 9], KEYS[k + 6], ARGV[a + 10], ARGV[a + 11]} end
  out[i + 1] = complete_one(KEYS[k + 2], KEYS[k + 3], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7], m, batch, counts, quota)
end
write_counts(counts)
publish_batch(batch)
return out
