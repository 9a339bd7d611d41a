--[[
  DataStore.release: one reference fewer for each key (a key listed twice loses two); a text left
  without references goes. Unknown keys are ignored. Layout in data-put-2.lua. Answered once
  (include/once.lua): sent again after a reconnect, it takes no second reference away, so a text
  another invocation still references stays.

  KEYS[1] the key prefix
  ARGV[1] the connection's kept-answers key   ARGV[2] the call's request id (include/once.lua)
  ARGV[3...] the content keys
  Returns the number of texts removed.
]]
--#include include/once.lua

local applied, answer, kept = onceFound(ARGV[1], ARGV[2])
if applied then return answer end
local prefix = KEYS[1]
local stats = prefix .. 'data-stats'
local removed = 0
for i = 3, #ARGV do
  local key = prefix .. 'data:' .. ARGV[i]
  if redis.call('EXISTS', key) == 1 and redis.call('HINCRBY', key, 'refs', -1) <= 0 then
    redis.call('HINCRBY', stats, 'count', -1)
    redis.call('HINCRBY', stats, 'bytes', -redis.call('HSTRLEN', key, 'text'))
    redis.call('UNLINK', key)
    removed = removed + 1
  end
end
return onceKeep(ARGV[1], ARGV[2], kept, removed)
