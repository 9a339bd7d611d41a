--[[
  TriggerStore.satisfyPart: store the context of one part of a composite trigger (replacing that
  part's earlier one) and, when every part is stored, take them all and clear the trigger: it fires in
  this call only, whatever number of processes satisfy its parts at once. Answered once
  (include/once.lua): the firing call sent again after a reconnect answers the contexts it took again.

  KEYS[1] <prefix>trig:parts:<triggerId>   hash: part index ("0", "1", ...) -> its latest context
  ARGV[1] the connection's kept-answers key   ARGV[2] the call's request id (include/once.lua)
  ARGV[3] the part's index (0-based)   ARGV[4] how many parts the trigger has   ARGV[5] the context
  Returns the contexts in part order when the trigger fires (the hash is deleted), else nil.
]]
--#include include/once.lua

local applied, answer, kept = onceFound(ARGV[1], ARGV[2])
if applied then return answer end
local PARTS = KEYS[1]
local parts = tonumber(ARGV[4])
redis.call('HSET', PARTS, ARGV[3], ARGV[5])
if redis.call('HLEN', PARTS) < parts then return onceKeep(ARGV[1], ARGV[2], kept, nil) end
local contexts = {}
for i = 0, parts - 1 do
  local context = redis.call('HGET', PARTS, tostring(i))
  if not context then return onceKeep(ARGV[1], ARGV[2], kept, nil) end
  contexts[i + 1] = context
end
redis.call('DEL', PARTS)
return onceKeep(ARGV[1], ARGV[2], kept, contexts)
