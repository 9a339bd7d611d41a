--[[
The orchestrator store's reads that take more than one command: one script call, one round trip,
whatever the number of ids. Reads only.

KEYS[1] the store's seq counter: not read, it names the app's slot so that a Redis Cluster routes the
        call to the node holding the keys built below from the prefix
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] the operation; its own ARGV follow:
  statuses  3... ids             -> status, owner, at per id, flat (nil for an unknown id)
  edges     3 "out" or "in", 4... ids
            -> per id, the ids it waits for ("out") or those waiting for it ("in")
  find      3 task id, 4... statuses      -> the ids in any of the statuses whose task it is
  rank      3 cap, 4... ids
            -> per id, how many invocations wait for it directly or transitively, following the
               "in" sets breadth first and counting up to about the cap (the claim order of DESIGN
               section 3, in one round trip instead of one per level of the graph and candidate)
]]
local P, op = ARGV[1], ARGV[2]
local out = {}

--#include include/wait-rank.lua

if op == 'statuses' then
  for i = 3, #ARGV do
    local f = redis.call('HMGET', P .. 'i:' .. ARGV[i], 's', 'o', 'at')
    out[#out + 1] = f[1]
    out[#out + 1] = f[2]
    out[#out + 1] = f[3]
  end
elseif op == 'edges' then
  local kind = ARGV[3] .. ':'
  for i = 4, #ARGV do out[#out + 1] = redis.call('SMEMBERS', P .. kind .. ARGV[i]) end
elseif op == 'find' then
  local task, seen = ARGV[3], {}
  for i = 4, #ARGV do
    for _, id in ipairs(redis.call('SMEMBERS', P .. 'by:' .. ARGV[i])) do
      if not seen[id] and redis.call('HGET', P .. 'i:' .. id, 't') == task then out[#out + 1] = id end
      seen[id] = true
    end
  end
elseif op == 'rank' then
  local cap = tonumber(ARGV[3])
  local memo = {}
  for i = 4, #ARGV do out[#out + 1] = waitersUpTo(ARGV[i], cap, memo) end
end
return out
