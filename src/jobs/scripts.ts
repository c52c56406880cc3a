// Lua scripts that change an experiment record. Each runs atomically in Redis, so a status
// change, its index entries and its event are never seen apart, and a result is stored at most
// once even when two workers finish the same experiment (stalled-job recovery). Keys are built
// from the prefix inside the scripts (standalone Redis; not written for Redis Cluster).

// Shared helpers, prepended to every script. ARGV[1] = prefix, ARGV[2] = id, ARGV[3] = ttl s.
const COMMON = `
local p, id, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local rec = p .. ':x:' .. id
-- one clock reading per script: the changes of one call happen at one instant
local now
local function now_ms()
  if not now then
    local t = redis.call('TIME')
    now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return now
end
-- batch: a table the event is added to instead of being published at once; the *_MANY scripts
-- publish all their events in one message with publish_batch (events.ts reads both forms).
-- fresh: the event starts the stream (a new record, a deletion), which then gets the record's
-- retention; later entries keep it.
local function emit(event, fields, batch, fresh)
  local sk = rec .. ':events'
  local args = {'XADD', sk, 'MAXLEN', '~', '1000', '*', 'event', event}
  for k, v in pairs(fields) do table.insert(args, k); table.insert(args, tostring(v)) end
  local sid = redis.call(unpack(args))
  if fresh then redis.call('EXPIRE', sk, ttl) end
  fields.id = id; fields.event = event; fields.streamId = sid
  if batch then table.insert(batch, fields) else redis.call('PUBLISH', p .. ':events', cjson.encode(fields)) end
  return sid
end
local function publish_batch(batch)
  if #batch > 0 then redis.call('PUBLISH', p .. ':events', cjson.encode({batch = batch})) end
end
local function move_status(from, to, score)
  if from and from ~= '' then redis.call('ZREM', p .. ':idx:status:' .. from, id) end
  redis.call('ZADD', p .. ':idx:status:' .. to, score, id)
end
-- version: the record's version when the caller has already read it (saves an HINCRBY)
local function bump(fields, version)
  if version then fields.version = tonumber(version) + 1 end
  local args = {'HSET', rec}
  for k, v in pairs(fields) do table.insert(args, k); table.insert(args, tostring(v)) end
  redis.call(unpack(args))
  if not version then redis.call('HINCRBY', rec, 'version', 1) end
end
`;

// A new record in state queued with its index entries and its 'queued' event; `rec` and `id`
// must name it. ZADDs are collected in `adds` (index key -> {score, id, ...}) so a batch writes
// each index once; flush_adds sends them.
const NEW_RECORD = `
local function new_record(spec, platform, mutexType, engine, ms, seq, adds, batch)
  local score = string.format('%.0f', ms * 1000 + seq % 1000)
  redis.call('HSET', rec, 'id', id, 'status', 'queued', 'spec', spec, 'queuedAt', ms, 'score', score,
    'platform', platform, 'mutexType', mutexType, 'engine', engine, 'version', 1, 'attempts', 0)
  redis.call('EXPIRE', rec, ttl)
  for _, k in ipairs({p .. ':idx:all', p .. ':idx:status:queued', p .. ':idx:platform:' .. platform,
                      p .. ':idx:mutexType:' .. mutexType, p .. ':idx:engine:' .. engine}) do
    local list = adds[k]
    if not list then list = {}; adds[k] = list end
    table.insert(list, score); table.insert(list, id)
  end
  return emit('queued', {status = 'queued'}, batch, true)
end
local function flush_adds(adds, ms)
  for k, list in pairs(adds) do redis.call('ZADD', k, unpack(list)) end
  -- entries older than the retention can only point at expired records
  redis.call('ZREMRANGEBYSCORE', p .. ':idx:all', '-inf', string.format('%.0f', (ms - ttl * 1000) * 1000))
end
`;

/** ARGV: p id ttl spec platform mutexType engine maxQueued idemKey bodyHash replay -> {kind, id} */
export const CREATE = COMMON + NEW_RECORD + `
local spec, platform, mutexType, engine = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local maxQueued, idemKey, bodyHash = tonumber(ARGV[8]), ARGV[9], ARGV[10]
local ik = p .. ':idem:' .. idemKey
if idemKey ~= '' then
  local v = redis.call('GET', ik)
  if v then
    local state, hash, eid = string.match(v, '^(%a+)|(%x+)|(.+)$')
    if hash ~= bodyHash then return {'idempotency_mismatch', eid} end
    if state == 'pending' then return {'idempotency_in_flight', eid} end
    if redis.call('EXISTS', p .. ':x:' .. eid) == 1 then return {'existing', eid} end
  end
end
if maxQueued > 0 and redis.call('ZCARD', p .. ':idx:status:queued') >= maxQueued then return {'full', ''} end
local ms = now_ms()
local adds = {}
new_record(spec, platform, mutexType, engine, ms, redis.call('INCR', p .. ':seq'), adds)
-- a replay's token, kept beside the spec it recorded (the worker replays its schedule)
if ARGV[11] and ARGV[11] ~= '' then redis.call('HSET', rec, 'replay', ARGV[11]) end
flush_adds(adds, ms)
if idemKey ~= '' then redis.call('SET', ik, 'pending|' .. bodyHash .. '|' .. id, 'EX', ttl) end
return {'created', id}
`;

