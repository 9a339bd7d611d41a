--[[
How many invocations wait for `id` directly or transitively, following the wait graph's "in" sets
(P .. 'in:' .. id) breadth first and counting up to about `cap`: the claim order of DESIGN section 3.
Shared by store-read-1.lua (rank) and include/claim.lua, included as scripts.ts describes; the
including script declares P (the store's key prefix) before it. `memo` (optional, a table kept for one
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
The same count for a ranking of several ids (one `memo` and one `counts` table for the whole ranking),
exact as waitersUpTo but climbing a chain of single waiters once: an invocation waited on by exactly one
waiter w is waited on by w and by whatever waits on w (w cannot wait on itself), so its count is w's
plus one. A recursive task's pending siblings, one per level of the tree, share their chain of
ancestors, read and counted once for all of them (waitersUpTo from each would walk it again for every
sibling). Where a node has several waiters, the count there is waitersUpTo's breadth-first one.
`counts` keeps what is counted (by id) for the rest of the ranking.
]]
local function waitersCounted(id, cap, memo, counts)
  local chain, at, count = {}, id, nil
  while true do
    count = counts[at]
    if count then break end
    local waiters = memo[at]
    if not waiters then
      waiters = redis.call('SMEMBERS', P .. 'in:' .. at)
      memo[at] = waiters
    end
    -- The chain is bounded by `cap` (a wait cycle, refused by the pause that would close it, cannot
    -- make it endless while that pause runs either).
    if #waiters == 1 and #chain < cap then
      chain[#chain + 1] = at
      at = waiters[1]
    else
      count = #waiters == 0 and 0 or waitersUpTo(at, cap, memo)
      counts[at] = count
      break
    end
  end
  for i = #chain, 1, -1 do
    count = math.min(count + 1, cap)
    counts[chain[i]] = count
  end
  return count
end
