-- CONFIRM: the job is in the queue, the Idempotency-Key is no longer in flight.
-- KEYS: 1 the Idempotency-Key's key, 2 the sorted set of pending keys
-- ARGV: 1 id, 2 retention s, 3 body hash
redis.call('SET', KEYS[1], 'done|' .. ARGV[3] .. '|' .. ARGV[1], 'EX', tonumber(ARGV[2]))
redis.call('ZREM', KEYS[2], KEYS[1])
return 1
