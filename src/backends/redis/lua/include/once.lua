--[[
A call that changes counts or takes a turn, answered once (include/kept.lua): sent again after a
reconnect, it gets its first answer instead of being applied twice (a reference released twice, a cron
tick taken and then refused to its taker). Its answers are kept as JSON under its connection's key
("<component's names>sent:<uuid>", request-ids.ts), passed by the caller with the call's request id.
]]
--#include include/kept.lua

-- Whether `request` was applied before, its first answer then, and the kept text (for onceKeep).
local function onceFound(keptKey, request)
  local kept = redis.call('GET', keptKey)
  local answer = keptEntry(kept, request)
  if answer == nil then return false, nil, kept end
  return true, cjson.decode(answer)[1], kept
end

-- Keeps `answer` (nil included) as `request`'s, dropping the entries no call may ask for; returns
-- `answer`. `kept`: what onceFound read.
local function onceKeep(keptKey, request, kept, answer)
  local left = unanswered(kept, request)
  -- Wrapped, so a nil answer is kept too ({} decodes to a table without [1]).
  left[#left + 1] = request .. '\n' .. cjson.encode({ answer })
  redis.call('SET', keptKey, table.concat(left, '\r'), 'PX', KEEP_MS)
  return answer
end
