-- COMPLETE: store a result, once, unless the experiment was cancelled.
-- KEYS: 1-7 as includes/single, 8 idx:outcome:{outcome}, 9 the record's trace, then, when
--       counted for /metrics, 10 the finished counter, 11 the engines set, 12 the engine's
--       duration histogram; last two: the stored trace bytes total, its expiry sorted set
-- ARGV: 1-3 as includes/single, 4 result JSON, 5 outcome, 6 verdict summary, 7 trace gzip,
--       8 trace events, 9 events stored, 10 truncated (1|0), 11 finished field, 12 engine,
--       13 seconds, 14 bucket field ('' from 11 on when not counted)
-- Returns 1 stored | 0 not.
--- @include "includes/single"
--- @include "includes/complete-one"
local counts = new_counts()
local m = {}
if ARGV[11] ~= '' then m = {KEYS[10], ARGV[11], KEYS[11], ARGV[12], KEYS[12], ARGV[13], ARGV[14]} end
local quota = {KEYS[#KEYS - 1], KEYS[#KEYS]}
local stored = complete_one(KEYS[8], KEYS[9], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], m, nil, counts, quota)
write_counts(counts)
return stored
