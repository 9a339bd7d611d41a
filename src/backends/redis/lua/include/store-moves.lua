--[[
Shared by the store's scripts that move statuses (store-change-3.lua, claim-next-5.lua, ...), included
where the line `--#include include/store-moves.lua` stands (scripts.ts). The including script declares
before it: P (the store's key prefix), REQ (the call's request id), SEQ, READY and FINISHED (its keys),
and includes include/wait-rank.lua before it. The status rules (`rule(to)`, the status lists) are
status.ts's, written in below by redis-store-rules.ts.
]]
--#rules

--#include include/history.lua

-- A count passed to a command as a string: a Lua number is formatted as a double for each call.
local COUNTS = { '1', '2', '3' }

local function K(kind, name)
  return P .. kind .. ':' .. name
end

-- Whether `status` is one of `words` (" A B "). The answers are kept per list (in the library, so
-- across calls when the script is a Redis Function): a status is looked up in a table, not searched for
-- with a string made for the search. The statuses are status.ts's few, so the tables stay small.
local listedIn = {}
local function listed(words, status)
  local known = listedIn[words]
  if not known then
    known = {}
    listedIn[words] = known
  end
  local found = known[status]
  if found == nil then
    found = string.find(words, ' ' .. status .. ' ', 1, true) ~= nil
    known[status] = found
  end
  return found
end

-- Whether `rule` has `flag` (a letter of its flags), kept in the rule itself after the first look.
local function has(rule, flag)
  local found = rule[flag]
  if found == nil then
    found = string.find(rule.flags, flag, 1, true) ~= nil
    rule[flag] = found
  end
  return found
end

