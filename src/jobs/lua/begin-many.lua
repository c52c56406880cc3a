-- BEGIN_MANY: BEGIN for a window of a group job, its events in one message.
-- KEYS: 1-5 idx:status:{queued, running, completed, failed, cancelled}, then 2 per experiment:
--       record, events stream
-- ARGV: 1 retention s, 2 events channel, 3 worker name, 4 n, then n ids
-- Returns kind1, value1, kind2, value2, ... (value '' for gone; groups hold no replays).
local rec, events_key, id
local status_keys = {queued = KEYS[1], running = KEYS[2], completed = KEYS[3], failed = KEYS[4], cancelled = KEYS[5]}
local ttl, channel = tonumber(ARGV[1]), ARGV[2]
--- @include "includes/begin-one"
local out, batch = {}, {}
for i = 1, tonumber(ARGV[4]) do
  id, rec, events_key = ARGV[4 + i], KEYS[4 + 2 * i], KEYS[5 + 2 * i]
  local r = begin_one(ARGV[3], batch)
  table.insert(out, r[1]); table.insert(out, r[2] or '')
end
publish_batch(batch)
return out
