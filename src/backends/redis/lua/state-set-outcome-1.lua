--[[
  Record how an invocation ended (StateBackend.setOutcome): the outcome goes at the end of its string
  (layout in state-save-1.lua) as "v<text>" (a value) or "e<text>" (an error), or, when the text is a
  large value in the data store, "V" / "E" followed by "<keyBytes>:<key>" and the text.

  With ifAbsent (a cancel from outside any owner) an outcome already stored is kept, as the owner that
  stored it may be about to finish the invocation with it, unless the orchestrator store holds the
  invocation in a status only a cancel can end (KILLED, REROUTED, ...): then that outcome is what an
  earlier attempt stored before its final move was refused (a stop killed it meanwhile, say), and the
  cancel's outcome replaces it, or the invocation would end CANCELLED with the old attempt's result.
  Without the store's status hash (a bundle whose orchestrator store is not this Redis), it is kept.

  KEYS[1] the invocation's key, <prefix>rec:<id>
  ARGV[1] "v" or "e"
  ARGV[2] the text
  ARGV[3] "1" to keep an outcome already stored (ifAbsent), "0" to replace it
  ARGV[4] with ifAbsent: the orchestrator store's status hash of the invocation, <prefix>os:i:<id> (in
          the same hash-tag slot as KEYS[1], built by the caller as the store's scripts build theirs)
  ARGV[5] with ifAbsent: the statuses only a cancel can end, as " A B " (redis-store-rules.ts)
  ARGV[6] the data store key of the text (absent when the text is not a large value)
  Returns 1 when written, 0 when an outcome already stored was kept.
]]
local key = KEYS[1]
local outcome = ARGV[1] .. ARGV[2]
if ARGV[6] then outcome = string.upper(ARGV[1]) .. #ARGV[6] .. ':' .. ARGV[6] .. ARGV[2] end
local m, a, h = string.match(redis.call('GETRANGE', key, 0, 40), '^(%d+),(%d+):()')
if not m then
  redis.call('SET', key, '0,0:' .. outcome)
  return 1
end
local start = h - 1 + tonumber(m) + tonumber(a) -- where the outcome begins (0-based)
if ARGV[3] == '1' and redis.call('STRLEN', key) > start then
  local status = ARGV[4] ~= '' and redis.call('HGET', ARGV[4], 's')
  if not status or not string.find(ARGV[5], ' ' .. status .. ' ', 1, true) then return 0 end
end
-- SET, not APPEND: an appended string keeps room to grow (up to twice its size) for as long as it lives.
redis.call('SET', key, redis.call('GETRANGE', key, 0, start - 1) .. outcome)
return 1
