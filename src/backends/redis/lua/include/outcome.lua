--[[
Store how an invocation ended, as state-set-outcome-1.lua describes (that script's header has the
layout and the ifAbsent rule). Shared by state-set-outcome-1.lua and store-finish-5.lua, included as
scripts.ts describes. Returns 1 when written, 0 when an outcome already stored was kept.
  key       the invocation's record, <prefix>rec:<id>
  kind      "v" or "e";  text: the text;  ifAbsent: "1" or "0"
  statusKey with ifAbsent: the store's status hash of the invocation ("" when none)
  onlyCancel with ifAbsent: the statuses only a cancel can end, as " A B "
  largeKey  the data store key of the text, or nil / "" when it is not a large value
]]
local function storeOutcome(key, kind, text, ifAbsent, statusKey, onlyCancel, largeKey)
  local outcome = kind .. text
  if largeKey and largeKey ~= '' then outcome = string.upper(kind) .. #largeKey .. ':' .. largeKey .. text end
  local m, a, h = string.match(redis.call('GETRANGE', key, 0, 40), '^(%d+),(%d+):()')
  if not m then
    redis.call('SET', key, '0,0:' .. outcome)
    return 1
  end
  local start = h - 1 + tonumber(m) + tonumber(a) -- where the outcome begins (0-based)
  if ifAbsent == '1' and redis.call('STRLEN', key) > start then
    local status = statusKey ~= '' and redis.call('HGET', statusKey, 's')
    if not status or not string.find(onlyCancel, ' ' .. status .. ' ', 1, true) then return 0 end
  end
  -- SET, not APPEND: an appended string keeps room to grow (up to twice its size) for as long as it lives.
  redis.call('SET', key, redis.call('GETRANGE', key, 0, start - 1) .. outcome)
  return 1
end
