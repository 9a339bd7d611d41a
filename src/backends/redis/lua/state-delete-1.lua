--[[
  Forget invocations (StateBackend.deleteInvocations, retention): their strings (layout in
  state-save-1.lua) and their children lists, handing back the data store keys they held.

  KEYS[1] the key prefix
  ARGV    the invocation ids
  Returns the large value keys held (the record's, then the outcome's), one entry per reference.
]]
local prefix = KEYS[1]
local held = {}
for i = 1, #ARGV do
  local key = prefix .. 'rec:' .. ARGV[i]
  local m, a, h = string.match(redis.call('GETRANGE', key, 0, 40), '^(%d+),(%d+):()')
  if m then
    m, a = tonumber(m), tonumber(a)
    local meta = m > 0 and redis.call('GETRANGE', key, h - 1, h - 2 + m) or ''
    if string.sub(meta, -2) == ']]' then -- its last entry, the large value keys, is there
      local ok, decoded = pcall(cjson.decode, meta)
      -- cjson refuses a lone surrogate escape (in a task id, say): then decode the keys' array alone.
      local keys = ok and decoded[6] or cjson.decode(string.match(meta, ',(%[[^%[]*%])%]$') or '0')
      if type(keys) == 'table' then
        for _, held_key in ipairs(keys) do held[#held + 1] = held_key end
      end
    end
    local start = h - 1 + m + a
    local bytes = string.match(redis.call('GETRANGE', key, start, start + 24), '^[VE](%d+):')
    if bytes then
      local first = start + 2 + #bytes
      held[#held + 1] = redis.call('GETRANGE', key, first, first + tonumber(bytes) - 1)
    end
    redis.call('UNLINK', key)
  end
  redis.call('UNLINK', prefix .. 'kids:' .. ARGV[i])
end
return held
