--[[
  DataStore.retain: one reference more to a stored text, without sending it. Answered once
  (include/once.lua): sent again after a reconnect, it adds no second reference.

  KEYS[1] <prefix>data:<key> (layout in data-put-2.lua)
  ARGV[1] the connection's kept-answers key   ARGV[2] the call's request id (include/once.lua)
  Returns 1, or 0 when the key is not stored (nothing changes; the caller puts the text).
]]
--#include include/once.lua

local applied, answer, kept = onceFound(ARGV[1], ARGV[2])
if applied then return answer end
if redis.call('EXISTS', KEYS[1]) == 0 then return onceKeep(ARGV[1], ARGV[2], kept, 0) end
redis.call('HINCRBY', KEYS[1], 'refs', 1)
return onceKeep(ARGV[1], ARGV[2], kept, 1)
