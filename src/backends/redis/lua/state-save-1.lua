--[[
  Store a batch of invocation records (StateBackend.saveInvocations) in one call.

  An invocation is ONE string, `<prefix>rec:<id>` (a string stays compact whatever the size of its
  arguments, where a hash with a field over 64 bytes doubles in size):
    <metaBytes>,<argsBytes>:<meta><args><outcome>
  meta: JSON [taskId, argsId, parentId, createdAt, runningKey?, largeValueKeys?, dueAt?, triggeredBy?]
  (trailing absent fields left out, null for an absent one before a present one; built and read in
  redis-state-backend.ts, never parsed here); args: the serialized arguments as given; outcome: empty
  until state-set-outcome-1.lua writes it. A row holding only an outcome starts "0,0:". Lengths are in
  bytes.
  The children of a parent are the string `<prefix>kids:<parentId>`, their ids in registration order,
  each after a "," (about 100 bytes less than a list for the usual one or two children; one written
  before 2026-12-03 has no "," before its first id). A child is
  added only while its parent's record is stored: a parent retention already forgot gets no string back.

  KEYS[1] the key prefix
  ARGV    three per record, in registration order: id, parent id ("" for none), the string without
          an outcome (built by the caller: a string made in Lua costs more than the SET)
  Returns the number of records stored.
]]
local prefix = KEYS[1]

--#include include/record-save.lua

for i = 1, #ARGV, 3 do saveRecord(prefix, ARGV[i], ARGV[i + 1], ARGV[i + 2]) end
saveChildren(prefix)
return #ARGV / 3
