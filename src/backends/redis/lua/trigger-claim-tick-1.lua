--[[
  TriggerStore.claimCronTick: compare-and-set of a cron trigger's last fired tick, so one tick fires
  once across every process.

  KEYS[1] <prefix>trig:ticks   hash: trigger id -> the last tick it fired (epoch ms)
  ARGV[1] the trigger id   ARGV[2] the tick (epoch ms)
  Returns 1 when the tick is stored (it fires), 0 when that tick or a later one is there already.
]]
local last = redis.call('HGET', KEYS[1], ARGV[1])
if last and tonumber(last) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
