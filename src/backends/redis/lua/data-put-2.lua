--[[
  DataStore.put: store a text under its content key unless it is there already (its text stays);
  either way one reference more. A value is the hash <prefix>data:<key> { text, refs }; the hash
  <prefix>data-stats { count, bytes } keeps the totals the inspection methods read.

  KEYS[1] <prefix>data:<key>
  KEYS[2] <prefix>data-stats
  ARGV[1] the text
  Returns 1 when the text was stored, 0 when it was there and only gained a reference.
]]
if redis.call('HINCRBY', KEYS[1], 'refs', 1) > 1 then return 0 end
redis.call('HSET', KEYS[1], 'text', ARGV[1])
redis.call('HINCRBY', KEYS[2], 'count', 1)
redis.call('HINCRBY', KEYS[2], 'bytes', #ARGV[1])
return 1
