--[[
The clock by which due ids were moved from the broker's delayed set to its queue, shared by
include/claim.lua (moveDue, and the claims of what it pops) and broker-retrieve-2.lua, included as
scripts.ts describes. A process moves the ids whose due time its clock has passed; a claim made by
another process may carry an `at` read before that (its caller's clock, read when the call was sent),
so the claim of an id popped from the queue is dated by the later of the two: never before its due time.
The key is the delayed set's with "-moved" appended (`<prefix>delayed-moved`, in the same slot).
]]

-- Notes `at` (epoch ms, as a string) as the clock due ids were moved by, unless a later one is noted.
local function noteMoved(delayed, at)
  local key = delayed .. '-moved'
  local before = redis.call('GET', key)
  if not before or tonumber(before) < tonumber(at) then redis.call('SET', key, at) end
end

-- The time of a claim of ids popped from the queue: `at`, or the clock they were moved by when later.
local function poppedAt(delayed, at)
  local moved = redis.call('GET', delayed .. '-moved')
  if moved and tonumber(moved) > tonumber(at) then return moved end
  return at
end
