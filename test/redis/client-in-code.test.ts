/**
 * An ioredis client made in code (`redisBackend({ client })`): the backend runs on it, and on close it
 * leaves the client to its owner, open, while closing the connection it made itself (the subscriber).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { Redis } from "ioredis";
import { Tynenc } from "../../src/index.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { assertValidHistories } from "../../src/testing/index.js";
import { deleteKeys, needsRedis, TEST_REDIS_URL } from "../redis-context.js";

const redis = await needsRedis();

/** Connections to the test Redis named `name` (CLIENT LIST), as the server sees them. */
async function connectionsNamed(admin: Redis, name: string): Promise<number> {
  const list = (await admin.client("LIST")) as string;
  return list.split("\n").filter((line) => line.includes(` name=${name} `)).length;
}

void describe("redis backend on a client passed in code", () => {
  void it(
    "runs a tree on it; closing the app leaves the client open and closes the backend's own connection",
    redis,
    async () => {
      const name = `tynenc-test-${randomUUID().slice(0, 8)}`;
      const client = new Redis(TEST_REDIS_URL, { connectionName: name });
      const admin = new Redis(TEST_REDIS_URL);
      const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
      const app = new Tynenc({ appId: "client-in-code", backend: redisBackend({ client, keyPrefix }) });
      try {
        const fib = app.task("fib", async (n: number): Promise<number> =>
          n <= 1 ? n : (await fib(n - 1).result) + (await fib(n - 2).result),
        );
        const loop = app.runner.run();
        assert.equal(await fib(8).result, 21);
        const finished = await app.orchestrator.findFinished();
        assert.equal(finished.length, 67, "fib(8): 67 invocations");
        await assertValidHistories(app, finished);
        // Wake-ups come over a duplicate of the client, named after the key prefix.
        assert.equal(await connectionsNamed(admin, `${keyPrefix}notifier`), 1);
        await app.runner.stop();
        await loop;
        await app.close();
        assert.equal(client.status, "ready", "the caller's client stays open");
        assert.equal(await client.ping(), "PONG");
        assert.equal(await connectionsNamed(admin, name), 1, "the caller's client");
        assert.equal(
          await connectionsNamed(admin, `${keyPrefix}notifier`),
          0,
          "the backend's duplicate is closed",
        );
      } finally {
        await app.close();
        await deleteKeys(admin, keyPrefix);
        client.disconnect();
        admin.disconnect();
      }
    },
  );
});
