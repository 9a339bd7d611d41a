--[[
pin / unpin: count the outside readers of invocations' results (retention skips an id while counted).
The pins and unpins of one tick come in one call, applied in the order they were made.

Answered once (include/once.lua): sent again after a reconnect, when Redis applied it but its answer
was lost, it changes no count a second time (an unpin applied twice would let retention forget a result
another reader still reads).

KEYS[1] pins       hash: id -> number of pins
KEYS[2] pinned-at  hash: id -> time of its latest pin (pins expire, see store-purge-4.lua)
ARGV[1] the connection's kept-answers key   ARGV[2] the call's request id (include/once.lua)
ARGV[3] now (ms epoch, the time of the pins)
ARGV[4...] the ops in order, as runs: "+<n>" then the n ids it pins, "-<n>" then the n ids it unpins,
        and so on (the counts make any id, even "+1", read as an id)
Returns 1.

A pin counts one more and dates the id now; an unpin of a count above one counts one less, of a count
of one deletes both fields, and of an id not pinned does nothing (one unpin too many is harmless).
The ops are applied in order to the counts read with one HMGET, and what they leave is written with
one command per kind of write, however many ids the call names. What costs Redis here is each argument
a command takes and each string Lua makes, not the commands: the ids go as they are (no "+id" to cut,
one mark per run), and the few writes name each id once.
]]
--#include include/once.lua

local applied, answer, kept = onceFound(ARGV[1], ARGV[2])
if applied then return answer end

-- Counts as strings (a Lua number is formatted for each command that takes it).
local COUNTS = { '1', '2', '3' }
-- unpack puts its values on Lua's stack, which holds about 8,000: longer lists go in chunks.
local CHUNK = 7000

local function each(list, write)
  for first = 1, #list, CHUNK do write(unpack(list, first, math.min(first + CHUNK - 1, #list))) end
end

-- The runs: where each starts (its first id), ends, and whether it pins.
local runs, i = {}, 4
while i <= #ARGV do
  local mark = ARGV[i]
  local sign, digits = string.match(mark, '^([+-])(%d+)$')
  local n = tonumber(digits)
  if not n or i + n > #ARGV then return redis.error_reply('ERR store-pin-3: bad run mark ' .. mark) end
  runs[#runs + 1] = { first = i + 1, last = i + n, pin = sign == '+' }
  i = i + n + 1
end

-- The ids, each once, in order of first mention.
local counts, order = {}, {}
for _, run in ipairs(runs) do
  for j = run.first, run.last do
    local id = ARGV[j]
    if not counts[id] then
      counts[id] = 0
      order[#order + 1] = id
    end
  end
end
local at = 1
each(order, function(...)
  local read = redis.call('HMGET', KEYS[1], ...)
  for i = 1, #read do
    counts[order[at]] = tonumber(read[i]) or 0
    at = at + 1
  end
end)

local dated = {}
for _, run in ipairs(runs) do
  for j = run.first, run.last do
    local id = ARGV[j]
    if run.pin then
      counts[id] = counts[id] + 1
      dated[id] = true
    elseif counts[id] > 0 then
      counts[id] = counts[id] - 1
      if counts[id] == 0 then dated[id] = nil end
    end
  end
end

local setCounts, setDates, gone = {}, {}, {}
for _, id in ipairs(order) do
  local n = counts[id]
  if n > 0 then
    setCounts[#setCounts + 1] = id
    setCounts[#setCounts + 1] = COUNTS[n] or n
    if dated[id] then
      setDates[#setDates + 1] = id
      setDates[#setDates + 1] = ARGV[3]
    end
  else
    gone[#gone + 1] = id
  end
end
each(setCounts, function(...) redis.call('HSET', KEYS[1], ...) end)
each(setDates, function(...) redis.call('HSET', KEYS[2], ...) end)
each(gone, function(...)
  redis.call('HDEL', KEYS[1], ...)
  redis.call('HDEL', KEYS[2], ...)
end)
return onceKeep(ARGV[1], ARGV[2], kept, 1)
