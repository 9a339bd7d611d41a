/**
 * A client program's usual end: await a result, then `app.close()` at once. The unpin of that result is
 * batched to the end of the tick; closing must let it go out before the connection's QUIT, so nothing is
 * logged and no pin is left for retention to trip on.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Tynenc } from "../../src/index.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { withRunner } from "../../src/testing/index.js";
import { needsRedis, tempRedisContext, TEST_REDIS_URL } from "../redis-context.js";

const redis = await needsRedis();

void describe("a Redis client closing right after its last result", { ...redis }, () => {
  void it("sends the last unpin before it closes: no warning, no pin left", async () => {
    const context = await tempRedisContext();
    const warnings: string[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (message: string) => void warnings.push(message),
      error: (message: string) => void warnings.push(message),
    };
    const options = { appId: "client-close", loggingLevel: "warn" as const };
    const backend = () =>
      redisBackend({ url: TEST_REDIS_URL, appId: "client-close", keyPrefix: context.prefix });
    const worker = new Tynenc({ ...options, backend: backend() });
    worker.task("add", async (a: number, b: number) => a + b);
    const client = new Tynenc({ ...options, backend: backend(), logger, runnerCls: "DummyRunner" });
    const add = client.task("add", async (a: number, b: number) => a + b);
    try {
      await withRunner(worker, async () => {
        assert.equal(await add(1, 2).result, 3);
        await client.close();
      });
      assert.deepEqual(warnings, []);
      assert.deepEqual(await context.client.hgetall(`${context.prefix}os:pins`), {}, "no pin left");
    } finally {
      await client.close();
      await worker.close();
      await context.close();
    }
  });
});
