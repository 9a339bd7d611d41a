--[[
  Store a batch of invocation records (StateBackend.saveInvocations) in one call.

  An invocation is ONE string, `<prefix>rec:<id>` (a string stays compact whatever the size of its
  arguments, where a hash with a field over 64 bytes doubles in size):
    <metaBytes>,<argsBytes>:<meta><args><outcome>
  meta: JSON [taskId, argsId, parentId, createdAt, runningKey?, largeValueKeys?, dueAt?]; args: the serialized
  arguments as given; outcome: empty until state-set-outcome-1.lua writes it. A row holding only an
  outcome starts "0,0:". Lengths are in bytes.
  The children of a parent are the string `<prefix>kids:<parentId>`, their ids joined by "," in
  registration order (about 100 bytes less than a list for the usual one or two children). A child is
  added only while its parent's record is stored: a parent retention already forgot gets no string back.

  KEYS[1] the key prefix
  ARGV    three per record, in registration order: id, parent id ("" for none), the string without
          an outcome (built by the caller: a string made in Lua costs more than the SET)
  Returns the number of records stored.
]]
local prefix = KEYS[1]
local children, parents = {}, {}
for i = 1, #ARGV, 3 do
  local id, parent, value = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local key = prefix .. 'rec:' .. id
  local m, a, h = string.match(redis.call('GETRANGE', key, 0, 40), '^(%d+),(%d+):()')
  if m then -- an outcome stored before the record is kept
    value = value .. redis.call('GETRANGE', key, h - 1 + tonumber(m) + tonumber(a), -1)
  end
  redis.call('SET', key, value)
  if parent ~= '' then
    local ids = children[parent]
    if not ids then
      ids = {}
      children[parent] = ids
      parents[#parents + 1] = parent
    end
    ids[#ids + 1] = id
  end
end
for _, parent in ipairs(parents) do
  local head = redis.call('GETRANGE', prefix .. 'rec:' .. parent, 0, 0)
  if head ~= '' and head ~= '0' then
    local key = prefix .. 'kids:' .. parent
    local added = table.concat(children[parent], ',')
    local before = redis.call('GET', key)
    redis.call('SET', key, before and (before .. ',' .. added) or added)
  end
end
return #ARGV / 3
