--[[
A task's await in one step (OrchestratorStore.recordAndPause): record the wait edges (replacing the
waiter's previous ones), find which waited invocations are unfinished, look for a cycle the edges close,
and move the waiter to PAUSED. What orchestrator/waits.ts does with `record` and `pause` in five or more
calls, in the same order and with the same answers. The status rules are status.ts's, written into the
script (redis-store-rules.ts); the edges and the move are written by the helpers every store script
shares (include/store-moves.lua).

When the runner asks (ARGV[7] > 0), a pause that frees the waiter's slot also claims new work for it in
the same step, as claim-next-5.lua claims (include/claim.lua): the child the waiter just called and waits
on ranks first in the ready set, so one round trip pauses the parent and hands its slot to the child.
Nothing is claimed when the waiter is not paused (nothing open, a cycle, a search that gave up, a refusal).

KEYS[1] seq    counter of status changes (each history entry's seq)
KEYS[2] ready  zset: invocations somebody waits for, that wait for nothing and are runnable
KEYS[3] the broker's queue     KEYS[4] the broker's delayed zset
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] the call's request id (a call sent again after a reconnect is answered as made; the claim's is
        this id and ":c")
ARGV[3] runner id, ARGV[4] at
ARGV[5] the most invocations whose edges the cycle search may read before it gives up
ARGV[6] the records' key prefix ("<app prefix>rec:")      ARGV[7] how many to claim (0: no claim)
ARGV[8] how many of the ready set to rank     ARGV[9] "1" to move the claimed ones on to RUNNING
ARGV[10] "1": a waited id the store does not know is one whose registration has not arrived yet (the
        caller sent the pause without waiting for it): answer UNKNOWN and change nothing; else it is one
        retention purged, so it had finished
ARGV[11] waiter id, ARGV[12...] waited ids
Returns
  {"OK", open ids, claim}     paused on them; none: nothing to wait for (not paused, edges kept); claim:
                              claim-next-5.lua's reply, or {} when nothing was to be claimed
  {"CYCLE", path, open ids}   the edges would close `path` (waiter ... waiter): edges removed, not paused
  {"WALK", open ids}          the search gave up: edges recorded, not paused (the caller checks and pauses)
  {"ERR", reason, status, owner}  the move to PAUSED is refused (edges removed); reason "notfound",
                                  "invalid" or "cancel"
  {"UNKNOWN", id}             (ARGV[10] "1") a waited id is not known: nothing changed
]]
-- The call's keys and arguments, and what the helpers below keep for one call: set on each call (see
-- --#call).
local P, REQ, runner, at, limit, records, wanted, early, waiter
local SEQ, READY, QUEUE, DELAYED
-- The waiter's status hash (loadFor), whether it is runnable, the waited ids, the status of each
-- (readWaited), whether it is marked (keepMark), and the cycle search's way back (reach).
local cur, waiterRunnable, waited, statusOf, waitsOf, marking, cameFrom

--#include include/wait-rank.lua

--#include include/store-moves.lua

-- request, window, running and resent are the call's (see --#call).
local CLAIM = { runnable = RUNNABLE_WORDS, pending = rule('PENDING') }
local RUNNING = rule('RUNNING')

--#include include/claim.lua

-- What the ready set may hold (runnable but RETRY, whose route holds it back), and the final statuses.
local runnable, finals = WAIT_READY_WORDS, FINAL_WORDS
local PAUSED = rule('PAUSED')

-- The claim for the slot the pause frees, when asked.
local function claimForSlot()
  if wanted == 0 then return {} end
  return claimNext(runner, at, wanted)
end

-- Every edge leaving the waiter goes (and its place in the ready set follows; one not runnable has none).
local function dropWaits()
  if not cur or cur.p then dropOut(waiter) end
  if waiterRunnable then settle(waiter, true) end
end

