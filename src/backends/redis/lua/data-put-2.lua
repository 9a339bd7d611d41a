--[[
  DataStore.put: store a text under its content key unless it is there already (its text stays);
  either way one reference more. A value is the hash <prefix>data:<key> { text, refs }; the hash
  <prefix>data-stats { count, bytes } keeps the totals the inspection methods read. Answered once
  (include/once.lua): sent again after a reconnect, it adds no second reference.

  KEYS[1] <prefix>data:<key>
  KEYS[2] <prefix>data-stats
  ARGV[1] the connection's kept-answers key   ARGV[2] the call's request id (include/once.lua)
  ARGV[3] the text
  Returns 1 when the text was stored, 0 when it was there and only gained a reference.
]]
--#include include/once.lua

local applied, answer, kept = onceFound(ARGV[1], ARGV[2])
if applied then return answer end
if redis.call('HINCRBY', KEYS[1], 'refs', 1) > 1 then return onceKeep(ARGV[1], ARGV[2], kept, 0) end
redis.call('HSET', KEYS[1], 'text', ARGV[3])
redis.call('HINCRBY', KEYS[2], 'count', 1)
redis.call('HINCRBY', KEYS[2], 'bytes', #ARGV[3])
return onceKeep(ARGV[1], ARGV[2], kept, 1)