/**
 * Group commit (admission.ts): the records of every experiment submitted at about the same
 * time, in one script, and their 'queued' events in one published message. ARGV: p '' ttl maxQueued n, then n times: id spec platform mutexType
 * engine -> one 1 (created) or 0 (refused: the queue holds MAX_QUEUED) per experiment, in order.
 */
export const CREATE_MANY = COMMON + NEW_RECORD + `
local maxQueued, n = tonumber(ARGV[4]), tonumber(ARGV[5])
local queued = 0
if maxQueued > 0 then queued = redis.call('ZCARD', p .. ':idx:status:queued') end
local ms = now_ms()
local seq = redis.call('INCRBY', p .. ':seq', n) - n
local adds, out, batch = {}, {}, {}
for i = 0, n - 1 do
  local a = 6 + i * 5
  if maxQueued > 0 and queued >= maxQueued then
    out[i + 1] = 0
  else
    queued = queued + 1
    id = ARGV[a]; rec = p .. ':x:' .. id
    new_record(ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ms, seq + i + 1, adds, batch)
    out[i + 1] = 1
  end
end
if #batch > 0 then flush_adds(adds, ms) end
publish_batch(batch)
return out
`;

/** ARGV: p id ttl idemKey bodyHash: the job is in the queue, the key is no longer in flight. */
export const CONFIRM = COMMON + `
if ARGV[4] ~= '' then redis.call('SET', p .. ':idem:' .. ARGV[4], 'done|' .. ARGV[5] .. '|' .. id, 'EX', ttl) end
return 1
`;

// Marks the record `rec` running for a worker: {'run', spec, replay or ''} | {'skip', status} | {'gone'}.
const BEGIN_ONE = `
local function begin_one(worker, batch)
  local f = redis.call('HMGET', rec, 'status', 'score', 'spec', 'version', 'attempts', 'replay')
  local status, score, spec = f[1], f[2], f[3]
  if not status then return {'gone'} end
  if status ~= 'queued' and status ~= 'running' then return {'skip', status} end
  move_status(status, 'running', score)
  local attempts = tonumber(f[5] or '0') + 1
  bump({status = 'running', startedAt = now_ms(), worker = worker, attempts = attempts}, f[4] or '1')
  emit('running', {status = 'running', attempt = attempts, worker = worker}, batch)
  return {'run', spec, f[6] or ''}
end
`;

/** ARGV: p id ttl worker -> {'run', spec, replay} | {'skip', status} | {'gone'} */
export const BEGIN = COMMON + BEGIN_ONE + `
return begin_one(ARGV[4])
`;

/** ARGV: p '' ttl worker n id... -> kind1, value1, kind2, value2, ... (value '' for gone; groups hold no replays) */
export const BEGIN_MANY = COMMON + BEGIN_ONE + `
local out, batch = {}, {}
for i = 1, tonumber(ARGV[5]) do
  id = ARGV[5 + i]; rec = p .. ':x:' .. id
  local r = begin_one(ARGV[4], batch)
  table.insert(out, r[1]); table.insert(out, r[2] or '')
end
publish_batch(batch)
return out
`;

// Stores the result of `rec` unless it is already stored or the experiment was cancelled:
// 1 stored | 0 not. `m` is the /metrics counting (metrics.ts, MetricsRecorder.completeArgs):
// finishedKey finishedField enginesKey engine durationKey seconds bucketField. Done here, it
// counts exactly the results stored and costs the worker no extra round trip.
const COMPLETE_ONE = `
local function tally(counts, cmd, key, field, by)
  local fields = counts[cmd][key]
  if not fields then fields = {}; counts[cmd][key] = fields end
  fields[field] = (fields[field] or 0) + by
end
local function complete_one(result, outcome, summary, gz, events, stored, truncated, m, batch, counts)
  local f = redis.call('HMGET', rec, 'status', 'score', 'version', 'results')
  local status, score = f[1], f[2]
  if status ~= 'running' and status ~= 'queued' then return 0 end
  move_status(status, 'completed', score)
  redis.call('ZADD', p .. ':idx:outcome:' .. outcome, score, id)
  bump({status = 'completed', finishedAt = now_ms(), result = result, outcome = outcome, verdictSummary = summary,
    traceEvents = events, traceStored = stored, traceTruncated = truncated, traceBytes = string.len(gz),
    results = tonumber(f[4] or '0') + 1}, f[3] or '1')
  redis.call('SET', rec .. ':trace', gz, 'EX', ttl)
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
`;

