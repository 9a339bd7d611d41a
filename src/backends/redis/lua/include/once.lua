--[[
A call that changes counts or takes a turn, answered once: ioredis sends a call again after a reconnect
when its answer did not come back, though Redis may have applied it; sent again, it gets its first answer
instead of being applied twice (a reference released twice, a cron tick taken and then refused to its
taker). The caller passes its connection's kept-answers key ("<app prefix>sent:<uuid>", request-ids.ts)
and the call's request id "<uuid>:<n>:<answered>". Kept: "<n>\n<answer as JSON>" entries joined by "\r"
(JSON holds neither); each call drops those numbered up to `answered` (their answers came back, and
they are never sent again). The key lives a day after the connection's latest such call.
]]
local ONCE_KEEP_MS = '86400000'

-- Whether `request` was applied before, its first answer then, and the kept entries' text (for onceKeep).
local function onceFound(keptKey, request)
  local kept = redis.call('GET', keptKey)
  if not kept then return false, nil, kept end
  local n = string.match(request, '^[^:]*:(%d+):')
  for entry in string.gmatch(kept, '[^\r]+') do
    local at = string.find(entry, '\n', 1, true)
    if string.sub(entry, 1, at - 1) == n then return true, cjson.decode(string.sub(entry, at + 1))[1], kept end
  end
  return false, nil, kept
end

-- Keeps `answer` (nil included) as `request`'s, dropping the entries no call may ask for; returns
-- `answer`. `kept`: what onceFound read.
local function onceKeep(keptKey, request, kept, answer)
  local n, answered = string.match(request, '^[^:]*:(%d+):(%d+)')
  answered = tonumber(answered)
  local left = {}
  if kept then
    for entry in string.gmatch(kept, '[^\r]+') do
      if tonumber(string.match(entry, '^(%d+)\n')) > answered then left[#left + 1] = entry end
    end
  end
  -- Wrapped, so a nil answer is kept too ({} decodes to a table without [1]).
  left[#left + 1] = n .. '\n' .. cjson.encode({ answer })
  redis.call('SET', keptKey, table.concat(left, '\r'), 'PX', ONCE_KEEP_MS)
  return answer
end
