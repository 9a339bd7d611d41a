--[[
pin / unpin: count the outside readers of invocations' results (retention skips an id while counted).
The pins and unpins of one tick come in one call, applied in the order they were made.

KEYS[1] pins       hash: id -> number of pins
KEYS[2] pinned-at  hash: id -> time of its latest pin (pins expire, see store-purge-4.lua)
ARGV[1] now (ms epoch, the time of the pins)
ARGV[2...] one per pin or unpin, in order: "+<id>" pins the id, "-<id>" unpins it
]]
for i = 2, #ARGV do
  local op, id = string.sub(ARGV[i], 1, 1), string.sub(ARGV[i], 2)
  if op == '+' then
    redis.call('HINCRBY', KEYS[1], id, 1)
    redis.call('HSET', KEYS[2], id, ARGV[1])
  else
    local count = tonumber(redis.call('HGET', KEYS[1], id))
    if not count then
      -- one unpin too many is harmless
    elseif count > 1 then
      redis.call('HINCRBY', KEYS[1], id, -1)
    else
      redis.call('HDEL', KEYS[1], id)
      redis.call('HDEL', KEYS[2], id)
    end
  end
end
