--[[
  Broker.retrieve: move the held-back ids that are due to the tail of the queue (in due order), then
  pop up to ARGV[1] ids from its head. With ARGV[1] = 0 it only moves them: that is what a process's
  timer for the earliest due time runs.

  KEYS[1] <prefix>queue    list of ids, oldest at the head
  KEYS[2] <prefix>delayed  see broker-route-at-2.lua
  ARGV[1] how many ids to pop at most (0: none)
  ARGV[2] now (epoch ms)
  Returns { the popped ids, the earliest due time still held back ("" when none), how many ids moved }.
  The clock that moved them is noted for the claims of what they pop (include/moved-at.lua).
]]
--#include include/moved-at.lua

local moved = 0
-- At most 1,000 per call keeps the script short; the rest are still due, so the caller's timer fires at once.
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2], 'LIMIT', 0, 1000)
if #due > 0 then
  local ids = {}
  for i, member in ipairs(due) do ids[i] = string.sub(member, 17) end
  redis.call('RPUSH', KEYS[1], unpack(ids))
  redis.call('ZREM', KEYS[2], unpack(due))
  noteMoved(KEYS[2], ARGV[2])
  moved = #due
end
local popped = {}
local max = tonumber(ARGV[1])
if max > 0 then
  popped = redis.call('LRANGE', KEYS[1], 0, max - 1)
  if #popped > 0 then redis.call('LTRIM', KEYS[1], #popped, -1) end
end
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
return { popped, first[2] or '', moved }
