-- CHUNK_PROGRESS: one chunk of a chunked exploration (explore-flow.ts) reports its own running
-- totals. They are kept per chunk in the record's chunks hash, so a retried chunk replaces its
-- figures instead of counting twice, and the record's progress becomes the sum over every
-- chunk: schedules done of the whole exploration's planned.
-- KEYS: 1-7 as includes/single, 8 the record's chunks hash
-- ARGV: 1-3 as includes/single, 4 chunk index, 5 done, 6 failures, 7 planned, 8 strategy
-- Returns 1 | 0 (not running).
--- @include "includes/single"
--- @include "includes/record"
if redis.call('HGET', rec, 'status') ~= 'running' then return 0 end
local ck = KEYS[8]
redis.call('HSET', ck, ARGV[4], ARGV[5] .. '|' .. ARGV[6])
redis.call('EXPIRE', ck, ttl)
local done, failures = 0, 0
local all = redis.call('HVALS', ck)
for _, v in ipairs(all) do
  local d, f = string.match(v, '^(%d+)|(%d+)$')
  done = done + tonumber(d); failures = failures + tonumber(f)
end
local started = tonumber(redis.call('HGET', rec, 'startedAt') or '')
local progress = {kind = 'exploration', strategy = ARGV[8], done = done, planned = tonumber(ARGV[7]),
  failures = failures, chunks = #all}
if started then progress.elapsedMs = now_ms() - started end
local json = cjson.encode(progress)
bump({progress = json})
emit('progress', {status = 'running', progress = json})
return 1
