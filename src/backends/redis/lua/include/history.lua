--[[
How the store's scripts write a seq into a history entry and a finished zset member, included as
scripts.ts describes (by include/store-moves.lua and store-register-3.lua). A concatenation costs Redis a
fraction of a string.format, and Lua writes a number below PLAIN_DIGITS as an integer ("%.14g"); from
there on (never reached at any rate a store sees, but a seq is not bounded) string.format writes it.
]]
local PLAIN_DIGITS = 1e14

-- A history entry: status, runner ("" none), at and seq, tab-separated.
local function historyEntry(status, runner, at, seq)
  if seq >= PLAIN_DIGITS then return string.format('%s\t%s\t%s\t%d', status, runner, at, seq) end
  return status .. '\t' .. runner .. '\t' .. at .. '\t' .. seq
end

-- The finished zset's member of `id` finished at history seq `seq`: the seq zero-padded to 16 digits,
-- ":", the id (as string.format('%016d:%s') writes it).
local ZEROS = '0000000000000000' -- (no string library when the definitions run: scripts.ts)
local function finishedMember(seq, id)
  if seq >= PLAIN_DIGITS then return string.format('%016d', seq) .. ':' .. id end
  local digits = tostring(seq)
  return string.sub(ZEROS, #digits + 1) .. digits .. ':' .. id
end
