--[[
  TriggerStore.satisfyPart: store the context of one part of a composite trigger (replacing that
  part's earlier one) and, when every part is stored, take them all and clear the trigger: it fires in
  this call only, whatever number of processes satisfy its parts at once.

  KEYS[1] <prefix>trig:parts:<triggerId>   hash: part index ("0", "1", ...) -> its latest context
  ARGV[1] the part's index (0-based)   ARGV[2] how many parts the trigger has   ARGV[3] the context
  Returns the contexts in part order when the trigger fires (the hash is deleted), else nil.
]]
local PARTS = KEYS[1]
local parts = tonumber(ARGV[2])
redis.call('HSET', PARTS, ARGV[1], ARGV[3])
if redis.call('HLEN', PARTS) < parts then return nil end
local contexts = {}
for i = 0, parts - 1 do
  local context = redis.call('HGET', PARTS, tostring(i))
  if not context then return nil end
  contexts[i + 1] = context
end
redis.call('DEL', PARTS)
return contexts
