--[[
Orchestrator.finish for a batch of invocations (Backend.finishFinal): for each, the outcome is stored
(as state-set-outcome-1.lua does) and the invocation moves to its final status with its history entry,
validated by the rules of status.ts, and the wait edges leaving it go (store-change-3.lua's transition
with clearWaits), each item in one atomic step with its own answer. The outcome is stored even when the
move is refused, as a separate setOutcome and transition would leave it (a refused end under a cancel
request is then finished CANCELLED by the caller, whose outcome replaces it).

KEYS[1] the store's seq     KEYS[2] the store's ready zset     KEYS[3] the store's finished zset
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] the call's request id: a move it already made (the call sent again after a reconnect) is
        answered as made; each item's is this id and its place
ARGV[3] the records' key prefix ("<app prefix>rec:")
ARGV[4] the statuses only a cancel can end, as " A B " (redis-store-rules.ts)
ARGV[5] how many rules follow (n); ARGV[6 .. 5 + 5n] the rules of the target statuses (5 ARGV each)
then per item, 8 ARGV: id, runner id ("" none), at, index of its rule (1-based), "v" or "e", text,
        "1" when finished from outside any owner (the outcome is stored only if absent), large value
        key ("" none)
Returns per item {"OK", owner after} or {"ERR", reason, status, owner} (reason as store-change-3.lua).
]]
local P, records, onlyCancel = ARGV[1], ARGV[3], ARGV[4]
-- Each item's own request id (the call's, and its place), as two items may move one invocation: the
-- second is refused, not taken for a resend of the first.
local REQ
local SEQ, READY, FINISHED = KEYS[1], KEYS[2], KEYS[3]

--#include include/store-moves.lua

--#include include/outcome.lua

local rules = {}
local n = tonumber(ARGV[5])
for r = 1, n do rules[r] = ruleAt(1 + 5 * r) end

local function finish(i)
  local id, runner, at, rule = ARGV[i], ARGV[i + 1], ARGV[i + 2], rules[tonumber(ARGV[i + 3])]
  local unowned = ARGV[i + 6]
  storeOutcome(records .. id, ARGV[i + 4], ARGV[i + 5], unowned, unowned == '1' and K('i', id) or '',
    onlyCancel, ARGV[i + 7])
  local cur = load(id)
  if not cur then return { 'ERR', 'notfound' } end
  if cur.q == REQ then return { 'OK', cur.o } end
  local why = refusal(cur, rule, runner)
  if why then return { 'ERR', why, cur.s, cur.o } end
  local owner = commit(id, cur, rule, runner, at)
  dropOut(id)
  settle(id, has(rule, 'R'))
  return { 'OK', owner }
end

local answers = {}
for i = 6 + 5 * n, #ARGV, 8 do
  REQ = ARGV[2] .. ':' .. i
  answers[#answers + 1] = finish(i)
end
return answers
