--[[
Orchestrator.finish for a batch of invocations (Backend.finishFinal): for each, the outcome is stored
(as state-set-outcome-1.lua does) and the invocation moves to its final status with its history entry,
validated by the rules of status.ts, and the wait edges leaving it go (store-change-3.lua's transition
with clearWaits), each item in one atomic step with its own answer. The outcome is stored even when the
move is refused, as a separate setOutcome and transition would leave it (a refused end under a cancel
request is then finished CANCELLED by the caller, whose outcome replaces it).

The ids of the accepted finishes are then published on the final channel, as RedisNotifier publishes a
final (the message `[sender, ...ids, {o: {id: [ok, text]}}]`, the outcomes carried only for the items
that ask), so a finish needs no PUBLISH of its own after it. A refused item is not published (its
caller ends it another way, which publishes). A call sent again after a reconnect answers its moves as
made and publishes them again: a second final message is harmless (those it wakes are woken already).
Only the finals another process may wait for go out: not one whose listener (field `w`) is nobody ("-":
no process read its status to wait since its registration) or the sender itself, the process that
finishes it (which wakes its own listeners), and whose paused waiters this
call resumed or the claiming runner named, all of them (a recursive task's child finished where its
parent runs, resumed now or still waiting for a sibling). Every process
that waits for a final is either a paused waiter (an edge in `in:<id>`) or marked itself in `w` when it
read the status (store-watch-1.lua), so none misses a final it waits for.

Then, when a claiming runner is named (Backend.finishAndClaim), the slots its finishes free are filled
in the same step, but only for a finish that was accepted (a refused one, e.g. under a cancel request,
frees no slot). A finished invocation that others wait for hands its slot to a waiter of the same runner
that the runner names (paused by a pause whose answer it has seen), is PAUSED and whose waits are now
all over (include/resume.lua: PAUSED -> RESUMED -> RUNNING, with
what it waited for read ahead), so a recursive task's parent goes on in the round trip of its child's
finish; a waiter under a cancel request, or whose running key is held, is left to the runner's own
resume. Otherwise an item that asks for k claims k more, as claim-next-5.lua claims (include/claim.lua),
unless a paused waiter of the claiming runner that this call did not resume has its waits over now (it
resumes in the runner's own resume, and a resumed invocation comes before new work). A finished child
whose parent still waits for a sibling claims (the sibling, most likely) in the same step.

KEYS[1] the store's seq     KEYS[2] the store's ready zset     KEYS[3] the store's finished zset
KEYS[4] the broker's queue  KEYS[5] the broker's delayed zset
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] the call's request id: a move it already made (the call sent again after a reconnect) is
        answered as made; each item's is this id and its place, the claim's this id and ":c"
ARGV[3] the records' key prefix ("<app prefix>rec:")
ARGV[4] the claiming runner ("" when nothing is claimed)   ARGV[5] at of the claim (epoch ms)
ARGV[6] how many of the ready set to rank      ARGV[7] "1" to move the claimed ones on to RUNNING
ARGV[8] the final channel ("<app prefix>final"; "" publishes nothing)   ARGV[9] the final's sender
ARGV[10] the longest outcome text a resumed waiter is answered
then per item, 11 ARGV: id, runner id ("" none), at, the final status it moves to, "v" or "e", text,
        "1" when finished from outside any owner (the outcome is stored only if absent), large value
        key ("" none), how many to claim once it is finished (0 unless a claiming runner is named),
        "1" when its final message carries the text as its outcome (small, and stored by this item),
        the paused waiters the claiming runner lets this finish resume ("," between ids; "" none)
The status rules are status.ts's, written into the script (include/store-moves.lua).
Returns { answers, claim, resumed }: per item {"OK", owner after} or {"ERR", reason, status, owner}
(reason as store-change-3.lua); claim is claim-next-5.lua's reply, or {} when nothing was to be claimed;
resumed lists the waiters resumed in freed slots, each {item's place (1-based), id, owner, waited} with
`waited` as store-resume-2.lua answers it. A call sent again after a reconnect lists them again, resumes
no other, and answers the claim it made then (what changed meanwhile, a waiter whose waits ended, does not
turn its claim into a resume: the first claim would be left RUNNING, unrun).
]]
-- The call's keys and arguments that the helpers below read: set on each call (see --#call).
local P, records
-- Each item's own request id (the call's, and its place), as two items may move one invocation: the
-- second is refused, not taken for a resend of the first.
local REQ
local SEQ, READY, FINISHED, QUEUE, DELAYED

