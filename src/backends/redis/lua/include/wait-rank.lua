--[[
How many invocations wait for `id` directly or transitively, following the wait graph's "in" sets
(P .. 'in:' .. id) breadth first and counting up to about `cap`: the claim order of DESIGN section 3.
Shared by store-read-1.lua (rank) and the scripts that change wait edges or statuses (before
include/store-moves.lua, which uses what follows), included as scripts.ts describes; the including
script declares P (the store's key prefix) before it. `memo` (optional, a table kept for one
ranking) holds the "in" sets read so far: candidates with the same waiters above them (a recursive
task's pending siblings, one per level) read each of those sets once, not once per candidate.
]]
local function waitersUpTo(id, cap, memo)
  local seen, n, frontier = { [id] = true }, 0, { id }
  while #frontier > 0 and n < cap do
    local next = {}
    for _, at in ipairs(frontier) do
      local waiters = memo and memo[at]
      if not waiters then
        waiters = redis.call('SMEMBERS', P .. 'in:' .. at)
        if memo then memo[at] = waiters end
      end
      for _, waiter in ipairs(waiters) do
        if not seen[waiter] then
          seen[waiter] = true
          n = n + 1
          next[#next + 1] = waiter
        end
      end
    end
    frontier = next
  end
  return n
end

--[[
The ready set's order (os:ready, the claim order of DESIGN section 3 after the resumed ones): each entry
is scored by how many invocations wait for it, most first, then by the seq at which it became ready.
That count is kept in field `k` of each waited-on invocation (os:i:<id>) and updated where edges change
(`recount`), so a claim reads the ready set's first entries in order, with no count of its own.
Including scripts declare READY (the ready zset) besides P.
]]
local RANK_UNIT = 1099511627776 -- 2^40: the seq's share of a score
-- Counts stop here: a score stays an exact integer in a double (4095 * 2^40 + 2^40 < 2^53).
local RANK_MOST = 4095

-- The score of a ready entry waited on by `k` invocations, ready since `seq`.
local function readyScore(k, seq)
  return -math.min(k, RANK_MOST) * RANK_UNIT + (tonumber(seq) % RANK_UNIT)
end

-- The stored count of `id` (0 when none is stored).
local function rankOf(id)
  return tonumber(redis.call('HGET', P .. 'i:' .. id, 'k')) or 0
end

-- How many wait for `id` now, from its waiters: with one waiter w, w's stored count plus one (whatever
-- waits for `id` is w or waits for w, and w cannot wait for itself), else the breadth-first count.
local function countNow(id)
  local waiters = redis.call('SMEMBERS', P .. 'in:' .. id)
  if #waiters == 0 then return 0 end
  if #waiters == 1 then return math.min(rankOf(waiters[1]) + 1, RANK_MOST) end
  return math.min(waitersUpTo(id, RANK_MOST, {}), RANK_MOST)
end

--[[
The counts of `ids` (invocations whose waiters changed) and of everything they wait for, transitively,
made current: each is counted again from its waiters (countNow), and what it waits for again only when
its count changed. One reached again after a waiter of it changed is counted again, so every count is
exact once the edges are (several waiters are counted breadth first, from the graph itself). The walk
stops after RECOUNT_STEPS counts beyond the ids given: only a wait cycle, refused and removed by the
caller that recorded it, makes it that long, and the removal counts them again. An id not registered yet gets no count (its
registration counts it), a finished one none either. A ready entry whose count changes moves to its new
place.
]]
local RECOUNT_STEPS = 10000

local function recount(ids)
  local queue, at = {}, 1
  for i, id in ipairs(ids) do queue[i] = id end -- not unpack: its stack holds about 8,000 values
  local last = #ids + RECOUNT_STEPS
  while at <= #queue and at <= last do
    local id = queue[at]
    at = at + 1
    local key = P .. 'i:' .. id
    local f = redis.call('HMGET', key, 's', 'k', 'p', 'f')
    -- A finished one (`f`, its final at) is neither ready nor waits: its count is never read again.
    if f[1] and not f[4] then
      local before, after = tonumber(f[2]) or 0, countNow(id)
      if after ~= before then
        redis.call('HSET', key, 'k', after)
        local score = redis.call('ZSCORE', READY, id)
        if score then redis.call('ZADD', READY, 'XX', tonumber(score) + (before - after) * RANK_UNIT, id) end
        if f[3] then
          for _, waited in ipairs(redis.call('SMEMBERS', P .. 'out:' .. id)) do queue[#queue + 1] = waited end
        end
      end
    end
  end
end
