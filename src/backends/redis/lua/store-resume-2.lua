--[[
A paused invocation whose waits are over, taken up at once by its runner, which has a free slot for it
(OrchestratorStore.resumeFromPause): PAUSED -> RESUMED, then RESUMED -> RUNNING unless its running key is
held (store-change-3.lua's resume), in one step, with both history entries. The status rules come from
status.ts through ARGV (see redis-store-rules.ts); the moves are written by the helpers every store script
shares (include/store-moves.lua).

KEYS[1] seq    counter of status changes (each history entry's seq)
KEYS[2] ready  zset: invocations somebody waits for, that wait for nothing and are runnable
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] the call's request id (a call sent again after a reconnect is answered as made)
ARGV[3] id, ARGV[4] runner id, ARGV[5] at
ARGV[6-10] rule of RESUMED, ARGV[11-15] rule of RUNNING
ARGV[16] the final statuses, as " A B "     ARGV[17] the longest outcome text answered
ARGV[18] the records' key prefix ("<app prefix>rec:")
Returns {"OK", owner, waited} (RUNNING; waited: what it waits for that is final, 5 entries each: id,
        status, owner, at, and its outcome as state-get-outcomes-1.lua gives it when small, else false,
        so that the awaits it goes on with need no outcome read) | {"HELD"} (RESUMED: its running key is held) |
        {"ERR", reason, status, owner, target} (nothing changed when target is RESUMED; left RESUMED
        when it is RUNNING)
]]
local P, REQ, id, runner, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local SEQ, READY = KEYS[1], KEYS[2]

--#include include/store-moves.lua

--#include include/outcome.lua

local finals, most, records = ARGV[16], tonumber(ARGV[17]), ARGV[18]

-- The final ones among what `id` waits for, with their small outcomes (see the header).
local function waitedFinal()
  local out = {}
  for _, waited in ipairs(redis.call('SMEMBERS', K('out', id))) do
    local w = redis.call('HMGET', K('i', waited), 's', 'o', 'at')
    if w[1] and listed(finals, w[1]) then
      local outcome = readOutcome(records .. waited)
      if outcome and (outcome[3] or #outcome[2] > most) then outcome = false end
      out[#out + 1] = waited
      out[#out + 1] = w[1]
      out[#out + 1] = w[2] or ''
      out[#out + 1] = w[3] or ''
      out[#out + 1] = outcome
    end
  end
  return out
end

local resumed, running = ruleAt(6), ruleAt(11)

local f = redis.call('HMGET', K('i', id), 's', 'o', 'r', 'x', 'q')
if not f[1] then return { 'ERR', 'notfound', '', '', resumed.to } end
local cur = { s = f[1], o = f[2] or '', r = f[3] or '', x = f[4] }
if f[5] == REQ then
  -- Applied by this very call before: answer as it did then.
  if cur.s == running.to then return { 'OK', cur.o } end
  return { 'HELD' }
end
local why = refusal(cur, resumed, runner)
if why then return { 'ERR', why, cur.s, cur.o, resumed.to } end
commit(id, cur, resumed, runner, at)
settle(id, has(resumed, 'R'))
why = refusal(cur, running, runner)
if why then return { 'ERR', why, cur.s, cur.o, running.to } end
if cur.r ~= '' and redis.call('EXISTS', K('run', cur.r)) == 1 then return { 'HELD' } end
commit(id, cur, running, runner, at)
settle(id, has(running, 'R'))
return { 'OK', cur.o, waitedFinal() }
