-- REQUEUE: a running experiment goes back to the queue (worker shutdown).
-- KEYS: 1-7 as includes/single
-- ARGV: 1-3 as includes/single, 4 reason
-- Returns 1 | 0 (not running).
--- @include "includes/single"
--- @include "includes/record"
local status = redis.call('HGET', rec, 'status')
if status ~= 'running' then return 0 end
move_status(status, 'queued', redis.call('HGET', rec, 'score'))
bump({status = 'queued'})
emit('queued', {status = 'queued', reason = ARGV[4]})
return 1
