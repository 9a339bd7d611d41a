/**
 * Redis commands in a trivial invocation's whole life (call, registration, claim, run, finish, result
 * read back), with the caller and the runner in one process, counted on the command connection (pub/sub
 * on its own connection is not counted). The number is stated, and this test keeps it from growing;
 * docs/benchmarks-redis.md has the plan that brings it down.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { Tynenc } from "../../src/index.js";
import { redisBackend, type RedisBackendOptions } from "../../src/backends/redis/index.js";
import { loadIoredis } from "../../src/backends/redis/driver.js";
import { calledScript } from "../../src/backends/redis/scripts.js";
import { withRunner } from "../../src/testing/index.js";
import { deleteKeys, needsRedis, TEST_REDIS_URL } from "../redis-context.js";

/**
 * Commands one trivial invocation takes today (caller + runner, one process), 7 measured. The caller:
 * registration (one script call, which also publishes the new work), the pin, one status read that marks
 * it as the listener (store-watch-1.lua), the unpin. The runner: one claim that also moves it to RUNNING, one finish (outcome and final move; it
 * publishes the final with its outcome, see final-outcomes.ts), and the claim that finds the queue empty
 * (the finish's own claim found nothing). No PUBLISH: the scripts send them.
 */
const EXPECTED = ["store-register-3", "store-pin-3", "store-watch-1", "store-finish-5", "store-pin-3"];
/** The claims: the first, and the one that finds the queue empty; one more for a runner pass that straddles the counting window on a busy machine. */
const MOST_CLAIMS = 3;

/** Resolves once no command was sent for 30 ms (what the last step set off has gone out). */
async function settled(sent: readonly string[]): Promise<void> {
  let seen = -1;
  while (seen !== sent.length) {
    seen = sent.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

/** The script a command runs (FCALL or EVALSHA), by name. */
function scriptName(command: { name: string; args: unknown[] }): string | undefined {
  return calledScript(command.name, command.args[0]);
}

const redis = await needsRedis();

/** An app on `client` under `keyPrefix` with one slot, whose Redis commands the test counts. */
function oneSlotApp(client: RedisBackendOptions["client"], keyPrefix: string): Tynenc {
  return new Tynenc({
    appId: "round-trips",
    loggingLevel: "error",
    maxParallelSlots: 1,
    backend: redisBackend({ client, appId: "round-trips", keyPrefix }),
  });
}

void describe("Redis round trips", { ...redis }, () => {
  void it(`a trivial invocation's whole life takes ${EXPECTED.length} commands and at most ${MOST_CLAIMS} claims`, async (t) => {
    const Redis = loadIoredis();
    const client = new Redis(TEST_REDIS_URL, {});
    const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
    const sent: string[] = [];
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
      sent.push(scriptName(command) ?? command.name);
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    };
    const app = oneSlotApp(client, keyPrefix);
    const add = app.task("add", async (a: number, b: number) => a + b);
    let counted: string[] = [];
    try {
      await withRunner(app, async () => {
        assert.equal(await add(1, 1).result, 2); // scripts loaded, subscriptions live
        await settled(sent); // the runner's pass after it is done
        sent.length = 0;
        assert.equal(await add(2, 3).result, 5);
        await settled(sent); // its finish's trailing commands (the unpin)
        counted = [...sent]; // not the runner's stop
      });
      const sentCommands = counted;
      const line = `${sentCommands.length} commands: ${sentCommands.join(" ")}`;
      t.diagnostic(line);
      const claims = sentCommands.filter((name) => name === "claim-next-5").length;
      assert.ok(claims <= MOST_CLAIMS, line);
      const others = sentCommands.filter((name) => name !== "claim-next-5");
      assert.deepEqual(others.sort(), [...EXPECTED].sort(), line);
    } finally {
      await app.close();
      await deleteKeys(client, keyPrefix);
      client.disconnect();
    }
  });

  void it("a runner at one slot with work queued finishes one and claims the next in one call", async (t) => {
    const Redis = loadIoredis();
    const client = new Redis(TEST_REDIS_URL, {});
    const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
    const calls = { "claim-next-5": 0, "store-finish-5": 0 };
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
      const name = calledScript(command.name, command.args[0]);
      if (name === "claim-next-5" || name === "store-finish-5") calls[name]++;
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    };
    const app = oneSlotApp(client, keyPrefix);
    const add = app.task("add", async (a: number, b: number) => a + b);
    const COUNT = 20;
    try {
      const invocations = Array.from({ length: COUNT }, (_, i) => add(i, 1));
      await Promise.all(invocations.map((invocation) => invocation.registered));
      await withRunner(app, async () => {
        const results = await Promise.all(invocations.map((invocation) => invocation.result));
        assert.deepEqual(
          results,
          invocations.map((_, i) => i + 1),
        );
      });
      t.diagnostic(`${COUNT} invocations: ${JSON.stringify(calls)}`);
      assert.equal(calls["store-finish-5"], COUNT, "one finish call each");
      // The first claim, then each finish claims the next; one claim more may find the queue empty.
      assert.ok(calls["claim-next-5"] <= 3, `claim-next-5 called ${calls["claim-next-5"]} times`);
    } finally {
      await app.close();
      await deleteKeys(client, keyPrefix);
      client.disconnect();
    }
  });
});
