--[[
Orchestrator.claim in one call (Backend.claimNext): the wait graph's ready set first, the most
waited-on first, then the broker queue in order; each runnable one is claimed (PENDING, and RUNNING
too when asked, each move validated by the rules of status.ts and written with its history entry),
and the claimed ones' records come back in the same reply. Queue entries that are not runnable any
more (claimed through the wait graph, finished, unknown) are popped and dropped. One whose record is
not stored yet is left as it is: it was waited on while its registration was under way, and that
registration routes it once stored. A runnable one whose running key is held is not claimed: it is
reported as blocked (popped from the queue if it came from there) for the orchestrator to park. A
delayed call not due yet is not claimed from the ready set (its route brings it when due).

KEYS[1] the store's seq     KEYS[2] the store's ready zset     KEYS[3] the store's finished zset
KEYS[4] the broker's queue  KEYS[5] the broker's delayed zset (see broker-retrieve-2.lua)
ARGV[1] the store's key prefix ("<app prefix>os:")
ARGV[2] the call's request id (request-ids.ts): the call sent again after a reconnect is answered as
        first made
ARGV[3] runner id             ARGV[4] at (epoch ms): history time, and "now" for delayed ids
ARGV[5] how many to claim at most
ARGV[6] how many of the ready set to rank      ARGV[7] the records' key prefix ("<app prefix>rec:")
ARGV[8] "1" to move the claimed ones on to RUNNING at once
The status rules are status.ts's, written into the script (include/store-moves.lua).
Returns { claimed ids, blocked ids, records of the claimed ones (false when missing), the earliest
due time still held back in the broker ("" when none), how many delayed ids were moved to the queue,
1 when it stopped popping stale entries before the queue was empty or the claim full, else 0 }, or
{"ERR", reason, status, owner, id} when status.ts refuses a move the runnable check allowed. The claim
itself is include/claim.lua, which store-finish-5.lua shares.
]]
-- The call's keys and arguments that the helpers below read: set on each call (see --#call).
local P, REQ, records
local SEQ, READY, FINISHED, QUEUE, DELAYED

--#include include/wait-rank.lua

--#include include/store-moves.lua

-- request, window and running are the call's (see --#call).
local CLAIM = { runnable = RUNNABLE_WORDS, pending = rule('PENDING') }
local RUNNING = rule('RUNNING')

--#include include/claim.lua

-- What runs on each call (the lines above are made once, when the script is a Redis Function: scripts.ts).
--#call
P, REQ, records = ARGV[1], ARGV[2], ARGV[7]
SEQ, READY, FINISHED, QUEUE, DELAYED = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
CLAIM.request, CLAIM.window = ARGV[2], tonumber(ARGV[6])
CLAIM.running = ARGV[8] == '1' and RUNNING or nil
return claimNext(ARGV[3], ARGV[4], tonumber(ARGV[5]))
