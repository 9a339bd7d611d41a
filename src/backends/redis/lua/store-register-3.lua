--[[
Register a batch of new invocations in one step: the status (REGISTERED, with its first history entry and
indexes, as store-change-3.lua's register), the record (as state-save-1.lua) and the route (RPUSH, in
batch order). Done together, no runner can ever pop an id whose status or record is not stored yet, and
a registration costs one round trip instead of three. For items without a registration key or a cache
key only (those decide at the call, through store-change-3.lua's register and Orchestrator.registerNow).

An id whose status exists already is skipped entirely (not saved again, not routed again): this is what
makes a call ioredis sends again after a reconnect harmless.

When anything was routed, the work message goes out from here too (as RedisNotifier publishes it,
`[sender]` on the work channel), so a registration needs no PUBLISH after it; but only when a runner
waits for work: one whose last claim got less than it asked for is listed in `os:idle` by that claim
(include/claim.lua), in the same step, so a registration after it finds it listed. The message wakes
every runner, so the list is emptied with it; a woken runner that again claims short lists itself again.
A runner that claimed all it asked for claims again when a slot frees (its finish claims the next), so
while every runner is busy (a recursive task registering its children), no message goes out. A runner
that leaves the registry (stopped, or recovered as dead) is taken off the list (redis-store-runners.ts);
one that died unnoticed yet costs one message more.

Each new invocation records who listens for its final (field `w`, see store-finish-5.lua) as "-": nobody
yet. A process that awaits it, the registering one included, marks itself when it reads its status
(store-watch-1.lua), so a final that nobody awaits is not published (10,000 calls that nobody awaits
cost 10,000 messages to every subscribed process otherwise).

KEYS[1] seq    the store's counter of status changes (os:seq)
KEYS[2] ready  the store's zset of waited-on runnable invocations (os:ready)
KEYS[3] queue  the broker's list
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] the app's key prefix (records: "<app prefix>rec:<id>", children: "<app prefix>kids:<id>")
ARGV[3] runner id ("" for none), ARGV[4] at
ARGV[5] the work channel ("<app prefix>work"; "" publishes nothing)   ARGV[6] the message's sender
then per item, 5 ARGV: id, task id, running key ("" for none), parent id ("" for none), the record's
string without an outcome (layout in state-save-1.lua)
Returns the number of invocations inserted. The initial status and its rule are status.ts's, written
into the script (redis-store-rules.ts).
]]
--#rules
-- The call's keys and arguments that the helpers below read: set on each call (see --#call).
local P, A, runner, at
local SEQ, READY, QUEUE
local initial = rule(INITIAL_STATUS)

--#include include/wait-rank.lua

local function K(kind, name)
  return P .. kind .. ':' .. name
end

local function has(flag)
  return string.find(initial.flags, flag, 1, true) ~= nil
end

--#include include/record-save.lua

--#include include/history.lua

-- What runs on each call (the lines above are made once, when the script is a Redis Function: scripts.ts).
--#call
P, A, runner, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
SEQ, READY, QUEUE = KEYS[1], KEYS[2], KEYS[3]
-- Whether the initial status is runnable (per call: a library's load has no `string`).
local runnable = has('R')
local routed = {}

-- The new ones first (a status already stored is a resend's, skipped), so that their seqs are taken at once.
local new, seen = {}, {}
for i = 7, #ARGV, 5 do
  if not seen[ARGV[i]] and redis.call('EXISTS', K('i', ARGV[i])) == 0 then new[#new + 1] = i end
  seen[ARGV[i]] = true
end
local seq = #new > 0 and redis.call('INCRBY', SEQ, #new) - #new or 0
for n, i in ipairs(new) do
  local id, task, r, parent, value = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local key = K('i', id)
  local entrySeq = seq + n
  if r ~= '' then
    redis.call('HSET', key, 's', initial.to, 'o', '', 'at', at, 't', task, 'w', '-', 'r', r)
    if has('K') then redis.call('SADD', K('run', r), id) end
    if has('P') then redis.call('SADD', K('park', r), id) end
  else
    redis.call('HSET', key, 's', initial.to, 'o', '', 'at', at, 't', task, 'w', '-')
  end
  redis.call('RPUSH', K('h', id), historyEntry(initial.to, runner, at, entrySeq))
  -- Somebody may wait for it already (an edge recorded before its registration reached the store).
  if runnable and redis.call('EXISTS', K('in', id)) == 1 and redis.call('EXISTS', K('out', id)) == 0 then
    recount({ id }) -- its waiters recorded no count for it while it was unknown
    redis.call('ZADD', READY, 'NX', readyScore(rankOf(id), entrySeq), id)
  end
  saveRecord(A, id, parent, value)
  routed[#routed + 1] = id
end
if #routed > 0 then redis.call('SADD', K('by', initial.to), unpack(routed)) end
saveChildren(A)
-- unpack has a stack limit (about 8,000 values): the caller's chunks stay far below it.
if #routed > 0 then
  redis.call('RPUSH', QUEUE, unpack(routed))
  if ARGV[5] ~= '' and redis.call('DEL', P .. 'idle') == 1 then
    redis.call('PUBLISH', ARGV[5], cjson.encode({ ARGV[6] }))
  end
end
return #routed
