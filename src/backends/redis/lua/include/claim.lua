--[[
The claim of claim-next-5.lua, shared with store-finish-5.lua (which claims for the slots its finishes
free), included as scripts.ts describes after wait-rank.lua and store-moves.lua. The including script
declares before it: QUEUE and DELAYED (the broker's queue and delayed zset), `records` (the records'
key prefix) and CLAIM = { runnable = " A B ", window = n, pending = rule, running = rule or nil,
resent = false when the call is known not to be sent again, true when known to be (nil: not known) }.
claimNext(runner, at, max) sets REQ to its own request id and returns the reply claim-next-5.lua
describes, or {"ERR", reason, status, owner, id} when status.ts refuses a move the runnable check allowed.
]]
--#include include/moved-at.lua

--#include include/kept.lua

-- Stale queue entries dropped per call at most: the script stays short, the caller calls again.
local MOST_SKIPPED = 1000

local function split(joined)
  local ids = {}
  for id in string.gmatch(joined, '[^,]+') do ids[#ids + 1] = id end
  return ids
end

-- The records this call read (false: none), each read once.
local recordCache
--#each
recordCache = {}
--#end

local function recordOf(id)
  local value = recordCache[id]
  if value == nil then
    value = redis.call('GET', records .. id)
    recordCache[id] = value
  end
  return value
end

local function recordsOf(ids)
  local found = {}
  for i, id in ipairs(ids) do found[i] = recordOf(id) end
  return found
end

-- A delayed call not due yet (the 7th field of its record's meta, see metaOf in redis-state-backend.ts)
-- is left for its route at its due time, even while a paused task waits for it.
local function notDue(id, at)
  local value = recordOf(id)
  if not value then return false end
  local comma = string.find(value, ',', 1, true)
  local size = tonumber(string.sub(value, 1, comma - 1))
  if not size or size == 0 then return false end
  local colon = string.find(value, ':', comma, true)
  local due = cjson.decode(string.sub(value, colon + 1, colon + size))[7]
  return type(due) == 'number' and due > tonumber(at)
end

-- The earliest delayed entry, {member, score} ({} when none).
local function firstDelayed()
  return redis.call('ZRANGE', DELAYED, '0', '0', 'WITHSCORES')
end

-- The due delayed ids join the queue first, as broker-retrieve-2.lua does (`first`: firstDelayed(),
-- which says whether any is due).
local function moveDue(at, first)
  if not first[2] or tonumber(first[2]) > tonumber(at) then return 0 end
  local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', at, 'LIMIT', 0, 1000)
  if #due == 0 then return 0 end
  local ids = {}
  for i, member in ipairs(due) do ids[i] = string.sub(member, 17) end
  redis.call('RPUSH', QUEUE, unpack(ids))
  redis.call('ZREM', DELAYED, unpack(due))
  noteMoved(DELAYED, at)
  return #due
end

-- What this runner's claims answered, for a resend of those very calls: several calls of one runner can
-- be under way when its connection drops, and ioredis sends each again, however long the outage. A call
-- that knows whether it is sent again (CLAIM.resent true or false: a finish or a pause, whose own moves
-- say so) finds its first claims where they are: each claimed invocation records the claim's request in
-- its field q, and nobody but its owner moves it (the owner, this runner, never heard of it; a cancel
-- that ended it meanwhile or a recovery that took it changes q, and then it is not this runner's to
-- start any more). So such a call keeps nothing, unless some ids were held back (`blocked`: popped from
-- the queue, and found nowhere else). A call that cannot tell (claim-next-5.lua) keeps its answer in
-- `last:<runner>` (include/kept.lua's form, each answer "<claimed ids>\n<blocked ids>", ids joined by
-- ","), with every other answer that may not have come back yet; the key lives a day, or until the
-- runner leaves the registry.
local function claimedBy(runner, request)
  local found = {}
  for _, id in ipairs(redis.call('SMEMBERS', K('owned', runner))) do
    if redis.call('HGET', K('i', id), 'q') == request then found[#found + 1] = id end
  end
  return found
end

local function claimNext(runner, at, max)
  REQ = CLAIM.request
  local LAST = K('last', runner)
  -- Read when this call may be one sent again (then its first answer is found here, or, for a call that
  -- knows it is sent again, by what it claimed), else only to add this call's answer.
  local last = nil
  if CLAIM.resent ~= false then
    last = redis.call('GET', LAST)
    local answer = keptEntry(last, REQ)
    if answer then
      local c, b = string.match(answer, '^([^\n]*)\n(.*)$')
      local claimed = split(c)
      return { claimed, split(b), recordsOf(claimed), '', 0, 0 }
    end
    if CLAIM.resent then
      local claimed = claimedBy(runner, REQ)
      if #claimed > 0 then return { claimed, {}, recordsOf(claimed), '', 0, 0 } end
    end
  end

  local claimed, blocked, seen = {}, {}, {}
  local pending, running = CLAIM.pending, CLAIM.running

  -- Claims `id` if runnable now, dated `when`; true when it took a place (claimed), false otherwise; a
  -- refusal errs.
  local function take(id, when)
    if seen[id] then return false end
    seen[id] = true
    local cur = loadFor(id)
    if not cur or not listed(CLAIM.runnable, cur.s) then return false end
    -- Waited on before its registration stored its record: its routing, once stored, brings it back.
    if not recordOf(id) then return false end
    if cur.r ~= '' and redis.call('EXISTS', K('run', cur.r)) == 1 then
      blocked[#blocked + 1] = id
      return false
    end
    local why = refusal(cur, pending, runner)
    if why then error({ 'ERR', why, cur.s, cur.o, id }) end
    local from = cur.s
    if running then
      why = refusalAfter(cur, pending, running, runner)
      if why then error({ 'ERR', why, pending.to, ownerAfter(cur.o, pending, runner), id }) end
      commitMoves(id, cur, { pending, running }, runner, when)
    else
      commit(id, cur, pending, runner, when)
    end
    settleMove(id, from, running or pending)
    claimed[#claimed + 1] = id
    return true
  end

  -- The ready set is in claim order (include/wait-rank.lua): most waited on first, then longest ready.
  local function fromReady()
    local candidates = redis.call('ZRANGE', READY, '0', CLAIM.window - 1)
    for _, id in ipairs(candidates) do
      if #claimed >= max then return end
      if not notDue(id, at) then take(id, at) end
    end
  end

  local function fromQueue()
    local skipped, when = 0, nil
    while #claimed < max do
      local ids = redis.call('LPOP', QUEUE, COUNTS[max - #claimed] or max - #claimed)
      if not ids then return 0 end
      when = when or poppedAt(DELAYED, at)
      for _, id in ipairs(ids) do
        if not take(id, when) then skipped = skipped + 1 end
      end
      if skipped >= MOST_SKIPPED and #claimed < max then return 1 end
    end
    return 0
  end

  local ok, refused = pcall(fromReady)
  if not ok then return refused end
  -- The claims below leave the delayed set as it is: its first entry after moveDue is the one answered.
  local first = firstDelayed()
  local moved = moveDue(at, first)
  if moved > 0 then first = firstDelayed() end
  local more
  ok, more = pcall(fromQueue)
  if not ok then return more end
  if #blocked > 0 or (#claimed > 0 and CLAIM.resent == nil) then
    if last == nil then last = redis.call('GET', LAST) end
    local kept = unanswered(last, REQ)
    kept[#kept + 1] = REQ .. '\n' .. table.concat(claimed, ',') .. '\n' .. table.concat(blocked, ',')
    redis.call('SET', LAST, table.concat(kept, '\r'), 'PX', KEEP_MS)
  end
  -- Short of what it asked, the runner waits for new work: listed in `idle`, it makes the next
  -- registration publish the work message (store-register-3.lua), which a busy runner does not need.
  if #claimed < max then redis.call('SADD', P .. 'idle', runner) end
  return { claimed, blocked, recordsOf(claimed), first[2] or '', moved, more }
end