--#include include/wait-rank.lua

--#include include/store-moves.lua

--#include include/outcome.lua


-- request, window, running and resent are the call's (see --#call).
local CLAIM = { runnable = RUNNABLE_WORDS, pending = rule('PENDING') }

--#include include/claim.lua

-- most and records are the call's (see --#call).
local RESUME = { finals = FINAL_WORDS, resumed = rule('RESUMED'), running = rule('RUNNING') }

--#include include/resume.lua

-- Hands the slot the finish of `id` frees to up to `max` of `waiters` (ids joined by ",") of `runner`
-- whose waits it ended (see the header), appending them to `resumed` for item `place`. `waitedBy`: who
-- waits for `id` (its "in" set, as finish read it). Returns how many it resumed, and what it found of
-- each waiter it looked at (`seen`: "resumed", or whether its waits are over; `read`: its status hash as
-- load read it, and as a refused or held resume changed it), for resumableLeft.
local function resumeWaiters(id, waiters, runner, max, place, resumed, at, waitedBy, seen, read)
  local isWaiter = {}
  for _, waiter in ipairs(waitedBy) do isWaiter[waiter] = true end
  local took = 0
  local request = ARGV[2] .. ':r' .. place
  for waiter in string.gmatch(waiters, '[^,]+') do
    if took >= max then break end
    local cur = loadFor(waiter, 'q', 'u')
    read[waiter] = cur
    if cur and cur.q == request and cur.s == RESUME.running.to then
      -- Resumed by this very call before (sent again after a reconnect): answered again.
      waitedRead[waiter] = nil -- read afresh
      resumed[#resumed + 1] = { place, waiter, cur.o, waitedFinal(waiter) }
      took = took + 1
      seen[waiter] = 'resumed'
    elseif
      -- A call sent again resumes none it did not resume then: its claim is answered as first made
      -- (claim.lua finds it), and a waiter resumed now as well would be a second one in the same slot.
      not CLAIM.resent and cur and cur.o == runner and not cur.x and isWaiter[waiter]
      and not refusal(cur, RESUME.resumed, runner)
      and (cur.r == '' or redis.call('EXISTS', K('run', cur.r)) == 0)
    then
      seen[waiter] = waitsOver(waiter, cur.u, cur.q)
      if seen[waiter] then
        REQ = request
        local answer = resumeFromPause(waiter, cur, runner, at)
        if answer[1] == 'OK' then
          resumed[#resumed + 1] = { place, waiter, answer[2], answer[3] }
          took = took + 1
          seen[waiter] = 'resumed'
        end
      end
    end
  end
  return took
end

local NOBODY = {}

-- Finishes the item at ARGV[i]; returns its answer, who waits for it (its "in" set: when nobody does, it
-- frees its slot for new work) and who listens for its final (`w`, "" when unknown or answered again).
local function finish(i)
  local id, runner, at, to = ARGV[i], ARGV[i + 1], ARGV[i + 2], rule(ARGV[i + 3])
  local unowned = ARGV[i + 6]
  storeOutcome(records .. id, ARGV[i + 4], ARGV[i + 5], unowned, unowned == '1' and K('i', id) or '',
    ONLY_CANCEL_ENDS_WORDS, ARGV[i + 7])
  local cur = load(id)
  if not cur then return { 'ERR', 'notfound' }, NOBODY, '' end
  local waitedBy = redis.call('SMEMBERS', K('in', id))
  if cur.q == REQ then
    CLAIM.resent = true
    return { 'OK', cur.o }, waitedBy, ''
  end
  local why = refusal(cur, to, runner)
  if why then return { 'ERR', why, cur.s, cur.o }, NOBODY, '' end
  local watcher, from = cur.w, cur.s
  local owner = commit(id, cur, to, runner, at, waitedBy)
  if cur.p then dropOut(id) end
  -- Waited on by nobody, it is not in the ready set (which holds only waited-on ones).
  if #waitedBy > 0 then settleMove(id, from, to) end
  return { 'OK', owner }, waitedBy, watcher
end

-- Whether a paused waiter of `runner` that this call did not resume (`seen`, as resumeWaiters left it for
-- this item: a waiter it resumed, or one whose waits it found over or not) has its waits over now that
-- the finished one is final, or one is RESUMED already: the runner resumes it itself, and the slot the
-- finish frees is kept for it. A waiter that resumeWaiters looked at changed only if it resumed it (or
-- left it RESUMED: commit wrote that into what it read, `read`), so its finding stands, and its status
-- hash is not read again.
local function resumableLeft(waitedBy, runner, seen, read)
  for _, waiter in ipairs(waitedBy) do
    if seen[waiter] ~= 'resumed' then
      local w = read[waiter]
      if w == nil then w = load(waiter) end
      if w and w.o == runner then
        if w.s == RESUME.resumed.to then return true end
        if listed(RESUME.resumed.from, w.s) then
          local over = seen[waiter]
          if over == nil then over = waitsOver(waiter, w.u, w.q) end
          if over then return true end
        end
      end
    end
  end
  return false
end

-- Whether a process other than the sender may wait for the final of `id` (see the header): its
-- listener is another process or unknown (nobody, "-", counts as the sender), or a waiter is left that
-- this call neither resumed nor was named by the claiming runner (`named`: its paused waiters, in the
-- sender's process, which wakes its own listeners without the message; a recursive task's parent still
-- waiting for a sibling).
local function heardElsewhere(watcher, waitedBy, resumedHere, named)
  if watcher == '' or (watcher ~= '-' and watcher ~= ARGV[9]) then return true end
  if #waitedBy <= resumedHere then return false end
  if named == '' then return true end
  local isNamed = {}
  for waiter in string.gmatch(named, '[^,]+') do isNamed[waiter] = true end
  for _, waiter in ipairs(waitedBy) do
    if not isNamed[waiter] then return true end
  end
  return false
end

-- What runs on each call (the lines above are made once, when the script is a Redis Function: scripts.ts).
--#call
P, records, REQ = ARGV[1], ARGV[3], nil
SEQ, READY, FINISHED, QUEUE, DELAYED = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
CLAIM.request, CLAIM.window = ARGV[2] .. ':c', tonumber(ARGV[6])
CLAIM.running = ARGV[7] == '1' and RESUME.running or nil
-- Only a call sent again (an item answered as made before) can find its claim made: set by finish.
CLAIM.resent = false
RESUME.most, RESUME.records = tonumber(ARGV[10]), records

-- The final message: the sender, the accepted ids, then the carried outcomes (when any).
local final, carried, anyCarried = { ARGV[9] }, {}, false
local answers, wanted, resumed = {}, 0, {}
for i = 11, #ARGV, 11 do
  REQ = ARGV[2] .. ':' .. i
  local answer, waitedBy, watcher = finish(i)
  local free = answer[1] == 'OK' and #waitedBy == 0 -- a refused finish frees no slot
  answers[#answers + 1] = answer
  local asked, resumedHere, seen, read = tonumber(ARGV[i + 8]), 0, {}, {}
  if answer[1] == 'OK' and not free and asked > 0 and ARGV[4] ~= '' and ARGV[i + 10] ~= '' then
    resumedHere = resumeWaiters(ARGV[i], ARGV[i + 10], ARGV[4], asked, #answers, resumed, ARGV[5], waitedBy, seen,
      read)
  end
  local named = ARGV[4] ~= '' and ARGV[i + 10] or ''
  if answer[1] == 'OK' and heardElsewhere(watcher, waitedBy, resumedHere, named) then
    final[#final + 1] = ARGV[i]
    if ARGV[i + 9] == '1' then
      carried[ARGV[i]] = { ARGV[i + 4] == 'v' and 1 or 0, ARGV[i + 5] }
      anyCarried = true
    end
  end
  if free then
    wanted = wanted + asked
  elseif answer[1] == 'OK' and asked > resumedHere and ARGV[4] ~= ''
    and not resumableLeft(waitedBy, ARGV[4], seen, read) then
    wanted = wanted + asked - resumedHere
  end
end
if ARGV[8] ~= '' and #final > 1 then
  if anyCarried then final[#final + 1] = { o = carried } end
  redis.call('PUBLISH', ARGV[8], cjson.encode(final))
end
-- A call sent again answers the claim it made then (found by claim.lua), even if what it finds now
-- (a waiter whose waits ended meanwhile) would claim nothing.
if ARGV[4] == '' or (wanted == 0 and not CLAIM.resent) then return { answers, {}, resumed } end
return { answers, claimNext(ARGV[4], ARGV[5], wanted), resumed }
