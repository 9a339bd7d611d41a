--[[
requestCancel: mark an unfinished invocation, so that every later move the cancel forbids is refused
(store-change-3.lua reads the mark), and answer its status record as it is.

KEYS[1] the invocation's hash ("<prefix>os:i:<id>")
A final invocation is not marked (FINAL_WORDS: status.ts's final statuses, written into the script).
-> {status, owner ("" for none), at} | nil for an unknown invocation
]]
--#rules
local f = redis.call('HMGET', KEYS[1], 's', 'o', 'at')
if not f[1] then return nil end
if not string.find(FINAL_WORDS, ' ' .. f[1] .. ' ', 1, true) then redis.call('HSET', KEYS[1], 'x', '1') end
return f
