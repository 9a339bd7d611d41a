--[[
The resume of a paused invocation whose waits are over, by the runner that owns it and has a slot for
it: PAUSED -> RESUMED, then RESUMED -> RUNNING unless its running key is held, with both history
entries. Shared by store-resume-2.lua (a runner's resume) and store-finish-5.lua (a finish that frees
the slot of the child a paused parent of the same runner waited for hands it to that parent), included
as scripts.ts describes after store-moves.lua and outcome.lua. The including script declares before it
RESUME = { finals = " A B " (the final statuses), most = the longest outcome text answered, records =
the records' key prefix ("" answers no outcome), resumed = rule, running = rule }.
]]

-- What `id` waits for, each { id, status, owner, at }, as the last waitsOver read it: waitedFinal takes
-- it from there (nothing moves them in between), so a resume reads each waited one once.
local waitedRead
--#each
waitedRead = {}
--#end

local function readWaitedOf(id)
  local list = {}
  for _, waited in ipairs(redis.call('SMEMBERS', K('out', id))) do
    local w = redis.call('HMGET', K('i', waited), 's', 'o', 'at')
    list[#list + 1] = { waited, w[1], w[2] or '', w[3] or '' }
  end
  return list
end

-- The final ones among what `id` waits for, with their small outcomes: 5 entries each (id, status,
-- owner, at, and the outcome as state-get-outcomes-1.lua gives it when small, else false), so that the
-- awaits the resumed task goes on with need no read.
local function waitedFinal(id)
  local list = waitedRead[id] or readWaitedOf(id)
  waitedRead[id] = nil
  local out = {}
  for _, w in ipairs(list) do
    if w[2] and listed(RESUME.finals, w[2]) then
      local outcome = false
      if RESUME.records ~= '' then outcome = readOutcome(RESUME.records .. w[1]) end
      if outcome and (outcome[3] or #outcome[2] > RESUME.most) then outcome = false end
      out[#out + 1] = w[1]
      out[#out + 1] = w[2]
      out[#out + 1] = w[3]
      out[#out + 1] = w[4]
      out[#out + 1] = outcome
    end
  end
  return out
end

-- Whether every invocation `id` waits for is final (or gone: purged, so it had finished); read afresh.
-- `u` and `q`: the fields of its status hash (see load): while the pause that wrote its "open" set is its
-- last move, that set holds what it still waits for (a final move takes itself out of its waiters'
-- sets), so one SCARD tells, whatever the number of waited ones; else each waited one is read (a wait
-- recorded otherwise, or by an older script).
local function waitsOver(id, u, q)
  if u and u == q then return redis.call('SCARD', K('open', id)) == 0 end
  local list = readWaitedOf(id)
  waitedRead[id] = list
  for _, w in ipairs(list) do
    if w[2] and not listed(RESUME.finals, w[2]) then return false end
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
  local from = cur.s
  if why or (cur.r ~= '' and redis.call('EXISTS', K('run', cur.r)) == 1) then
    commit(id, cur, resumed, runner, at)
    settleMove(id, from, resumed)
    if why then return { 'ERR', why, cur.s, cur.o, running.to } end
    return { 'HELD' }
  end
  commitMoves(id, cur, { resumed, running }, runner, at)
  settleMove(id, from, running)
  return { 'OK', cur.o, waitedFinal(id) }
end
