-- A new record in state queued with its index entries and its 'queued' event (announced, not
-- written to a stream: record.lua); `rec` and `id` must name it, `facet_key` is its
-- idx:facet:{platform}:{mutexType}:{engine} (KEYS). Its two index entries (status queued, facet)
-- are collected in `adds` (index key -> {score, id, ...}) so a batch writes each index once;
-- flush_adds sends them. `job` is the id of the BullMQ job that will carry it ('' when it is the
-- experiment's own id), so the reaper can ask that job's state.
--- @include "includes/record"

-- Index scores are creation ms * 1000 + seq, and a record expires RESULT_TTL after its
-- creation: entries scored below this can only name expired records.
local function live_from(ms)
  return string.format('%.0f', (ms - ttl * 1000) * 1000)
end

-- Records in an index that are still alive (MAX_QUEUED counts these, not expired ghosts).
local function live_count(key, ms)
  return redis.call('ZCOUNT', key, live_from(ms), '+inf')
end

local function new_record(spec, platform, mutexType, engine, ms, seq, facet_key, adds, batch, job)
  local score = string.format('%.0f', ms * 1000 + seq % 1000)
  local fields = {'id', id, 'status', 'queued', 'spec', spec, 'queuedAt', ms, 'score', score,
    'platform', platform, 'mutexType', mutexType, 'engine', engine, 'version', 1, 'attempts', 0}
  -- the job's id in the same HSET when there is one: one command per record, not two
  if job and job ~= '' then fields[#fields + 1] = 'job'; fields[#fields + 1] = job end
  redis.call('HSET', rec, unpack(fields))
  redis.call('EXPIRE', rec, ttl)
  for _, k in ipairs({status_keys.queued, facet_key}) do
    local list = adds[k]
    if not list then list = {}; adds[k] = list end
    list[#list + 1] = score; list[#list + 1] = id
  end
  announce_queued(batch)
end

local function flush_adds(adds, ms)
  for k, list in pairs(adds) do redis.call('ZADD', k, unpack(list)) end
  -- entries older than the retention can only point at expired records; the reaper trims the
  -- other indexes (outcome, facets) on its schedule
  local stale = '(' .. live_from(ms)
  for _, k in pairs(status_keys) do redis.call('ZREMRANGEBYSCORE', k, '-inf', stale) end
end
