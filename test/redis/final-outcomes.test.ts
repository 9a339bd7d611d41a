/**
 * A final message carries the small outcomes its runner stored: a caller in another process settles
 * those results without an outcome read; a larger outcome (an error with its stack, often) is read
 * from Redis as before.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { Tynenc } from "../../src/index.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { MAX_CARRIED_OUTCOME } from "../../src/backends/redis/final-outcomes.js";
import { loadIoredis } from "../../src/backends/redis/driver.js";
import { calledScript } from "../../src/backends/redis/scripts.js";
import { deleteKeys, needsRedis, TEST_REDIS_URL } from "../redis-context.js";

const redis = await needsRedis();

void describe("Redis outcomes carried by final messages", { ...redis }, () => {
  void it("settle a caller's results without outcome reads, unless too large", async () => {
    const Redis = loadIoredis();
    const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
    const callerClient = new Redis(TEST_REDIS_URL, {});
    const reads: string[] = [];
    const send = callerClient.sendCommand.bind(callerClient);
    callerClient.sendCommand = (command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
      if (calledScript(command.name, command.args[0]) === "state-get-outcomes-1")
        reads.push(String(command.args.slice(3)));
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    };
    const options = { appId: "final-outcomes", loggingLevel: "error" as const, maxParallelSlots: 4 };
    const caller = new Tynenc({ ...options, backend: redisBackend({ client: callerClient, keyPrefix }) });
    const runner = new Tynenc({ ...options, backend: redisBackend({ url: TEST_REDIS_URL, keyPrefix }) });
    const define = (app: Tynenc) => ({
      text: app.task("text", async (n: number) => "x".repeat(n)),
      refuse: app.task("refuse", async (why: string) => {
        throw new RangeError(why);
      }),
    });
    const here = define(caller);
    define(runner);
    // The runner starts once the caller has found all three not final yet (so it listens for them).
    const looked = new Set<string>();
    let allLooked = () => {};
    const lookedAtAll = new Promise<void>((resolve) => (allLooked = resolve));
    const store = caller.backend.orchestratorStore;
    const getStatus = store.getStatus.bind(store);
    store.getStatus = async (id: string) => {
      const record = await getStatus(id);
      if (looked.add(id).size === 3) allLooked();
      return record;
    };
    let loop: Promise<void> | undefined;
    try {
      const small = here.text(10);
      const refused = here.refuse("no");
      const large = here.text(MAX_CARRIED_OUTCOME * 2);
      const results = Promise.allSettled([small.result, refused.result, large.result]);
      await lookedAtAll;
      loop = runner.runner.run();
      const [a, b, c] = await results;
      assert.deepEqual(a, { status: "fulfilled", value: "x".repeat(10) });
      assert.ok(b.status === "rejected" && b.reason instanceof RangeError && b.reason.message === "no");
      assert.deepEqual(c, { status: "fulfilled", value: "x".repeat(MAX_CARRIED_OUTCOME * 2) });
      const read = reads.join(",").split(",");
      assert.ok(!read.includes(small.id), `the small value came with its final: ${reads.join(" ")}`);
      assert.ok(read.includes(large.id), "the large value was read from Redis");
    } finally {
      await runner.runner.stop();
      await loop;
      await caller.close();
      await runner.close();
      await deleteKeys(callerClient, keyPrefix);
      callerClient.disconnect();
    }
  });
});
