--[[
  DataStore.release: one reference fewer for each key (a key listed twice loses two); a text left
  without references goes. Unknown keys are ignored. Layout in data-put-2.lua.

  KEYS[1] the key prefix
  ARGV    the content keys
  Returns the number of texts removed.
]]
local prefix = KEYS[1]
local stats = prefix .. 'data-stats'
local removed = 0
for i = 1, #ARGV do
  local key = prefix .. 'data:' .. ARGV[i]
  if redis.call('EXISTS', key) == 1 and redis.call('HINCRBY', key, 'refs', -1) <= 0 then
    redis.call('HINCRBY', stats, 'count', -1)
    redis.call('HINCRBY', stats, 'bytes', -redis.call('HSTRLEN', key, 'text'))
    redis.call('UNLINK', key)
    removed = removed + 1
  end
end
return removed
