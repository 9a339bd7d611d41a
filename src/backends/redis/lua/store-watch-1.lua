--[[
The status read of a process about to wait for finals (whenAllFinal): statuses as store-read-1.lua's
`statuses` answers them, and, in the same step, the process marked as a listener of each unfinished one,
so that the finish publishes its final (store-finish-5.lua publishes only what another process than the
finishing one may wait for). The mark is the field `w` of the invocation, "-" from its registration
(nobody yet, store-register-3.lua): the first listener writes itself (its notifier's sender), another
one turns it into "*" (several); an empty or missing one (unknown: registered by an older script, or
through store-change-3.lua) is left, as its final is always published. An id the store does not know
is not marked: a caller takes it for gone (purged, or lost with a Redis that came back empty), as an
await of a result does.

KEYS[1] the store's seq counter: not read, it names the app's slot (see store-read-1.lua)
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] the listener (its notifier's sender)
ARGV[3...] ids
-> status, owner, at per id, flat (nil for an unknown id)
The final statuses (FINAL_WORDS) are status.ts's, written into the script (redis-store-rules.ts).
]]
--#rules
local P, watcher, finals = ARGV[1], ARGV[2], FINAL_WORDS
local out = {}
for i = 3, #ARGV do
  local key = P .. 'i:' .. ARGV[i]
  local f = redis.call('HMGET', key, 's', 'o', 'at', 'w')
  if f[1] and f[4] and f[4] ~= '' and f[4] ~= watcher and f[4] ~= '*'
    and not string.find(finals, ' ' .. f[1] .. ' ', 1, true) then
    -- The first listener, or another one (no `w`: unknown, its final is published anyway).
    redis.call('HSET', key, 'w', f[4] == '-' and watcher or '*')
  end
  out[#out + 1] = f[1]
  out[#out + 1] = f[2]
  out[#out + 1] = f[3]
end
return out