/** ARGV: p id ttl result outcome summary traceGz traceEvents traceStored truncated [metrics x7] -> 1 | 0 */
export const COMPLETE = COMMON + COMPLETE_ONE + `
local counts = new_counts()
local stored = complete_one(ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10],
  {ARGV[11], ARGV[12], ARGV[13], ARGV[14], ARGV[15], ARGV[16], ARGV[17]}, nil, counts)
write_counts(counts)
return stored
`;

/**
 * The results of a window of a group job in one script. ARGV: p '' ttl n, then n times 15:
 * id result outcome summary traceGz traceEvents traceStored truncated, metrics x7 ('' when not
 * counted) -> 1 | 0 per result, in order. Events go out in one message, and the /metrics
 * counts are summed in the script and written once per counter.
 */
export const COMPLETE_MANY = COMMON + COMPLETE_ONE + `
local out, batch, counts = {}, {}, new_counts()
for i = 0, tonumber(ARGV[4]) - 1 do
  local a = 5 + i * 15
  id = ARGV[a]; rec = p .. ':x:' .. id
  out[i + 1] = complete_one(ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6], ARGV[a + 7],
    {ARGV[a + 8], ARGV[a + 9], ARGV[a + 10], ARGV[a + 11], ARGV[a + 12], ARGV[a + 13], ARGV[a + 14]}, batch, counts)
end
write_counts(counts)
publish_batch(batch)
return out
`;

/** ARGV: p id ttl errorJson -> 1 | 0 */
export const FAIL = COMMON + `
local status = redis.call('HGET', rec, 'status')
if status ~= 'running' and status ~= 'queued' then return 0 end
move_status(status, 'failed', redis.call('HGET', rec, 'score'))
bump({status = 'failed', finishedAt = now_ms(), error = ARGV[4]})
emit('failed', {status = 'failed'})
return 1
`;

/** ARGV: p id ttl reason: a running experiment goes back to the queue (worker shutdown). */
export const REQUEUE = COMMON + `
local status = redis.call('HGET', rec, 'status')
if status ~= 'running' then return 0 end
move_status(status, 'queued', redis.call('HGET', rec, 'score'))
bump({status = 'queued'})
emit('queued', {status = 'queued', reason = ARGV[4]})
return 1
`;

/** ARGV: p id ttl progressJson */
export const PROGRESS = COMMON + `
if redis.call('HGET', rec, 'status') ~= 'running' then return 0 end
bump({progress = ARGV[4]})
emit('progress', {status = 'running', progress = ARGV[4]})
return 1
`;

/**
 * ARGV: p id ttl index done failures planned strategy: one chunk of a chunked exploration
 * (explore-flow.ts) reports its own running totals. They are kept per chunk in P:x:{id}:chunks,
 * so a retried chunk replaces its figures instead of counting twice, and the record's progress
 * becomes the sum over every chunk: schedules done of the whole exploration's planned.
 */
export const CHUNK_PROGRESS = COMMON + `
if redis.call('HGET', rec, 'status') ~= 'running' then return 0 end
local ck = rec .. ':chunks'
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
`;

/** ARGV: p id ttl -> {'cancelled', previous} | {'finished', status} | {'gone'} */
export const CANCEL = COMMON + `
local status = redis.call('HGET', rec, 'status')
if not status then return {'gone'} end
if status ~= 'queued' and status ~= 'running' then return {'finished', status} end
move_status(status, 'cancelled', redis.call('HGET', rec, 'score'))
bump({status = 'cancelled', finishedAt = now_ms()})
emit('cancelled', {status = 'cancelled'})
redis.call('PUBLISH', p .. ':cancel', id)
return {'cancelled', status}
`;

/** ARGV: p id ttl -> 1 deleted | 0 unknown. Only finished experiments are deleted (the route checks). */
export const DELETE = COMMON + `
local f = redis.call('HMGET', rec, 'status', 'outcome', 'platform', 'mutexType', 'engine')
if not f[1] then return 0 end
local names = {'status', 'outcome', 'platform', 'mutexType', 'engine'}
for i, name in ipairs(names) do
  if f[i] then redis.call('ZREM', p .. ':idx:' .. name .. ':' .. f[i], id) end
end
redis.call('ZREM', p .. ':idx:all', id)
redis.call('DEL', rec, rec .. ':trace', rec .. ':chunks')
emit('deleted', {status = 'deleted'}, nil, true)
return 1
`;
