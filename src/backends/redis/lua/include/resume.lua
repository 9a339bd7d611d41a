--[[
The resume of a paused invocation whose waits are over, by the runner that owns it and has a slot for
it: PAUSED -> RESUMED, then RESUMED -> RUNNING unless its running key is held, with both history
entries. Shared by store-resume-2.lua (a runner's resume) and store-finish-5.lua (a finish that frees
the slot of the child a paused parent of the same runner waited for hands it to that parent), included
as scripts.ts describes after store-moves.lua and outcome.lua. The including script declares before it
RESUME = { finals = " A B " (the final statuses), most = the longest outcome text answered, records =
the records' key prefix ("" answers no outcome), resumed = rule, running = rule }.
]]

-- The final ones among what `id` waits for, with their small outcomes: 5 entries each (id, status,
-- owner, at, and the outcome as state-get-outcomes-1.lua gives it when small, else false), so that the
-- awaits the resumed task goes on with need no read.
local function waitedFinal(id)
  local out = {}
  for _, waited in ipairs(redis.call('SMEMBERS', K('out', id))) do
    local w = redis.call('HMGET', K('i', waited), 's', 'o', 'at')
    if w[1] and listed(RESUME.finals, w[1]) then
      local outcome = false
      if RESUME.records ~= '' then outcome = readOutcome(RESUME.records .. waited) end
      if outcome and (outcome[3] or #outcome[2] > RESUME.most) then outcome = false end
      out[#out + 1] = waited
      out[#out + 1] = w[1]
      out[#out + 1] = w[2] or ''
      out[#out + 1] = w[3] or ''
      out[#out + 1] = outcome
    end
  end
  return out
end

-- Whether every invocation `id` waits for is final (or gone: purged, so it had finished).
local function waitsOver(id)
  for _, waited in ipairs(redis.call('SMEMBERS', K('out', id))) do
    local s = redis.call('HGET', K('i', waited), 's')
    if s and not listed(RESUME.finals, s) then return false end
  end
  return true
end

-- Resumes `id` (its status hash read as `cur` by load) for `runner`: {"OK", owner, waited} (RUNNING),
-- {"HELD"} (left RESUMED: its running key is held) or {"ERR", reason, status, owner, target} (nothing
-- changed when target is RESUMED; left RESUMED when it is RUNNING).
local function resumeFromPause(id, cur, runner, at)
  local resumed, running = RESUME.resumed, RESUME.running
  local why = refusal(cur, resumed, runner)
  if why then return { 'ERR', why, cur.s, cur.o, resumed.to } end
  -- Both moves are checked first; when both are made they are written as one (commitMoves).
  why = refusalAfter(cur, resumed, running, runner)
  if why or (cur.r ~= '' and redis.call('EXISTS', K('run', cur.r)) == 1) then
    commit(id, cur, resumed, runner, at)
    settle(id, has(resumed, 'R'))
    if why then return { 'ERR', why, cur.s, cur.o, running.to } end
    return { 'HELD' }
  end
  commitMoves(id, cur, { resumed, running }, runner, at)
  settle(id, has(running, 'R'))
  return { 'OK', cur.o, waitedFinal(id) }
end
