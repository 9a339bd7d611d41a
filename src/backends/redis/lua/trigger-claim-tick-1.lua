--[[
  TriggerStore.claimCronTick: compare-and-set of a cron trigger's last fired tick, so one tick fires
  once across every process. Answered once (include/once.lua): the taker's call sent again after a
  reconnect still answers 1, so a tick it took is not lost to everybody.

  KEYS[1] <prefix>trig:ticks   hash: trigger id -> the last tick it fired (epoch ms)
  ARGV[1] the connection's kept-answers key   ARGV[2] the call's request id (include/once.lua)
  ARGV[3] the trigger id   ARGV[4] the tick (epoch ms)
  Returns 1 when the tick is stored (it fires), 0 when that tick or a later one is there already.
]]
--#include include/once.lua

local applied, answer, kept = onceFound(ARGV[1], ARGV[2])
if applied then return answer end
local last = redis.call('HGET', KEYS[1], ARGV[3])
if last and tonumber(last) >= tonumber(ARGV[4]) then return onceKeep(ARGV[1], ARGV[2], kept, 0) end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
return onceKeep(ARGV[1], ARGV[2], kept, 1)
