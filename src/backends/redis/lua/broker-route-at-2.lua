--[[
  Broker.routeAt: hold ids back until their due time (retries with a backoff). Every entry is its own
  member, so an id held back twice is routed twice (as on the other brokers), and ids due at the same
  time keep their routing order (members of one score sort by their zero-padded sequence number).

  KEYS[1] <prefix>delayed      sorted set, score = due time (epoch ms), member = "<seq, 15 digits>:<id>"
  KEYS[2] <prefix>delayed-seq  the last sequence number given out
  ARGV[1] the due time (epoch ms)
  ARGV[2..] the ids, in routing order
  Returns how many ids were held back.
]]
local n = #ARGV - 1
if n < 1 then return 0 end
local last = redis.call('INCRBY', KEYS[2], n)
local args = {}
for i = 1, n do
  args[2 * i - 1] = ARGV[1]
  args[2 * i] = string.format('%015d:%s', last - n + i, ARGV[i + 1])
end
-- unpack() is bounded by Lua's stack: add in slices.
for i = 1, #args, 4000 do
  redis.call('ZADD', KEYS[1], unpack(args, i, math.min(i + 3999, #args)))
end
return n
