--[[
Store how an invocation ended, as state-set-outcome-1.lua describes (that script's header has the
layout and the ifAbsent rule), and read it back (readOutcome). Shared by state-set-outcome-1.lua,
state-get-outcomes-1.lua, store-finish-5.lua and store-resume-2.lua, included as scripts.ts describes.
storeOutcome returns 1 when written, 0 when an outcome already stored was kept.
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

-- The outcome part of the record at `key`, without its arguments: false when none is stored, else
-- { flag, text, large value key? } with flag "v" (a value) or "e" (an error), upper-case when the text
-- is a large value.
local function readOutcome(key)
  local m, a, h = string.match(redis.call('GETRANGE', key, 0, 40), '^(%d+),(%d+):()')
  if not m then return false end
  local start = h - 1 + tonumber(m) + tonumber(a)
  local head = redis.call('GETRANGE', key, start, start + 24)
  if head == '' then return false end
  local flag = string.sub(head, 1, 1)
  local bytes = string.match(head, '^[VE](%d+):')
  if not bytes then return { flag, redis.call('GETRANGE', key, start + 1, -1) } end
  local first = start + 2 + #bytes
  local last = first + tonumber(bytes) - 1
  return { flag, redis.call('GETRANGE', key, last + 1, -1), redis.call('GETRANGE', key, first, last) }
end
