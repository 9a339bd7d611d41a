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
