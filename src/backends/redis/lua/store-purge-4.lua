--[[
purgeFinished: forget the finished invocations that are due (finished before a time, or the oldest
beyond a count), unless somebody has not read their result yet: a wait edge points at it, a live pin,
or it is named in ARGV. Those are held and looked at again by every later call until they can go.

KEYS[1] finished   zset: finished invocations not yet due, by finish time then change order
                   (member "<seq, 16 digits>:<id>", see store-change-3.lua)
KEYS[2] held       set: due at an earlier call but unread then
KEYS[3] pins       hash: id -> number of pins
KEYS[4] pinned-at  hash: id -> time of its latest pin
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] olderThan (ms epoch)   ARGV[3] keepNewest   ARGV[4] now (ms epoch)
ARGV[5] how long a pin keeps an invocation after both the pin and its finish (ms)
ARGV[6] the most invocations one call looks at (the rest waits for the next call)
ARGV[7...] ids to hold as if read by nobody (awaited in the calling process)
-> the ids forgotten
]]
local P = ARGV[1]
local FINISHED, HELD, PINS, PINNED_AT = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local olderThan, keepNewest, now = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local pinExpiry, limit = tonumber(ARGV[5]), tonumber(ARGV[6])
local keep = {}
for i = 7, #ARGV do keep[ARGV[i]] = true end

local function unread(id, finishedAt)
  if keep[id] or redis.call('EXISTS', P .. 'in:' .. id) == 1 then return true end
  local pins = tonumber(redis.call('HGET', PINS, id) or '0')
  if pins <= 0 then return false end
  local pinnedAt = tonumber(redis.call('HGET', PINNED_AT, id) or '0')
  return math.max(pinnedAt, finishedAt) > now - pinExpiry
end

-- Both rules take the oldest first: the due ones are the longer of the two prefixes of the zset.
local byAge = redis.call('ZCOUNT', FINISHED, '-inf', '(' .. olderThan)
local byCount = redis.call('ZCARD', FINISHED) - keepNewest
local take = math.min(math.max(byAge, byCount), limit)
local due = redis.call('SMEMBERS', HELD)
if take > 0 then
  for _, member in ipairs(redis.call('ZRANGE', FINISHED, 0, take - 1)) do
    due[#due + 1] = string.sub(member, 18)
  end
  redis.call('ZREMRANGEBYRANK', FINISHED, 0, take - 1)
end

local purged = {}
for _, id in ipairs(due) do
  local key = P .. 'i:' .. id
  local f = redis.call('HMGET', key, 's', 'c', 'f')
  if not f[1] then
    redis.call('SREM', HELD, id) -- forgotten meanwhile (purge)
  elseif unread(id, tonumber(f[3] or '0')) then
    redis.call('SADD', HELD, id)
  else
    redis.call('SREM', HELD, id)
    redis.call('SREM', P .. 'by:' .. f[1], id)
    if f[2] and redis.call('GET', P .. 'cache:' .. f[2]) == id then redis.call('DEL', P .. 'cache:' .. f[2]) end
    redis.call('DEL', key, P .. 'h:' .. id)
    redis.call('HDEL', PINS, id) -- an expired pin: its reader is gone
    redis.call('HDEL', PINNED_AT, id)
    purged[#purged + 1] = id
  end
end
return purged
