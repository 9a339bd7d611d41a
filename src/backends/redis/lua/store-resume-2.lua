--[[
A paused invocation whose waits are over, taken up at once by its runner, which has a free slot for it
(OrchestratorStore.resumeFromPause): PAUSED -> RESUMED, then RESUMED -> RUNNING unless its running key is
held (store-change-3.lua's resume), in one step, with both history entries. The status rules come from
status.ts through ARGV (see redis-store-rules.ts); the helpers below are store-change-3.lua's (a script
cannot include another) and must write the same keys the same way.

KEYS[1] seq    counter of status changes (each history entry's seq)
KEYS[2] ready  zset: invocations somebody waits for, that wait for nothing and are runnable
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] the call's request id (a call sent again after a reconnect is answered as made)
ARGV[3] id, ARGV[4] runner id, ARGV[5] at
ARGV[6-10] rule of RESUMED, ARGV[11-15] rule of RUNNING
Returns {"OK", owner} (RUNNING) | {"HELD"} (RESUMED: its running key is held) |
        {"ERR", reason, status, owner, target} (nothing changed when target is RESUMED; left RESUMED
        when it is RUNNING)
]]
local P, REQ, id, runner, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local SEQ, READY = KEYS[1], KEYS[2]

local function ruleAt(i)
  return { to = ARGV[i], from = ARGV[i + 1], ownerFrom = ARGV[i + 2], owner = ARGV[i + 3], flags = ARGV[i + 4] }
end
local resumed, running = ruleAt(6), ruleAt(11)

local function K(kind, name)
  return P .. kind .. ':' .. name
end

local function listed(words, status)
  return string.find(words, ' ' .. status .. ' ', 1, true) ~= nil
end

local function has(rule, flag)
  return string.find(rule.flags, flag, 1, true) ~= nil
end

local function refusal(cur, rule)
  if not listed(rule.from, cur.s) then return 'invalid' end
  if listed(rule.ownerFrom, cur.s) and cur.o ~= runner then return 'invalid' end
  if rule.owner == 'take' and runner == '' then return 'invalid' end
  if cur.x and has(rule, 'X') then return 'cancel' end
  return nil
end

local function settle(isRunnable)
  if isRunnable and redis.call('EXISTS', K('in', id)) == 1 and redis.call('EXISTS', K('out', id)) == 0 then
    redis.call('ZADD', READY, 'NX', redis.call('GET', SEQ) or 0, id)
  else
    redis.call('ZREM', READY, id)
  end
end

local function commit(cur, rule)
  local owner = cur.o
  if rule.owner == 'take' then owner = runner elseif rule.owner == 'clear' then owner = '' end
  local seq = redis.call('INCR', SEQ)
  local key = K('i', id)
  redis.call('HSET', key, 's', rule.to, 'o', owner, 'at', at, 'q', REQ)
  redis.call('RPUSH', K('h', id), rule.to .. '\t' .. runner .. '\t' .. at .. '\t' .. seq)
  if redis.call('SMOVE', K('by', cur.s), K('by', rule.to), id) == 0 then redis.call('SADD', K('by', rule.to), id) end
  if owner ~= cur.o then
    if cur.o ~= '' then redis.call('SREM', K('owned', cur.o), id) end
    if owner ~= '' then redis.call('SADD', K('owned', owner), id) end
  end
  if cur.r ~= '' then
    redis.call(has(rule, 'K') and 'SADD' or 'SREM', K('run', cur.r), id)
    redis.call(has(rule, 'P') and 'SADD' or 'SREM', K('park', cur.r), id)
  end
  settle(has(rule, 'R'))
  cur.s, cur.o = rule.to, owner
end

local f = redis.call('HMGET', K('i', id), 's', 'o', 'r', 'x', 'q')
if not f[1] then return { 'ERR', 'notfound', '', '', resumed.to } end
local cur = { s = f[1], o = f[2] or '', r = f[3] or '', x = f[4] }
if f[5] == REQ then
  -- Applied by this very call before: answer as it did then.
  if cur.s == running.to then return { 'OK', cur.o } end
  return { 'HELD' }
end
local why = refusal(cur, resumed)
if why then return { 'ERR', why, cur.s, cur.o, resumed.to } end
commit(cur, resumed)
why = refusal(cur, running)
if why then return { 'ERR', why, cur.s, cur.o, running.to } end
if cur.r ~= '' and redis.call('EXISTS', K('run', cur.r)) == 1 then return { 'HELD' } end
commit(cur, running)
return { 'OK', cur.o }
