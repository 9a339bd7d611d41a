--[[
  Read how invocations ended (StateBackend.getOutcome, the reads of one tick together) without sending
  their arguments back: the outcome part of each one's string (layout in state-save-1.lua and
  state-set-outcome-1.lua).

  KEYS[1] the key prefix (each invocation's key is <prefix>rec:<id>)
  ARGV    the invocation ids
  Returns one entry per id: false when no outcome is stored, else { flag, text, large value key? } with
  flag "v" (a value) or "e" (an error), upper-case when the text is a large value.
]]
local function outcome(key)
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

local out = {}
for i = 1, #ARGV do out[i] = outcome(KEYS[1] .. 'rec:' .. ARGV[i]) end
return out
