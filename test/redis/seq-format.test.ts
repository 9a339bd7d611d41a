/**
 * The scripts write a history entry's seq and a finished zset member's zero-padded seq by concatenation
 * below 10^14 (Lua writes such a number as an integer) and by string.format from there on
 * (include/history.lua): both forms must read back the same, at the edge and past it.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import type { RedisClient } from "../../src/backends/redis/driver.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import { historyProblems } from "../../src/testing/index.js";
import { needsRedis, ownRedisBackend, runningOn } from "../redis-context.js";

const S = InvocationStatus;
const redis = await needsRedis();

void describe("Redis history seqs around 10^14", { ...redis }, () => {
  let client: RedisClient;
  let prefix: string;
  let backend: Backend;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, prefix, backend, close } = await ownRedisBackend());
  });

  afterEach(() => close());

  for (const start of [1, 99_999_999_999_998, 123_456_789_012_345]) {
    void it(`seqs from ${start} on read back in order, the finished member padded to 16 digits`, async () => {
      await client.set(`${prefix}os:seq`, String(start - 1));
      await runningOn(backend, ["a"]); // REGISTERED, PENDING, RUNNING: seqs start .. start + 2
      const outcome = { ok: true as const, value: "1" };
      await backend.finishFinal!({ id: "a", outcome, runnerId: "r1", status: S.SUCCESS, unowned: false });
      const raw = await client.lrange(`${prefix}os:h:a`, 0, -1);
      assert.deepEqual(
        raw.map((entry) => entry.split("\t")[3]),
        [0, 1, 2, 3].map((i) => String(start + i)),
      );
      const history = await backend.orchestratorStore.getHistory("a");
      assert.deepEqual(
        history.map((h) => h.status),
        [S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS],
      );
      assert.deepEqual(historyProblems(history), []);
      const members = await client.zrange(`${prefix}os:finished`, "0", "-1");
      assert.deepEqual(members, [`${String(start + 3).padStart(16, "0")}:a`]);
    });
  }
});
