/**
 * The subscription to finals outlives its last listener by FINAL_LINGER_MS: results awaited one after
 * the other pay no SUBSCRIBE, UNSUBSCRIBE and catch-up read each; it goes once the linger is over, and
 * it never keeps a process from exiting.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { Tynenc } from "../../src/index.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { FINAL_LINGER_MS } from "../../src/backends/redis/redis-notifier.js";
import { loadIoredis, type RedisClient } from "../../src/backends/redis/driver.js";
import { withRunner } from "../../src/testing/index.js";
import { setTimeout as delay } from "node:timers/promises";
import { deleteKeys, needsRedis, TEST_REDIS_URL } from "../redis-context.js";

const redis = await needsRedis();

/** Every command sent by `client` and the connections duplicated from it, by name. */
function recordAll(client: RedisClient, sent: string[]): void {
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command: { name: string }, ...rest: unknown[]) => {
    sent.push(command.name.toLowerCase());
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  };
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (...args: Parameters<RedisClient["duplicate"]>) => {
    const copy = duplicate(...args);
    recordAll(copy, sent);
    return copy;
  };
}

void describe("Redis final subscription linger", { ...redis }, () => {
  void it("keeps the final subscription between results, and drops it after the linger", async () => {
    const Redis = loadIoredis();
    const client = new Redis(TEST_REDIS_URL, {});
    const observer = new Redis(TEST_REDIS_URL, {});
    const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
    const sent: string[] = [];
    recordAll(client, sent);
    const app = new Tynenc({
      appId: "final-linger",
      loggingLevel: "error",
      backend: redisBackend({ client, appId: "final-linger", keyPrefix }),
    });
    const add = app.task("add", async (a: number, b: number) => a + b);
    const subscribers = async () => {
      const [, count] = (await observer.call("PUBSUB", ["NUMSUB", `${keyPrefix}final`])) as [string, number];
      return count;
    };
    try {
      await withRunner(app, async () => {
        assert.equal(await add(1, 1).result, 2);
        sent.length = 0;
        for (let i = 0; i < 5; i++) assert.equal(await add(i, 1).result, i + 1);
        assert.deepEqual(
          sent.filter((name) => /subscribe|store-read-1/.test(name)),
          [],
          `no SUBSCRIBE, UNSUBSCRIBE or catch-up read between results: ${sent.join(" ")}`,
        );
      });
      const last = Date.now();
      assert.equal(await subscribers(), 1, "still subscribed just after the last result");
      // Redis tells no one when a subscriber leaves: ask it again until it has (bounded).
      while ((await subscribers()) > 0) {
        assert.ok(Date.now() - last < 10_000, "the final subscription is still there after 10 s");
        await delay(50);
      }
      assert.ok(Date.now() - last >= FINAL_LINGER_MS * 0.9, "not before the linger");
    } finally {
      await app.close();
      await deleteKeys(client, keyPrefix);
      client.disconnect();
      observer.disconnect();
    }
  });

  void it(
    "never keeps a client process alive: it exits as soon as the app is closed",
    { timeout: 30_000 },
    () => {
      const root = fileURLToPath(new URL("../../", import.meta.url));
      const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
      const program = `
      import { Tynenc } from "./src/index.ts";
      import { redisBackend } from "./src/backends/redis/index.ts";
      import { withRunner } from "./src/testing/index.ts";
      const app = new Tynenc({
        appId: "final-linger",
        loggingLevel: "error",
        backend: redisBackend({ url: ${JSON.stringify(TEST_REDIS_URL)}, keyPrefix: ${JSON.stringify(keyPrefix)} }),
      });
      const add = app.task("add", async (a, b) => a + b);
      await withRunner(app, async () => console.log("result", await add(2, 3).result));
      await app.backend.orchestratorStore.purge();
      await app.backend.stateBackend.purge();
      await app.backend.broker.purge();
      await app.close();
      const closed = Date.now();
      process.on("exit", () => console.log("exit after", Date.now() - closed));
    `;
      const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", program], {
        cwd: root,
        encoding: "utf8",
        timeout: 25_000,
      });
      assert.equal(child.status, 0, `exit ${child.status}: ${child.stdout}${child.stderr}`);
      assert.match(child.stdout, /result 5/);
      const after = Number(/exit after (\d+)/.exec(child.stdout)?.[1]);
      assert.ok(after < FINAL_LINGER_MS / 2, `exited ${after} ms after close (linger ${FINAL_LINGER_MS} ms)`);
    },
  );
});
