-- CANCEL: a queued or running experiment is cancelled; its worker hears it on the cancel channel.
-- KEYS: 1-7 as includes/single
-- ARGV: 1-3 as includes/single, 4 the cancel channel
-- Returns {'cancelled', previous} | {'finished', status} | {'gone'}.
--- @include "includes/single"
--- @include "includes/record"
local status = redis.call('HGET', rec, 'status')
if not status then return {'gone'} end
if status ~= 'queued' and status ~= 'running' then return {'finished', status} end
move_status(status, 'cancelled', redis.call('HGET', rec, 'score'))
bump({status = 'cancelled', finishedAt = now_ms()})
emit('cancelled', {status = 'cancelled'})
redis.call('PUBLISH', ARGV[4], id)
return {'cancelled', status}
