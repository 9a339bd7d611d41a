/**
 * Results awaited together on Redis: the pins, status reads, outcome reads and unpins of one tick go
 * out as one call per kind (src/backends/redis/tick-batch.ts; the unpins gathered a little longer), and
 * each result still gets its own value or error.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { Tynenc } from "../../src/index.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { loadIoredis, type RedisClient } from "../../src/backends/redis/driver.js";
import { calledScript } from "../../src/backends/redis/scripts.js";
import { UNPIN_GATHER_MS } from "../../src/backends/redis/redis-store-retention.js";
import { InvocationPurgedError } from "../../src/errors/errors.js";
import { withRunner } from "../../src/testing/index.js";
import { deleteKeys, needsRedis, TEST_REDIS_URL } from "../redis-context.js";

const redis = await needsRedis();
const N = 60;

/** The commands `client` sends, a script named by its file ("store-pin-3"), others by command. */
function recordCommands(client: RedisClient): string[] {
  const sent: string[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
    sent.push(calledScript(command.name, command.args[0]) ?? command.name);
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  };
  return sent;
}

function count(sent: readonly string[], name: string): number {
  return sent.filter((s) => s === name).length;
}

async function withApp(
  body: (app: Tynenc, sent: string[], client: RedisClient, keyPrefix: string) => Promise<void>,
) {
  const Redis = loadIoredis();
  const client = new Redis(TEST_REDIS_URL, {});
  const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
  const app = new Tynenc({
    appId: "result-batching",
    loggingLevel: "error",
    maxParallelSlots: 8,
    backend: redisBackend({ client, appId: "result-batching", keyPrefix }),
  });
  try {
    await body(app, recordCommands(client), client, keyPrefix);
  } finally {
    await app.close();
    await deleteKeys(client, keyPrefix);
    client.disconnect();
  }
}

void describe("Redis result delivery in batches", { ...redis }, () => {
  void it(`${N} finished results awaited in one tick take one call per kind`, async () => {
    await withApp(async (app, sent) => {
      const add = app.task("add", async (a: number, b: number) => a + b);
      const group = add.parallelize(Array.from({ length: N }, (_, i) => [i, 1] as [number, number]));
      await withRunner(app, () => group.results());
      const handles = await Promise.all(group.invocations.map((i) => app.getInvocation<number>(i.id)));
      await (
        await app.getInvocation(handles[0]!.id)
      ).result; // the client learns its store is async, once
      sent.length = 0;
      const values = await Promise.all(handles.map((handle) => handle.result));
      assert.deepEqual(
        values,
        Array.from({ length: N }, (_, i) => i + 1),
      );
      // The unpins leave after the values, gathered for UNPIN_GATHER_MS.
      const deadline = Date.now() + 5000;
      while (count(sent, "store-pin-3") < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, UNPIN_GATHER_MS));
      assert.equal(count(sent, "store-pin-3"), 2, sent.join(" ")); // the pins, then the unpins
      // The statuses, read by a process about to wait (store-watch-1.lua): one call for all.
      assert.equal(count(sent, "store-watch-1"), 1, sent.join(" "));
      assert.equal(count(sent, "state-get-outcomes-1"), 1, sent.join(" "));
      assert.equal(sent.length, 4, sent.join(" "));
      const pins = await app.backend.orchestratorStore.purgeFinished(Number.MAX_SAFE_INTEGER, 0);
      assert.equal(pins.length, N, "every pin was undone: retention may purge them all");
    });
  });

  void it("each result of a batch gets its own value or error", async () => {
    await withApp(async (app, sent, client, keyPrefix) => {
      const add = app.task("add", async (a: number, b: number) => a + b);
      const fail = app.task("fail", async (n: number) => {
        throw new RangeError(`bad ${n}`);
      });
      const ok = add(1, 2);
      const failed = fail(7);
      const purged = add(3, 4);
      await withRunner(app, () => Promise.allSettled([ok.result, failed.result, purged.result]));
      const handles = await Promise.all([ok, failed, purged].map((i) => app.getInvocation<number>(i.id)));
      // Forgotten by the store (as retention or a lost Redis would leave it), its record still there.
      await client.del(`${keyPrefix}os:i:${purged.id}`);
      sent.length = 0;
      const [a, b, c] = await Promise.allSettled(handles.map((handle) => handle.result));
      assert.deepEqual(a, { status: "fulfilled", value: 3 });
      assert.equal(b?.status, "rejected");
      assert.ok(b.status === "rejected" && b.reason instanceof RangeError && b.reason.message === "bad 7");
      assert.equal(c?.status, "rejected");
      assert.ok(c.status === "rejected" && c.reason instanceof InvocationPurgedError, String(c.status));
      assert.equal(count(sent, "store-watch-1"), 1, sent.join(" "));
      assert.equal(count(sent, "state-get-outcomes-1"), 1, sent.join(" "));
    });
  });
});
