/**
 * The status rules as the Redis scripts hold them (redis-store-rules.ts, LUA_RULES): written into each
 * script from status.ts, the same rule for every status as the one derived in TypeScript, and a status
 * the scripts do not know refused with an error that names it instead of a move made on a guess.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import type { RedisClient } from "../../src/backends/redis/driver.js";
import { LUA_RULES, moveRule } from "../../src/backends/redis/redis-store-rules.js";
import { script } from "../../src/backends/redis/scripts.js";
import { InvocationStatus, STATUS_TABLE } from "../../src/invocation/status.js";
import { needsRedis, ownRedisBackend } from "../redis-context.js";

const S = InvocationStatus;
const STATUSES = Object.keys(STATUS_TABLE) as InvocationStatus[];
const redis = await needsRedis();

void describe("Redis scripts' status rules", { ...redis }, () => {
  // One backend for the three checks: none of them leaves anything another reads.
  let own: { client: RedisClient; backend: Backend; close: () => Promise<void> };
  before(async () => {
    own = await ownRedisBackend();
  });
  after(() => own.close());

  void it("gives every status the rule status.ts derives, read back from Lua", async () => {
    const read = `${LUA_RULES}
local out = {}
for _, to in ipairs(ARGV) do
  local r = rule(to)
  out[#out + 1] = { r.to, r.from, r.ownerFrom, r.owner, r.flags }
end
return out`;
    const answer = (await own.client.call("EVAL", [read, 0, ...STATUSES])) as string[][];
    assert.deepEqual(
      answer,
      STATUSES.map((status) => [...moveRule(status)]),
    );
  });

  void it("is written into the scripts that move statuses, and none of them carries it in ARGV", () => {
    for (const name of [
      "store-finish-5",
      "store-pause-3",
      "claim-next-5",
      "store-change-3",
      "store-register-3",
    ]) {
      const { source } = script(name);
      assert.ok(source.includes("local function rule(to)"), `${name} has the rules`);
      assert.ok(!source.includes("--#rules"), `${name} has no directive left`);
      assert.equal(source.split("local function rule(to)").length, 2, `${name} has them once`);
    }
  });

  void it("refuses a status the scripts do not know, naming it", async () => {
    await own.backend.orchestratorStore.register([{ id: "a", taskId: "t" }], null, Date.now());
    // A caller out of step with the scripts: the move is refused, the invocation left as it was.
    await assert.rejects(
      async () =>
        own.backend.orchestratorStore.transition("a", "NOT_A_STATUS" as InvocationStatus, "r1", Date.now()),
      /no status NOT_A_STATUS in status\.ts/,
    );
    assert.equal((await own.backend.orchestratorStore.getStatus("a"))?.status, S.REGISTERED);
  });
});
