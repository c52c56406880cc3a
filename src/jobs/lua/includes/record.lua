-- Changes of one record. Expects the locals of the calling script:
--   rec, events_key   the record's hash and its events stream (KEYS; batch scripts reassign them)
--   id, ttl, channel  its id, the retention in seconds, the pub/sub channel of status events
--   status_keys       status name -> its index key (idx:status:*), from KEYS
--- @include "includes/clock"

-- batch: a table the event is added to instead of being published at once; batch scripts
-- publish all their events in one message with publish_batch (events.ts reads both forms).
-- fresh: the event starts the stream (a new record, a deletion), which then gets the record's
-- retention; later entries keep it.
local function emit(event, fields, batch, fresh)
  local args = {'XADD', events_key, 'MAXLEN', '~', '1000', '*', 'event', event}
  for k, v in pairs(fields) do table.insert(args, k); table.insert(args, tostring(v)) end
  local sid = redis.call(unpack(args))
  if fresh then redis.call('EXPIRE', events_key, ttl) end
  fields.id = id; fields.event = event; fields.streamId = sid
  if batch then table.insert(batch, fields) else redis.call('PUBLISH', channel, cjson.encode(fields)) end
  return sid
end

local function publish_batch(batch)
  if #batch > 0 then redis.call('PUBLISH', channel, cjson.encode({batch = batch})) end
end

local function move_status(from, to, score)
  if from and from ~= '' then redis.call('ZREM', status_keys[from], id) end
  redis.call('ZADD', status_keys[to], score, id)
end

-- version: the record's version when the caller has already read it (saves an HINCRBY)
local function bump(fields, version)
  if version then fields.version = tonumber(version) + 1 end
  local args = {'HSET', rec}
  for k, v in pairs(fields) do table.insert(args, k); table.insert(args, tostring(v)) end
  redis.call(unpack(args))
  if not version then redis.call('HINCRBY', rec, 'version', 1) end
end
