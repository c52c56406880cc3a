-- The layout every one-record script shares:
--   KEYS[1] the record (P:x:{id})   KEYS[2] its events stream   KEYS[3..7] idx:status:{queued,
--   running, completed, failed, cancelled}
--   ARGV[1] id   ARGV[2] retention in seconds   ARGV[3] the status events channel
local rec, events_key = KEYS[1], KEYS[2]
local status_keys = {queued = KEYS[3], running = KEYS[4], completed = KEYS[5], failed = KEYS[6], cancelled = KEYS[7]}
local id, ttl, channel = ARGV[1], tonumber(ARGV[2]), ARGV[3]
