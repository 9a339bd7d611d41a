--[[
A paused invocation whose waits are over, taken up at once by its runner, which has a free slot for it
(OrchestratorStore.resumeFromPause): PAUSED -> RESUMED, then RESUMED -> RUNNING unless its running key is
held (store-change-3.lua's resume), in one step, with both history entries. The status rules are
status.ts's, written into the script (redis-store-rules.ts); the moves are written by the helpers every
store script shares (include/store-moves.lua).

KEYS[1] seq    counter of status changes (each history entry's seq)
KEYS[2] ready  zset: invocations somebody waits for, that wait for nothing and are runnable
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] the call's request id (a call sent again after a reconnect is answered as made)
ARGV[3] id, ARGV[4] runner id, ARGV[5] at
ARGV[6] the longest outcome text answered
ARGV[7] the records' key prefix ("<app prefix>rec:")
Returns {"OK", owner, waited} (RUNNING; waited: what it waits for that is final, 5 entries each: id,
        status, owner, at, and its outcome as state-get-outcomes-1.lua gives it when small, else false,
        so that the awaits it goes on with need no outcome read) | {"HELD"} (RESUMED: its running key is held) |
        {"ERR", reason, status, owner, target} (nothing changed when target is RESUMED; left RESUMED
        when it is RUNNING)
]]
-- The call's keys and arguments that the helpers below read: set on each call (see --#call).
local P, REQ
local SEQ, READY

--#include include/wait-rank.lua

--#include include/store-moves.lua

--#include include/outcome.lua

-- most and records are the call's (see --#call).
local RESUME = { finals = FINAL_WORDS, resumed = rule('RESUMED'), running = rule('RUNNING') }

--#include include/resume.lua

-- What runs on each call (the lines above are made once, when the script is a Redis Function: scripts.ts).
--#call
P, REQ = ARGV[1], ARGV[2]
SEQ, READY = KEYS[1], KEYS[2]
RESUME.most, RESUME.records = tonumber(ARGV[6]), ARGV[7]
local id, runner, at = ARGV[3], ARGV[4], ARGV[5]
local f = redis.call('HMGET', K('i', id), 's', 'o', 'r', 'x', 'q')
if not f[1] then return { 'ERR', 'notfound', '', '', RESUME.resumed.to } end
local cur = { s = f[1], o = f[2] or '', r = f[3] or '', x = f[4] }
if f[5] == REQ then
  -- Applied by this very call before: answer as it did then.
  if cur.s == RESUME.running.to then return { 'OK', cur.o } end
  return { 'HELD' }
end
return resumeFromPause(id, cur, runner, at)
