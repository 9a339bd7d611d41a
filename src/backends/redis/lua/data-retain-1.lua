--[[
  DataStore.retain: one reference more to a stored text, without sending it.

  KEYS[1] <prefix>data:<key> (layout in data-put-2.lua)
  Returns 1, or 0 when the key is not stored (nothing changes; the caller puts the text).
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'refs', 1)
return 1