-- SADD of `ids` to `key` in slices: unpack puts its values on Lua's stack, which holds about 8,000 (one
-- SADD of a 10,000-wide await failed).
local function addSliced(key, ids)
  for from = 1, #ids, 1000 do
    redis.call('SADD', key, unpack(ids, from, math.min(from + 999, #ids)))
  end
end

-- The status of each waited id (false: unknown), read once (by the early check, else with the edges),
-- and whether it ever waited itself (markWaits; only then can it have "out" edges): statusOf, waitsOf.
local function readWaited(id)
  local f = redis.call('HMGET', K('i', id), 's', 'p')
  statusOf[id] = f[1] or false
  waitsOf[id] = f[2] and true or false
  return f[1]
end

local function unfinished()
  local open = {}
  for _, id in ipairs(waited) do
    local s = statusOf[id]
    -- Unknown: purged, so it had finished.
    if s and not listed(finals, s) then open[#open + 1] = id end
  end
  return open
end

-- The edges stay and the waiter is not paused: the mark owed is written now.
local function keepMark()
  if marking then markWaits(waiter) end
end

-- Once the edges stay (no cycle): the counts of the open ones and of what they wait for, then each
-- waited one's place, as settle gives it knowing it is waited on now: in the ready set (at its count)
-- unless it is not runnable or waits for something itself.
local function placeWaited(open, seqNow)
  -- One that only this waiter waits for and that waits for nothing (the usual: a child just called) is
  -- counted here: the waiter's count plus one, and no ready place to move (if this waiter alone waited
  -- for it before, dropWaits took it out of the ready set). The others are counted by recount.
  local counts, others, mine = {}, {}, nil
  for _, id in ipairs(open) do
    if not waitsOf[id] and redis.call('SCARD', K('in', id)) == 1 then
      mine = mine or math.min(rankOf(waiter) + 1, RANK_MOST)
      counts[id] = mine
      redis.call('HSET', K('i', id), 'k', mine)
    else
      others[#others + 1] = id
    end
  end
  recount(others)
  local readySeq -- the seq of a waited one joining the ready set, read once
  for _, id in ipairs(waited) do
    local s = statusOf[id]
    if not (s and listed(runnable, s)) then
      redis.call('ZREM', READY, id)
    elseif waitsOf[id] and redis.call('EXISTS', K('out', id)) == 1 then
      redis.call('ZREM', READY, id)
    else
      readySeq = readySeq or seqNow or redis.call('GET', SEQ) or 0
      redis.call('ZADD', READY, 'NX', readyScore(counts[id] or rankOf(id), readySeq), id)
    end
  end
end

-- `id`, reached from `from`, joins `level` unless reached before (the cycle search, below).
local function reach(id, from, level)
  if cameFrom[id] then return end
  cameFrom[id] = from
  level[#level + 1] = id
end

-- What runs on each call (the lines above are made once, when the script is a Redis Function: scripts.ts).
--#call
P, REQ, runner, at, limit = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
records, wanted, early, waiter = ARGV[6], tonumber(ARGV[7]), ARGV[10] == '1', ARGV[11]
SEQ, READY, QUEUE, DELAYED = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
CLAIM.request, CLAIM.window = REQ .. ':c', tonumber(ARGV[8])
CLAIM.running = ARGV[9] == '1' and RUNNING or nil
statusOf, waitsOf, marking, cameFrom = {}, {}, false, {}
waited = {}
for i = 12, #ARGV do waited[#waited + 1] = ARGV[i] end

cur = loadFor(waiter, 'q', 'p')
-- Only a pause sent again (answered as made below) can find its claim made before.
CLAIM.resent = cur ~= nil and cur.q == REQ
-- The waiter's status does not change before the move to PAUSED at the end (nothing is written before
-- it but edges and ready-set places), so it is read once, here.
waiterRunnable = cur ~= nil and listed(runnable, cur.s)

if cur and cur.q == REQ then
  -- Paused by this very call before: wait on every waited one still known (a final one wakes at once).
  local known = {}
  for _, id in ipairs(waited) do
    if redis.call('EXISTS', K('i', id)) == 1 then known[#known + 1] = id end
  end
  -- The claim answers as it did then (claim.lua finds what a resend claimed before).
  return { 'OK', known, #known > 0 and claimForSlot() or {} }
end

if early then
  for _, id in ipairs(waited) do
    if not readWaited(id) then return { 'UNKNOWN', id } end
  end
end

-- The edges first, as Waits.record: they keep retention off every result of this await. A waiter that
-- never waited before gets its mark (markWaits) with its move to PAUSED, in the same hash write, or on
-- its own where the edges stay and it does not pause (`marking`, see keepMark).
dropWaits()
if #waited > 0 then
  if cur and not cur.p then
    marking = true
    cur.p = '1'
  end
  addSliced(K('out', waiter), waited)
end

for _, id in ipairs(waited) do redis.call('SADD', K('in', id), waiter) end
-- Waiting for something now, it leaves the ready set (where only a runnable waiter could be).
if waiterRunnable then redis.call('ZREM', READY, waiter) end
for _, id in ipairs(waited) do
  if statusOf[id] == nil then readWaited(id) end
end

local open = unfinished()
if #open == 0 then
  keepMark()
  placeWaited(open)
  return { 'OK', open, {} }
end

-- Breadth first along "waits for" edges from the open ones, as wait-cycle.ts (reach, cameFrom).
local frontier, visited = {}, 0
for _, id in ipairs(open) do
  if id == waiter then
    dropWaits()
    return { 'CYCLE', { waiter, waiter }, open }
  end
  reach(id, waiter, frontier)
end
while #frontier > 0 do
  local nextLevel = {}
  for _, from in ipairs(frontier) do
    -- A waited one that never waited has no edge to follow, and costs no read: only reads count against
    -- the limit (10,000 children just called are no walk). Reached deeper, it is not known: read.
    local edges = {}
    if waitsOf[from] ~= false then
      visited = visited + 1
      if visited > limit then
        keepMark()
        placeWaited(open)
        return { 'WALK', open }
      end
      edges = redis.call('SMEMBERS', K('out', from))
    end
    for _, to in ipairs(edges) do
      if to == waiter then
        local path, node = { waiter }, from
        while node ~= waiter do
          table.insert(path, 1, node)
          node = cameFrom[node]
        end
        table.insert(path, 1, waiter)
        dropWaits()
        return { 'CYCLE', path, open }
      end
      reach(to, from, nextLevel)
    end
  end
  frontier = nextLevel
end

-- RUNNING -> PAUSED, validated and written as every store move is (include/store-moves.lua).
if not cur then
  dropWaits()
  return { 'ERR', 'notfound' }
end
local why = refusal(cur, PAUSED, runner)
if why then
  -- Ended meanwhile (a cancel or timeout landed while the wait was set up): no edge of it may stay.
  dropWaits()
  return { 'ERR', why, cur.s, cur.o }
end
-- What it still waits for, kept as each finishes (include/store-moves.lua's commitMoves), so a finish
-- tells whether its waits are over in one step (include/resume.lua's waitsOver), not one read per waited
-- one: `u`, this pause's request id, written with the move, vouches for the set while the pause is its
-- last move. A waiter marked only now never had the set (only a pause writes it, after the mark).
local _, seq = commit(waiter, cur, PAUSED, runner, at, nil, marking and { 'p', '1', 'u', REQ } or { 'u', REQ })
local openKey = K('open', waiter)
if not marking then redis.call('DEL', openKey) end
addSliced(openKey, open)
-- It waits for something now: out of the ready set (left above when it was runnable). The seq the move
-- took is the counter's value now (a waited one joining the ready set is placed by it).
placeWaited(open, seq)
return { 'OK', open, claimForSlot() }
