-- CREATE: a new queued record, unless the queue is full or the Idempotency-Key was seen.
-- KEYS: 1-7 as includes/single, 8 idx:all, 9 idx:platform:{p}, 10 idx:mutexType:{m},
--       11 idx:engine:{e}, 12 the id sequence, 13 the Idempotency-Key's key (the record's key
--       when there is none), 14 the record the key pointed to when the caller read it (else KEYS[1])
-- ARGV: 1-3 as includes/single, 4 spec JSON, 5 platform, 6 mutexType, 7 engine, 8 maxQueued
--       (0 = no limit), 9 '1' when an Idempotency-Key was sent, 10 body hash, 11 replay token
--       or '', 12 the id the caller read under the key ('' when none)
-- Returns {kind, id}: created | existing | idempotency_mismatch | idempotency_in_flight | full,
-- or {'retry', id} when the key now points elsewhere than the caller read (it reads again:
-- every key a script touches must be one it was given).
--- @include "includes/single"
local all_key = KEYS[8]
--- @include "includes/new-record"
local maxQueued, hasIdem, bodyHash, replay, seen = tonumber(ARGV[8]), ARGV[9] == '1', ARGV[10], ARGV[11], ARGV[12]
local idem_key = KEYS[13]
if hasIdem then
  local v = redis.call('GET', idem_key)
  if v then
    local state, hash, eid = string.match(v, '^(%a+)|(%x+)|(.+)$')
    if eid ~= seen then return {'retry', eid} end
    if hash ~= bodyHash then return {'idempotency_mismatch', eid} end
    if state == 'pending' then return {'idempotency_in_flight', eid} end
    if redis.call('EXISTS', KEYS[14]) == 1 then return {'existing', eid} end
  elseif seen ~= '' then
    return {'retry', ''}
  end
end
if maxQueued > 0 and redis.call('ZCARD', status_keys.queued) >= maxQueued then return {'full', ''} end
local ms = now_ms()
local adds = {}
new_record(ARGV[4], ARGV[5], ARGV[6], ARGV[7], ms, redis.call('INCR', KEYS[12]), {KEYS[9], KEYS[10], KEYS[11]}, adds)
-- a replay's token, kept beside the spec it recorded (the worker replays its schedule)
if replay ~= '' then redis.call('HSET', rec, 'replay', replay) end
flush_adds(adds, ms)
if hasIdem then redis.call('SET', idem_key, 'pending|' .. bodyHash .. '|' .. id, 'EX', ttl) end
return {'created', id}
