-- PROGRESS: how far a running experiment is.
-- KEYS: 1-7 as includes/single
-- ARGV: 1-3 as includes/single, 4 progress JSON
-- Returns 1 | 0 (not running).
--- @include "includes/single"
--- @include "includes/record"
if redis.call('HGET', rec, 'status') ~= 'running' then return 0 end
bump({progress = ARGV[4]})
emit('progress', {status = 'running', progress = ARGV[4]})
return 1
