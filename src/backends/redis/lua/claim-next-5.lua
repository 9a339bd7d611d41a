--[[
Orchestrator.claim in one call (Backend.claimNext): the wait graph's ready set first, the most
waited-on first, then the broker queue in order; each runnable one is claimed (PENDING, and RUNNING
too when asked, each move validated by the rules of status.ts and written with its history entry),
and the claimed ones' records come back in the same reply. Queue entries that are not runnable any
more (claimed through the wait graph, finished, unknown) are popped and dropped. One whose record is
not stored yet is left as it is: it was waited on while its registration was under way, and that
registration routes it once stored. A runnable one whose running key is held is not claimed: it is
reported as blocked (popped from the queue if it came from there) for the orchestrator to park. A
delayed call not due yet is not claimed from the ready set (its route brings it when due).

KEYS[1] the store's seq     KEYS[2] the store's ready zset     KEYS[3] the store's finished zset
KEYS[4] the broker's queue  KEYS[5] the broker's delayed zset (see broker-retrieve-2.lua)
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] the call's request id: the call sent again after a reconnect is answered as first made
ARGV[3] runner id             ARGV[4] at (epoch ms): history time, and "now" for delayed ids
ARGV[5] how many to claim at most
ARGV[6] how many of the ready set to rank      ARGV[7] the cap of each rank count
ARGV[8] the runnable statuses, as " A B "      ARGV[9] the records' key prefix ("<app prefix>rec:")
ARGV[10-14] rule of PENDING
ARGV[15-19] rule of RUNNING, only to move the claimed ones on to RUNNING at once
Returns { claimed ids, blocked ids, records of the claimed ones (false when missing), the earliest
due time still held back in the broker ("" when none), how many delayed ids were moved to the queue,
1 when it stopped popping stale entries before the queue was empty or the claim full, else 0 }, or
{"ERR", reason, status, owner, id} when status.ts refuses a move the runnable check allowed.
]]
local P, REQ = ARGV[1], ARGV[2]
local SEQ, READY, FINISHED, QUEUE, DELAYED = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local runner, at, max = ARGV[3], ARGV[4], tonumber(ARGV[5])
local window, cap, runnable, records = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8], ARGV[9]
-- Stale queue entries dropped per call at most: the script stays short, the caller calls again.
local MOST_SKIPPED = 1000

--#include include/store-moves.lua

--#include include/wait-rank.lua

local pending = ruleAt(10)
local running = ARGV[15] and ruleAt(15)

-- What this runner's last claim answered, kept a minute for a resend of that very call.
local LAST = K('claim', runner)

local function split(joined)
  local ids = {}
  for id in string.gmatch(joined, '[^,]+') do ids[#ids + 1] = id end
  return ids
end

local function recordsOf(ids)
  local found = {}
  for i, id in ipairs(ids) do found[i] = redis.call('GET', records .. id) end
  return found
end

local last = redis.call('HMGET', LAST, 'q', 'c', 'b')
if last[1] == REQ then
  local claimed = split(last[2])
  return { claimed, split(last[3]), recordsOf(claimed), '', 0, 0 }
end

local claimed, blocked, seen = {}, {}, {}

-- Claims `id` if runnable now; true when it took a place (claimed), false otherwise; a refusal errs.
local function take(id)
  if seen[id] then return false end
  seen[id] = true
  local cur = load(id)
  if not cur or not listed(runnable, cur.s) then return false end
  -- Waited on before its registration stored its record: its routing, once stored, brings it back.
  if redis.call('EXISTS', records .. id) == 0 then return false end
  if cur.r ~= '' and redis.call('EXISTS', K('run', cur.r)) == 1 then
    blocked[#blocked + 1] = id
    return false
  end
  local why = refusal(cur, pending, runner)
  if why then error({ 'ERR', why, cur.s, cur.o, id }) end
  commit(id, cur, pending, runner, at)
  if running then
    why = refusal(cur, running, runner)
    if why then error({ 'ERR', why, cur.s, cur.o, id }) end
    commit(id, cur, running, runner, at)
  end
  settle(id, has(running or pending, 'R'))
  claimed[#claimed + 1] = id
  return true
end

-- A delayed call not due yet (the 7th field of its record's meta, see metaOf in redis-state-backend.ts)
-- is left for its route at its due time, even while a paused task waits for it.
local function notDue(id)
  local value = redis.call('GET', records .. id)
  if not value then return false end
  local comma = string.find(value, ',', 1, true)
  local size = tonumber(string.sub(value, 1, comma - 1))
  if not size or size == 0 then return false end
  local colon = string.find(value, ':', comma, true)
  local due = cjson.decode(string.sub(value, colon + 1, colon + size))[7]
  return type(due) == 'number' and due > tonumber(at)
end

local function fromReady()
  local candidates = redis.call('ZRANGE', READY, 0, window - 1)
  if #candidates > max then
    local counts = {}
    for i, id in ipairs(candidates) do counts[id] = { waitersUpTo(id, cap), i } end
    table.sort(candidates, function(a, b)
      local x, y = counts[a], counts[b]
      if x[1] ~= y[1] then return x[1] > y[1] end
      return x[2] < y[2] -- ties: the longest ready first
    end)
  end
  for _, id in ipairs(candidates) do
    if #claimed >= max then return end
    if not notDue(id) then take(id) end
  end
end

-- The due delayed ids join the queue first, as broker-retrieve-2.lua does.
local function moveDue()
  local due = redis.call('ZRANGEBYSCORE', DELAYED, '-inf', at, 'LIMIT', 0, 1000)
  if #due == 0 then return 0 end
  local ids = {}
  for i, member in ipairs(due) do ids[i] = string.sub(member, 17) end
  redis.call('RPUSH', QUEUE, unpack(ids))
  redis.call('ZREM', DELAYED, unpack(due))
  return #due
end

local function fromQueue()
  local skipped = 0
  while #claimed < max do
    local ids = redis.call('LPOP', QUEUE, max - #claimed)
    if not ids then return 0 end
    for _, id in ipairs(ids) do
      if not take(id) then skipped = skipped + 1 end
    end
    if skipped >= MOST_SKIPPED and #claimed < max then return 1 end
  end
  return 0
end

local ok, refused = pcall(fromReady)
if not ok then return refused end
local moved = moveDue()
local more
ok, more = pcall(fromQueue)
if not ok then return more end
if #claimed > 0 or #blocked > 0 then
  redis.call('HSET', LAST, 'q', REQ, 'c', table.concat(claimed, ','), 'b', table.concat(blocked, ','))
  redis.call('PEXPIRE', LAST, 60000)
end
local first = redis.call('ZRANGE', DELAYED, 0, 0, 'WITHSCORES')
return { claimed, blocked, recordsOf(claimed), first[2] or '', moved, more }
