--[[
Every write to the orchestrator store's statuses and wait edges, in one script so that the status
check, the history entry, the indexes and the wait graph's ready set always change together. The
status rules are status.ts's, written into the script (redis-store-rules.ts): this file names only
the statuses whose moves it makes itself (claim: PENDING; resume: RESUMED to RUNNING).

KEYS[1] seq       counter of status changes: each history entry's seq
KEYS[2] ready     zset: invocations somebody waits for, that wait for nothing and are runnable
KEYS[3] finished  zset: finished invocations by finish time, member "<seq, 16 digits>:<id>" so that
                  those finished in the same millisecond keep their change order (retention)
ARGV[1] the store's key prefix ("<app prefix>os:"), to build each invocation's keys
ARGV[2] the operation; its own ARGV follow:
  register    3 runner id, 4 at, then per item: id, task id, registration key, running key, cache key ("" for none)
              -> per item: "" (inserted, or already there) or the id holding its registration key
  transition  3 id, 4 runner id, 5 at, 6 "1" to clear the edges leaving it, 7 the target status
              -> {"OK", owner after} | {"ERR", reason, status, owner}
  claim       3 runner id, 4 at, 5... ids
              -> {claimed ids, ids held back by their running key} | {"ERR", reason, status, owner, id}
  resume      3 id, 4 runner id, 5 at (RESUMED to RUNNING)
              -> {"OK", owner after} | {"HELD"} (its running key is held) | {"ERR", ...}
  wait        3 waiter id, 4... waited ids
  unwaitOf    3 waiter id: drops every edge leaving it
  unwaitOn    3 waited id: drops every edge pointing at it
(the statuses the ready set holds, runnable but RETRY, are WAIT_READY_WORDS)
An owner is "" when there is none; reason is "notfound", "invalid" or "cancel".
]]
local P = ARGV[1]
local op = ARGV[2]
-- The call's request id: a move it already made (the call sent again after a reconnect) is answered as made.
local REQ = table.remove(ARGV, 3)
local SEQ, READY, FINISHED = KEYS[1], KEYS[2], KEYS[3]

--#include include/wait-rank.lua

--#include include/store-moves.lua

local function register()
  local runner, at, initial = ARGV[3], ARGV[4], rule(INITIAL_STATUS)
  local answer = {}
  for i = 5, #ARGV, 5 do
    local id, task, g, r, c = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
    local holder = g ~= '' and redis.call('GET', K('reg', g))
    if holder and holder ~= id then
      answer[#answer + 1] = holder
    else
      answer[#answer + 1] = ''
      local key = K('i', id)
      if redis.call('EXISTS', key) == 0 then
        local seq = redis.call('INCR', SEQ)
        -- No listener recorded (`w`, see store-finish-5.lua): its final is always published.
        redis.call('HSET', key, 's', initial.to, 'o', '', 'at', at, 't', task)
        if g ~= '' then
          redis.call('HSET', key, 'g', g)
          redis.call('SET', K('reg', g), id)
        end
        if r ~= '' then redis.call('HSET', key, 'r', r) end
        if c ~= '' then redis.call('HSET', key, 'c', c) end
        redis.call('RPUSH', K('h', id), historyEntry(initial.to, runner, at, seq))
        redis.call('SADD', K('by', initial.to), id)
        keyIndexes(id, r, initial)
        settle(id, has(initial, 'R'))
      end
    end
  end
  return answer
end

local function transition()
  local id, runner, at, clear, to = ARGV[3], ARGV[4], ARGV[5], ARGV[6], rule(ARGV[7])
  local cur = load(id)
  if not cur then return { 'ERR', 'notfound' } end
  if cur.q == REQ then return { 'OK', cur.o } end
  local why = refusal(cur, to, runner)
  if why then return { 'ERR', why, cur.s, cur.o } end
  local from = cur.s
  local owner = commit(id, cur, to, runner, at)
  if clear == '1' then dropOut(id) end
  settleMove(id, from, to)
  return { 'OK', owner }
end

local function claim()
  local runner, at, pending = ARGV[3], ARGV[4], rule('PENDING')
  local claimed, blocked, seen = {}, {}, {}
  for i = 5, #ARGV do
    local id = ARGV[i]
    local cur = load(id)
    if cur and cur.q == REQ and not seen[id] then
      seen[id] = true
      claimed[#claimed + 1] = id
    elseif cur and listed(RUNNABLE_WORDS, cur.s) then
      if cur.r ~= '' and redis.call('EXISTS', K('run', cur.r)) == 1 then
        blocked[#blocked + 1] = id
      else
        local why = refusal(cur, pending, runner)
        if why then return { 'ERR', why, cur.s, cur.o, id } end
        local from = cur.s
        commit(id, cur, pending, runner, at)
        settleMove(id, from, pending)
        seen[id] = true
        claimed[#claimed + 1] = id
      end
    end
  end
  return { claimed, blocked }
end

local function resume()
  local id, runner, at, running = ARGV[3], ARGV[4], ARGV[5], rule('RUNNING')
  local cur = load(id)
  if not cur then return { 'ERR', 'notfound' } end
  if cur.q == REQ then return { 'OK', cur.o } end
  if cur.s ~= 'RESUMED' then return { 'ERR', 'invalid', cur.s, cur.o } end
  local why = refusal(cur, running, runner)
  if why then return { 'ERR', why, cur.s, cur.o } end
  if cur.r ~= '' and redis.call('EXISTS', K('run', cur.r)) == 1 then return { 'HELD' } end
  local owner = commit(id, cur, running, runner, at)
  settleMove(id, 'RESUMED', running)
  return { 'OK', owner }
end

local function wait()
  local waiter = ARGV[3]
  if #ARGV < 4 then return end -- waiting for nothing is not waiting
  local out = K('out', waiter)
  markWaits(waiter)
  for i = 4, #ARGV do
    redis.call('SADD', out, ARGV[i])
    redis.call('SADD', K('in', ARGV[i]), waiter)
  end
  redis.call('ZREM', READY, waiter)
  local waited = {}
  for i = 4, #ARGV do waited[#waited + 1] = ARGV[i] end
  recount(waited) -- one waiter more for each (and for what they wait for)
  for i = 4, #ARGV do settle(ARGV[i], runnableNow(ARGV[i], WAIT_READY_WORDS)) end
end

local function unwaitOf()
  local waiter = ARGV[3]
  dropOut(waiter)
  settle(waiter, runnableNow(waiter, WAIT_READY_WORDS))
end

local function unwaitOn()
  local waited = ARGV[3]
  local into = K('in', waited)
  for _, waiter in ipairs(redis.call('SMEMBERS', into)) do
    local out = K('out', waiter)
    redis.call('SREM', out, waited)
    redis.call('SREM', K('open', waiter), waited)
    if redis.call('EXISTS', out) == 0 then settle(waiter, runnableNow(waiter, WAIT_READY_WORDS)) end
  end
  redis.call('DEL', into)
  redis.call('ZREM', READY, waited)
  recount({ waited }) -- waited on by nobody now (nor is what it waits for, through it)
end

local ops = {
  register = register,
  transition = transition,
  claim = claim,
  resume = resume,
  wait = wait,
  unwaitOf = unwaitOf,
  unwaitOn = unwaitOn,
}
return ops[op]()
