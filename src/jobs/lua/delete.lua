-- DELETE: a record and everything of it. Only finished experiments are deleted (the route
-- checks), and an abandoned create (admission could not queue its job).
-- KEYS: 1-7 as includes/single, 8 idx:outcome:{outcome} (the record's key when it has none),
--       9 idx:facet:{platform}:{mutexType}:{engine}, 10 trace, 11 chunks hash, 12 the stored
--       trace bytes total, 13 its expiry sorted set
-- ARGV: 1-3 as includes/single, 4 outcome, 5 platform, 6 mutexType, 7 engine, as the caller
--       read them (the index keys were built from them)
-- Returns 1 deleted | 0 unknown | -1 the fields are not what the caller read (it reads again).
--- @include "includes/single"
--- @include "includes/record"
local f = redis.call('HMGET', rec, 'status', 'outcome', 'platform', 'mutexType', 'engine')
if not f[1] then return 0 end
if (f[2] or '') ~= ARGV[4] or f[3] ~= ARGV[5] or f[4] ~= ARGV[6] or f[5] ~= ARGV[7] then return -1 end
redis.call('ZREM', status_keys[f[1]], id)
if f[2] then redis.call('ZREM', KEYS[8], id) end
redis.call('ZREM', KEYS[9], id)
-- its trace's bytes leave the quota now rather than at its expiry
local tlen = redis.call('STRLEN', KEYS[10])
if tlen > 0 and redis.call('ZREM', KEYS[13], id .. '|' .. tlen) == 1 then redis.call('DECRBY', KEYS[12], tlen) end
redis.call('DEL', rec, KEYS[10], KEYS[11])
emit('deleted', {status = 'deleted'}, nil, true)
return 1
