-- Changes of one record. Expects the locals of the calling script:
--   rec, events_key   the record's hash and its events stream (KEYS; batch scripts reassign them)
--   id, ttl, channel  its id, the retention in seconds, the pub/sub channel of status events
--   status_keys       status name -> its index key (idx:status:*), from KEYS
--- @include "includes/clock"

-- The stream starts with the first event after creation: a new record's 'queued' event is
-- published but not written (QUEUED_SID below), as the record itself holds it. An event that
-- finds no stream (NOMKSTREAM answers nil) starts one that expires with its record, or, with
-- `fresh` (a deletion: the record is gone), after the full retention; an event appended to a
-- stream leaves its expiry as it is.
-- batch: a table the event is added to instead of being published at once; batch scripts
-- publish all their events in one message with publish_batch (events.ts reads both forms).
local function emit(event, fields, batch, fresh)
  local args = {'XADD', events_key, 'NOMKSTREAM', 'MAXLEN', '~', '1000', '*', 'event', event}
  for k, v in pairs(fields) do table.insert(args, k); table.insert(args, tostring(v)) end
  local sid = redis.call(unpack(args))
  if not sid then
    table.remove(args, 3)
    sid = redis.call(unpack(args))
    local left = fresh and -1 or redis.call('PTTL', rec)
    if left > 0 then redis.call('PEXPIRE', events_key, left) else redis.call('EXPIRE', events_key, ttl) end
  end
  fields.id = id; fields.event = event; fields.streamId = sid
  if batch then table.insert(batch, fields) else redis.call('PUBLISH', channel, cjson.encode(fields)) end
  return sid
end

-- The id of the 'queued' event that opens every experiment's events (events.ts QUEUED_STREAM_ID):
-- below every id Redis gives out, so resuming from it replays the whole stream.
local QUEUED_SID = '0-1'

-- A new record's 'queued' event: published (in `batch`, or at once) and not written to a stream.
local function announce_queued(batch)
  local fields = {status = 'queued', id = id, event = 'queued', streamId = QUEUED_SID}
  if batch then table.insert(batch, fields) else redis.call('PUBLISH', channel, cjson.encode(fields)) end
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
