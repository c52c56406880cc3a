-- CREATE_MANY: group commit (admission.ts): the records of every experiment submitted at about
-- the same time, in one call, and their 'queued' events in one published message.
-- KEYS: 1 the id sequence, 2-6 idx:status:{queued, running, completed, failed, cancelled},
--       then 2 per experiment: record, idx:facet:{platform}:{mutexType}:{engine} (no events
--       stream: a new record's 'queued' event is only published)
-- ARGV: 1 retention s, 2 events channel, 3 maxQueued (0 = no limit), 4 n, then 6 per
--       experiment: id, spec JSON, platform, mutexType, engine, the id of the job that will
--       carry it ('' for its own)
-- Returns one 1 (created) or 0 (refused: the queue holds maxQueued) per experiment, in order.
local rec, id
local status_keys = {queued = KEYS[2], running = KEYS[3], completed = KEYS[4], failed = KEYS[5], cancelled = KEYS[6]}
local ttl, channel = tonumber(ARGV[1]), ARGV[2]
--- @include "includes/new-record"
local maxQueued, n = tonumber(ARGV[3]), tonumber(ARGV[4])
local queued = 0
local ms = now_ms()
if maxQueued > 0 then queued = live_count(status_keys.queued, ms) end
local seq = redis.call('INCRBY', KEYS[1], n) - n
local adds, out, batch = {}, {}, {}
for i = 0, n - 1 do
  local a, k = 5 + i * 6, 7 + i * 2
  if maxQueued > 0 and queued >= maxQueued then
    out[i + 1] = 0
  else
    queued = queued + 1
    id, rec = ARGV[a], KEYS[k]
    new_record(ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ms, seq + i + 1, KEYS[k + 1], adds, batch, ARGV[a + 5])
    out[i + 1] = 1
  end
end
if #batch > 0 then flush_adds(adds, ms) end
publish_batch(batch)
return out
