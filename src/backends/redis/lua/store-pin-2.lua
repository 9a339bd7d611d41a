--[[
pin / unpin: count the outside readers of one invocation's result (retention skips it while counted).

KEYS[1] pins       hash: id -> number of pins
KEYS[2] pinned-at  hash: id -> time of its latest pin (pins expire, see store-purge-4.lua)
ARGV[1] "pin" or "unpin", ARGV[2] the invocation id, ARGV[3] now (ms epoch, for "pin")
]]
local id = ARGV[2]
if ARGV[1] == 'pin' then
  redis.call('HINCRBY', KEYS[1], id, 1)
  redis.call('HSET', KEYS[2], id, ARGV[3])
  return
end
local count = tonumber(redis.call('HGET', KEYS[1], id))
if not count then return end -- one unpin too many is harmless
if count > 1 then
  redis.call('HINCRBY', KEYS[1], id, -1)
else
  redis.call('HDEL', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
