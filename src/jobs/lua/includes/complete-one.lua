-- Stores the result of `rec` unless it is already stored or the experiment was cancelled:
-- 1 stored | 0 not. `outcome_key` is idx:outcome:{outcome}, `trace_key` the record's trace.
-- `m` is the /metrics counting (metrics.ts, MetricsRecorder.completeArgs): finishedKey
-- finishedField enginesKey engine durationKey seconds bucketField, the keys among them also
-- passed as KEYS by the caller. Done here, it counts exactly the results stored and costs the
-- worker no extra round trip.
--- @include "includes/record"

local function tally(counts, cmd, key, field, by)
  local fields = counts[cmd][key]
  if not fields then fields = {}; counts[cmd][key] = fields end
  fields[field] = (fields[field] or 0) + by
end

-- quota: {total bytes key, expiry sorted set} (the last two KEYS of the caller): the trace's
-- bytes are added to the total and scheduled to be taken off when the trace expires.
local function complete_one(outcome_key, trace_key, result, outcome, summary, gz, events, stored, truncated, m, batch, counts, quota)
  local f = redis.call('HMGET', rec, 'status', 'score', 'version', 'results')
  local status, score = f[1], f[2]
  if status ~= 'running' and status ~= 'queued' then return 0 end
  move_status(status, 'completed', score)
  redis.call('ZADD', outcome_key, score, id)
  bump({status = 'completed', finishedAt = now_ms(), result = result, outcome = outcome, verdictSummary = summary,
    traceEvents = events, traceStored = stored, traceTruncated = truncated, traceBytes = string.len(gz),
    results = tonumber(f[4] or '0') + 1}, f[3] or '1')
  redis.call('SET', trace_key, gz, 'EX', ttl)
  local len = string.len(gz)
  if quota and len > 0 then
    redis.call('INCRBY', quota[1], len)
    redis.call('ZADD', quota[2], now_ms() + ttl * 1000, id .. '|' .. len)
  end
  emit('completed', {status = 'completed', outcome = outcome}, batch)
  if m[1] and m[1] ~= '' then
    -- summed per counter; the script writes each once with write_counts
    tally(counts, 'HINCRBY', m[1], m[2], 1)
    tally(counts, 'SADD', m[3], m[4], 1)
    tally(counts, 'HINCRBY', m[5], 'count', 1)
    tally(counts, 'HINCRBYFLOAT', m[5], 'sum', tonumber(m[6]))
    tally(counts, 'HINCRBY', m[5], m[7], 1)
  end
  return 1
end

local function new_counts() return {HINCRBY = {}, HINCRBYFLOAT = {}, SADD = {}} end

local function write_counts(counts)
  for cmd, keys in pairs(counts) do
    for key, fields in pairs(keys) do
      for field, by in pairs(fields) do
        if cmd == 'SADD' then redis.call('SADD', key, field) else redis.call(cmd, key, field, by) end
      end
    end
  end
end