-- `w`: who listens for its final besides its waiters (store-register-3.lua, store-watch-1.lua): the
-- notifier sender of the one process, "-" for none yet, "*" for several, "" when unknown. `p`: set once
-- it has waited for something (markWaits), so one that never did skips the look at its "out" edges.
-- `u`: the request id of the pause that wrote its "open" set (store-pause-3.lua): the set is what it
-- still waits for while `u` is its `q`, the pause its last move (see include/resume.lua's waitsOver).
local function load(id)
  local key = K('i', id)
  local f = redis.call('HMGET', key, 's', 'o', 'r', 'g', 'c', 'x', 'q', 'w', 'p', 'u')
  if not f[1] then return nil end
  return {
    s = f[1], o = f[2] or '', r = f[3] or '', g = f[4] or '', c = f[5] or '', x = f[6], q = f[7], w = f[8] or '',
    p = f[9], u = f[10], key = key,
  }
end

-- What a move that is not final needs of an invocation's hash: status, owner, running key and cancel
-- mark, then the fields named in `...` ('q', 'p', 'u'), as load reads them. An HMGET costs by the fields
-- it answers: a claim reads 4, a pause and a finish's resume of a waiter 6, not load's 10.
local function loadFor(id, ...)
  local key = K('i', id)
  local f = redis.call('HMGET', key, 's', 'o', 'r', 'x', ...)
  if not f[1] then return nil end
  local cur = { s = f[1], o = f[2] or '', r = f[3] or '', g = '', c = '', x = f[4], key = key }
  for i = 1, select('#', ...) do cur[(select(i, ...))] = f[4 + i] end
  return cur
end

-- Every script that records "out" edges of `waiter` marks it first (`p`, see load): without the mark it
-- has none. The mark stays (an invocation that waited once may wait again).
local function markWaits(waiter)
  redis.call('HSET', K('i', waiter), 'p', '1')
end

-- Why status.ts refuses the move (nil when allowed), checked in ownerAfter's order.
local function refusal(cur, rule, runner)
  if not listed(rule.from, cur.s) then return 'invalid' end
  if listed(rule.ownerFrom, cur.s) and cur.o ~= runner then return 'invalid' end
  if rule.owner == 'take' and runner == '' then return 'invalid' end
  if cur.x and has(rule, 'X') then return 'cancel' end
  return nil
end

local function runnableNow(id, runnable)
  local s = redis.call('HGET', K('i', id), 's')
  return s and listed(runnable, s)
end

-- In the ready set exactly when waited on, waiting for nothing and runnable. One waited on by nobody is
-- not in it already: every change that empties an "in" set takes its id out of the ready set (dropOut,
-- store-change-3.lua's unwaitOn), and nothing adds one whose "in" set is empty. One not runnable leaves
-- it (a ZREM of a non-member costs what the EXISTS that would tell costs).
local function settle(id, runnable)
  if not runnable then
    redis.call('ZREM', READY, id)
  elseif redis.call('EXISTS', K('in', id)) == 1 then
    if redis.call('EXISTS', K('out', id)) == 0 then
      redis.call('ZADD', READY, 'NX', readyScore(rankOf(id), redis.call('GET', SEQ) or 0), id)
    else
      redis.call('ZREM', READY, id)
    end
  end
end

-- settle after a move from status `from` by `rule`: a move between two statuses the ready set cannot
-- hold (WAIT_READY_WORDS) has nothing to change there, as only settle and the ready-set adds (which all
-- check the status) put an id in it: it was not in it, and may not be.
local function settleMove(id, from, rule)
  local ready = has(rule, 'R')
  if ready or listed(WAIT_READY_WORDS, from) then settle(id, ready) end
end

-- Removes the "out" edges of `waiter` (one never marked by markWaits has none: call it only for a marked
-- one, or one whose mark is unknown).
local function dropOut(waiter)
  local out = K('out', waiter)
  local waitedIds = redis.call('SMEMBERS', out)
  for _, waited in ipairs(waitedIds) do
    local into = K('in', waited)
    redis.call('SREM', into, waiter)
    if redis.call('EXISTS', into) == 0 then redis.call('ZREM', READY, waited) end
  end
  redis.call('DEL', out, K('open', waiter))
  recount(waitedIds) -- one waiter fewer for each
end

local function keyIndexes(id, r, rule)
  if r == '' then return end
  redis.call(has(rule, 'K') and 'SADD' or 'SREM', K('run', r), id)
  redis.call(has(rule, 'P') and 'SADD' or 'SREM', K('park', r), id)
end

-- The owner after `rule` moves an invocation owned by `owner` for `runner`.
local function ownerAfter(owner, rule, runner)
  if rule.owner == 'take' then return runner elseif rule.owner == 'clear' then return '' end
  return owner
end

-- Store validated moves made in a row (`rules`, each checked by the caller against the status the one
-- before leaves; only the last may be final): one history entry each, written as one change of status,
-- owner and indexes (PENDING then RUNNING in one claim costs one hash write, one RPUSH, one index move).
-- `extra`: more fields of its status hash to write with the move (field, value, ...), for a non-final
-- move. Returns the owner after, and the seq of the last history entry written.
local function commitMoves(id, cur, rules, runner, at, waitedBy, extra)
  local n = #rules
  local owner = cur.o
  for i = 1, n do owner = ownerAfter(owner, rules[i], runner) end
  local last = rules[n]
  local to = last.to
  local seq = redis.call('INCRBY', SEQ, COUNTS[n] or n)
  local key = cur.key or K('i', id)
  local final = has(last, 'F')
  if final then
    redis.call('HSET', key, 's', to, 'o', owner, 'at', at, 'q', REQ, 'f', at)
  elseif extra then
    redis.call('HSET', key, 's', to, 'o', owner, 'at', at, 'q', REQ, unpack(extra))
  else
    redis.call('HSET', key, 's', to, 'o', owner, 'at', at, 'q', REQ)
  end
  local entries = {}
  for i = 1, n do entries[i] = historyEntry(rules[i].to, runner, at, seq - n + i) end
  redis.call('RPUSH', K('h', id), unpack(entries))
  if redis.call('SMOVE', K('by', cur.s), K('by', to), id) == 0 then redis.call('SADD', K('by', to), id) end
  if owner ~= cur.o then
    if cur.o ~= '' then redis.call('SREM', K('owned', cur.o), id) end
    if owner ~= '' then redis.call('SADD', K('owned', owner), id) end
  end
  keyIndexes(id, cur.r, last)
  if final then
    if cur.x then redis.call('HDEL', key, 'x') end
    redis.call('ZADD', FINISHED, at, finishedMember(seq, id))
    if cur.g ~= '' and redis.call('GET', K('reg', cur.g)) == id then redis.call('DEL', K('reg', cur.g)) end
    if cur.c ~= '' and has(last, 'S') then redis.call('SET', K('cache', cur.c), id) end
    -- Final: no longer open for those that wait for it (`waitedBy`: its "in" set, when read already).
    for _, waiter in ipairs(waitedBy or redis.call('SMEMBERS', K('in', id))) do
      redis.call('SREM', K('open', waiter), id)
    end
  end
  cur.s, cur.o = to, owner
  return owner, seq
end

-- Store a validated move: status, owner, history entry and indexes (`extra` as commitMoves). Returns
-- the owner after, and the seq of its history entry.
local function commit(id, cur, rule, runner, at, waitedBy, extra)
  return commitMoves(id, cur, { rule }, runner, at, waitedBy, extra)
end

-- Why `second` is refused right after `first` (both moves checked before either is written).
local function refusalAfter(cur, first, second, runner)
  return refusal({ s = first.to, o = ownerAfter(cur.o, first, runner), x = cur.x }, second, runner)
end
