-- Marks the record `rec` running for a worker: {'run', spec, replay or ''} | {'skip', status} | {'gone'}.
--- @include "includes/record"

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
