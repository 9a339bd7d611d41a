--[[
  Record how an invocation ended (StateBackend.setOutcome): the outcome goes at the end of its string
  (layout in state-save-1.lua) as "v<text>" (a value) or "e<text>" (an error), or, when the text is a
  large value in the data store, "V" / "E" followed by "<keyBytes>:<key>" and the text.

  With ifAbsent (a cancel from outside any owner) an outcome already stored is kept, as the owner that
  stored it may be about to finish the invocation with it, unless the orchestrator store holds the
  invocation in a status only a cancel can end (KILLED, REROUTED, ...): then that outcome is what an
  earlier attempt stored before its final move was refused (a stop killed it meanwhile, say), and the
  cancel's outcome replaces it, or the invocation would end CANCELLED with the old attempt's result.
  Without the store's status hash (a bundle whose orchestrator store is not this Redis), it is kept.

  KEYS[1] the invocation's key, <prefix>rec:<id>
  ARGV[1] "v" or "e"
  ARGV[2] the text
  ARGV[3] "1" to keep an outcome already stored (ifAbsent), "0" to replace it
  ARGV[4] with ifAbsent: the orchestrator store's status hash of the invocation, <prefix>os:i:<id> (in
          the same hash-tag slot as KEYS[1], built by the caller as the store's scripts build theirs)
  ARGV[5] the data store key of the text (absent when the text is not a large value)
  Returns 1 when written, 0 when an outcome already stored was kept. The statuses only a cancel can end
  (ONLY_CANCEL_ENDS_WORDS) are status.ts's, written into the script (redis-store-rules.ts).
]]
--#rules

--#include include/outcome.lua

return storeOutcome(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ONLY_CANCEL_ENDS_WORDS, ARGV[5])
