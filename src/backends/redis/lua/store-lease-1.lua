--[[
acquireLease: take or renew a named lease, granted when nobody holds it, its holder's lease ended
before now, or the caller holds it already.

KEYS[1] the lease's hash ("<prefix>os:lease:<name>"): holder, until
ARGV[1] holder, ARGV[2] now (ms epoch), ARGV[3] until (ms epoch)
-> 1 when the caller holds it now, else 0
]]
local current = redis.call('HMGET', KEYS[1], 'holder', 'until')
if current[1] and current[1] ~= ARGV[1] and tonumber(current[2]) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'until', ARGV[3])
return 1
