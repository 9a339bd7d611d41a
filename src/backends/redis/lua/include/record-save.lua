-- Writing invocation records, shared by state-save-1.lua and store-register-3.lua. A record is the
-- string `<meta bytes>,<args bytes>:<meta><args>` under `<app prefix>rec:<id>`; an outcome stored before
-- its record (it follows the record's bytes) is kept. Each parent known here gets its new children
-- appended to `<app prefix>kids:<parent>`, once per call (saveChildren).
local childrenOf, parentsSeen
--#each
childrenOf, parentsSeen = {}, {}
--#end

local function saveRecord(app, id, parent, value)
  local rec = app .. 'rec:' .. id
  local m, a, h = string.match(redis.call('GETRANGE', rec, '0', '40'), '^(%d+),(%d+):()')
  if m then value = value .. redis.call('GETRANGE', rec, h - 1 + tonumber(m) + tonumber(a), -1) end
  redis.call('SET', rec, value)
  if parent ~= '' then
    local ids = childrenOf[parent]
    if not ids then
      ids = {}
      childrenOf[parent] = ids
      parentsSeen[#parentsSeen + 1] = parent
    end
    ids[#ids + 1] = id
  end
end

-- Only a parent whose record is stored (not an outcome-only row) keeps a children list. Each id is
-- appended with a "," before it (one APPEND, no read): a list starts with one, or, written by an older
-- script, does not; readers drop the empty first part.
local function saveChildren(app)
  for _, parent in ipairs(parentsSeen) do
    local head = redis.call('GETRANGE', app .. 'rec:' .. parent, '0', '0')
    if head ~= '' and head ~= '0' then
      redis.call('APPEND', app .. 'kids:' .. parent, ',' .. table.concat(childrenOf[parent], ','))
    end
  end
end
