--[[
Answers kept for a call sent again. ioredis sends a call again after a reconnect when its answer did not
come back, though Redis may have applied it; sent again, it must get its first answer instead of being
applied twice. A request id is "<uuid>:<n>:<answered>" (request-ids.ts: one sequence per connection,
`answered` the count up to which every answer of that connection came back), and a kept answer is an
entry "<request id>\n<answer>"; entries are joined by "\r" in one string (neither ids nor answers hold
it). keptEntry finds a request's answer; unanswered drops the entries no call can ask for any more.
claim.lua keeps the claims of claim-next (and any claim with ids held back) this way, once.lua the
answers of the calls that change counts or take a turn. Kept a day after the latest call that writes them.
]]
local KEEP_MS = '86400000'

-- The answer `kept` holds for `request` (the text after its id), or nil.
local function keptEntry(kept, request)
  if not kept then return nil end
  local head = request .. '\n'
  for entry in string.gmatch(kept, '[^\r]+') do
    if string.sub(entry, 1, #head) == head then return string.sub(entry, #head + 1) end
  end
  return nil
end

-- The entries of `kept` that a call may still ask for, as `request` sees it: those of its connection
-- numbered above its `answered` (the others came back and are never sent again, or are another
-- connection's, whose own calls keep them).
local function unanswered(kept, request)
  local left = {}
  if not kept then return left end
  local uuid, answered = string.match(request, '^([^:]*):%d+:(%d+)')
  answered = tonumber(answered)
  for entry in string.gmatch(kept, '[^\r]+') do
    local u, n = string.match(entry, '^([^:]*):(%d+):')
    if u == uuid and tonumber(n) > answered then left[#left + 1] = entry end
  end
  return left
end
