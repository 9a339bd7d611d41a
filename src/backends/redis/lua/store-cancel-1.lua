--[[
requestCancel: mark an unfinished invocation, so that every later move the cancel forbids is refused
(store-change-3.lua reads the mark), and answer its status record as it is.

KEYS[1] the invocation's hash ("<prefix>os:i:<id>")
ARGV[1] the final statuses as " A B " (a final invocation is not marked)
-> {status, owner ("" for none), at} | nil for an unknown invocation
]]
local f = redis.call('HMGET', KEYS[1], 's', 'o', 'at')
if not f[1] then return nil end
if not string.find(ARGV[1], ' ' .. f[1] .. ' ', 1, true) then redis.call('HSET', KEYS[1], 'x', '1') end
return f
