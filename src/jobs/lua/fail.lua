-- FAIL: the experiment ended without a result.
-- KEYS: 1-7 as includes/single
-- ARGV: 1-3 as includes/single, 4 error JSON
-- Returns 1 | 0 (already finished).
--- @include "includes/single"
--- @include "includes/record"
local status = redis.call('HGET', rec, 'status')
if status ~= 'running' and status ~= 'queued' then return 0 end
move_status(status, 'failed', redis.call('HGET', rec, 'score'))
bump({status = 'failed', finishedAt = now_ms(), error = ARGV[4]})
emit('failed', {status = 'failed'})
return 1
