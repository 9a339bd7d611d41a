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
-- A record up to this size is read whole in one GETRANGE (a larger one: its head, then what is needed).
local SMALL_RECORD = 512
local SMALL_RECORD_LAST = '511' -- its last index, as a string (see COUNTS in include/store-moves.lua)

-- The record at `key` read for its outcome: where the outcome begins (0-based; false when the key holds
-- no record header) and, when the record is small, its whole text (else nil).
local function recordHead(key)
  local head = redis.call('GETRANGE', key, '0', SMALL_RECORD_LAST)
  local m, a, h = string.match(head, '^(%d+),(%d+):()')
  if not m then return false, head end
  return h - 1 + tonumber(m) + tonumber(a), #head < SMALL_RECORD and head or nil
end

local function storeOutcome(key, kind, text, ifAbsent, statusKey, onlyCancel, largeKey)
  -- What goes before the text (the flag, and a large value's key): the record is written in one
  -- concatenation, the text copied once.
  local mark = kind
  if largeKey and largeKey ~= '' then mark = string.upper(kind) .. #largeKey .. ':' .. largeKey end
  local start, whole = recordHead(key)
  if not start then
    redis.call('SET', key, '0,0:' .. mark .. text)
    return 1
  end
  if ifAbsent == '1' and (whole and #whole or redis.call('STRLEN', key)) > start then
    local status = statusKey ~= '' and redis.call('HGET', statusKey, 's')
    if not status or not string.find(onlyCancel, ' ' .. status .. ' ', 1, true) then return 0 end
  end
  -- SET, not APPEND: an appended string keeps room to grow (up to twice its size) for as long as it lives.
  local kept
  if not whole then
    kept = redis.call('GETRANGE', key, 0, start - 1)
  elseif #whole == start then
    kept = whole -- no outcome stored yet: the record as read
  else
    kept = string.sub(whole, 1, start)
  end
  redis.call('SET', key, kept .. mark .. text)
  return 1
end

-- The outcome part of the record at `key`, without its arguments: false when none is stored, else
-- { flag, text, large value key? } with flag "v" (a value) or "e" (an error), upper-case when the text
-- is a large value.
local function readOutcome(key)
  local start, whole = recordHead(key)
  if not start then return false end
  local tail = whole and string.sub(whole, start + 1) or redis.call('GETRANGE', key, start, -1)
  if tail == '' then return false end
  local flag = string.sub(tail, 1, 1)
  local bytes = string.match(tail, '^[VE](%d+):')
  if not bytes then return { flag, string.sub(tail, 2) } end
  local first = 3 + #bytes -- 1-based, in `tail`
  local last = first + tonumber(bytes) - 1
  return { flag, string.sub(tail, last + 1), string.sub(tail, first, last) }
end
