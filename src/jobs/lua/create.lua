-- CREATE: a new queued record, unless the queue is full or the Idempotency-Key was seen.
-- KEYS: 1-7 as includes/single, 8 idx:facet:{platform}:{mutexType}:{engine}, 9 the id
--       sequence, 10 the Idempotency-Key's key (the record's key when there is none), 11 the
--       record the key pointed to when the caller read it (else KEYS[1]), 12 the sorted set of
--       Idempotency-Keys still pending (the reaper resolves those whose request died)
-- ARGV: 1-3 as includes/single, 4 spec JSON, 5 platform, 6 mutexType, 7 engine, 8 maxQueued
--       (0 = no limit), 9 '1' when an Idempotency-Key was sent, 10 body hash, 11 replay token
--       or '', 12 the id the caller read under the key ('' when none)
-- Returns {kind, id}: created | existing | idempotency_mismatch | idempotency_in_flight | full,
-- or {'retry', id} when the key now points elsewhere than the caller read (it reads again:
-- every key a script touches must be one it was given).
--- @include "includes/single"
--- @include "includes/new-record"
local maxQueued, hasIdem, bodyHash, replay, seen = tonumber(ARGV[8]), ARGV[9] == '1', ARGV[10], ARGV[11], ARGV[12]
local idem_key = KEYS[10]
if hasIdem then
  local v = redis.call('GET', idem_key)
  if v then
    local state, hash, eid = string.match(v, '^(%a+)|(%x+)|(.+)$')
    if eid ~= seen then return {'retry', eid} end
    if hash ~= bodyHash then return {'idempotency_mismatch', eid} end
    if state == 'pending' then
      -- a worker has begun it (or it ended): its job was queued, whatever became of the request
      -- that queued it, so the key answers with it from now on
      local s = redis.call('HGET', KEYS[11], 'status')
      if not s or s == 'queued' then return {'idempotency_in_flight', eid} end
      redis.call('SET', idem_key, 'done|' .. hash .. '|' .. eid, 'KEEPTTL')
      redis.call('ZREM', KEYS[12], idem_key)
      return {'existing', eid}
    end
    if redis.call('EXISTS', KEYS[11]) == 1 then return {'existing', eid} end
  elseif seen ~= '' then
    return {'retry', ''}
  end
end
local ms = now_ms()
if maxQueued > 0 and live_count(status_keys.queued, ms) >= maxQueued then return {'full', ''} end
local adds = {}
new_record(ARGV[4], ARGV[5], ARGV[6], ARGV[7], ms, redis.call('INCR', KEYS[9]), KEYS[8], adds)
-- a replay's token, kept beside the spec it recorded (the worker replays its schedule)
if replay ~= '' then redis.call('HSET', rec, 'replay', replay) end
flush_adds(adds, ms)
if hasIdem then
  redis.call('SET', idem_key, 'pending|' .. bodyHash .. '|' .. id, 'EX', ttl)
  redis.call('ZADD', KEYS[12], ms, idem_key)
end
return {'created', id}
