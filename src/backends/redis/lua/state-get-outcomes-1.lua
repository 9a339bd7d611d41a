--[[
  Read how invocations ended (StateBackend.getOutcome, the reads of one tick together) without sending
  their arguments back: the outcome part of each one's string (layout in state-save-1.lua and
  state-set-outcome-1.lua).

  KEYS[1] the key prefix (each invocation's key is <prefix>rec:<id>)
  ARGV    the invocation ids
  Returns one entry per id: false when no outcome is stored, else { flag, text, large value key? } with
  flag "v" (a value) or "e" (an error), upper-case when the text is a large value.
]]
--#include include/outcome.lua

local out = {}
for i = 1, #ARGV do out[i] = readOutcome(KEYS[1] .. 'rec:' .. ARGV[i]) end
return out
