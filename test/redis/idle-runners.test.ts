/**
 * The work message of a registration goes out only while a runner waits for work (store-register-3.lua):
 * a claim that gets less than it asked for lists its runner in `os:idle` in the same step
 * (include/claim.lua), a registration that finds the list non-empty publishes and empties it, one that
 * finds it empty publishes nothing (every runner is busy and claims again when a slot frees). An idle
 * runner in another process is still woken by the registrations of a busy one.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import { loadIoredis, type RedisClient } from "../../src/backends/redis/driver.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import type { InvocationRecord } from "../../src/invocation/invocation-record.js";
import { InvocationStatus, Tynenc, type Invocation } from "../../src/index.js";
import { assertValidHistories } from "../../src/testing/index.js";
import { pollUntil } from "../helpers.js";
import { deleteKeys, needsRedis, ownRedisBackend, TEST_REDIS_URL } from "../redis-context.js";

const RUNNING_ONLY = { window: 64, running: true };

function recordsOf(count: number): InvocationRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    taskId: "t",
    argsId: `a${i}`,
    serializedArgs: `[${i}]`,
    parentId: null,
    createdAt: 1000 + i,
  }));
}

async function register(backend: Backend, count: number, runnerId: string): Promise<void> {
  const records = recordsOf(count);
  const items = records.map((r) => ({ id: r.id, taskId: r.taskId }));
  await backend.registerAndRoute!(items, records, runnerId, Date.now(), () => {});
}

/**
 * The messages on the work channel so far: a marker published now arrives after every message
 * published before it (one channel, one connection), so what came before it is all there is.
 */
async function workMessages(client: RedisClient, channel: string, heard: string[]): Promise<string[]> {
  const marker = `mark-${randomUUID()}`;
  await client.publish(channel, marker);
  await pollUntil("the marker message", () => heard.includes(marker));
  const before = heard.slice(0, heard.indexOf(marker)).filter((m) => !m.startsWith("mark-"));
  heard.length = 0;
  return before;
}

const redis = await needsRedis();

void describe("Redis work messages for idle runners only", { ...redis }, () => {
  void it("publishes a registration's work message only while a runner is listed idle, and empties the list", async () => {
    const { client, prefix, backend, close } = await ownRedisBackend();
    const subscriber = client.duplicate();
    const channel = `${prefix}work`;
    const idle = `${prefix}os:idle`;
    try {
      const heard: string[] = [];
      subscriber.on("message", (_channel: string, message: string) => heard.push(message));
      await subscriber.subscribe(channel);

      // No runner listed: the registration (a busy runner's children) sends nothing.
      await register(backend, 2, "busy");
      assert.deepEqual(await workMessages(client, channel, heard), []);

      // A claim that gets all it asked for lists nobody; one that gets less lists its runner.
      const first = await backend.claimNext!("r1", 1, Date.now(), RUNNING_ONLY);
      assert.equal(first.records.length, 1);
      assert.equal(await client.exists(idle), 0);
      const short = await backend.claimNext!("r2", 3, Date.now(), RUNNING_ONLY);
      assert.equal(short.records.length, 1);
      assert.deepEqual(await client.smembers(idle), ["r2"]);

      // The next registration wakes the listed runners and empties the list; the one after it is quiet.
      await register(backend, 1, "busy");
      const woke = await workMessages(client, channel, heard);
      assert.equal(woke.length, 1);
      assert.equal(await client.exists(idle), 0);
      await register(backend, 1, "busy");
      assert.deepEqual(await workMessages(client, channel, heard), []);

      // A finish whose claim finds nothing lists its runner too.
      const two = await backend.claimNext!("r3", 2, Date.now(), RUNNING_ONLY);
      assert.equal(two.records.length, 2);
      assert.equal(await client.exists(idle), 0);
      const outcome = { ok: true as const, value: "1" };
      const finishes = two.records.map((r) =>
        backend.finishAndClaim!(
          { id: r.id, outcome, runnerId: "r3", status: InvocationStatus.SUCCESS, unowned: false },
          { window: 64, running: true, max: 1 },
        ),
      );
      const claimed = await Promise.all(finishes);
      assert.deepEqual(
        claimed.map((c) => c.records.length),
        [0, 0],
      );
      assert.deepEqual(await client.smembers(idle), ["r3"]);
    } finally {
      subscriber.disconnect();
      await close();
    }
  });

  void it(
    "wakes an idle runner of another process for the children a busy runner registers",
    { timeout: 20_000 },
    async () => {
      const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
      const options = {
        appId: "idle-runners",
        loggingLevel: "error" as const,
        maxParallelSlots: 1,
        stopGraceMs: 200,
      };
      const apps = [0, 1].map(
        () => new Tynenc({ ...options, backend: redisBackend({ url: TEST_REDIS_URL, keyPrefix }) }),
      );
      const watcher = new (loadIoredis())(TEST_REDIS_URL, {});
      let open = () => {};
      const gate = new Promise<void>((resolve) => (open = resolve));
      let child: Invocation<string> | undefined;
      const define = (app: Tynenc) => {
        const leaf = app.task("leaf", async () => "leaf");
        // Holds its runner's one slot until the gate opens (a plain await: no pause), its child left to
        // the other runner, which hears of it only through the work message of this registration.
        const parent = app.task("parent", async () => {
          const call = leaf();
          child = call;
          await gate;
          return `parent+${await call.result}`;
        });
        return { parent };
      };
      const [here] = apps.map(define);
      const loops: Promise<void>[] = [];
      try {
        for (const app of apps) loops.push(app.runner.run());
        // Both runners' first claims found nothing: both are listed idle.
        const listed = async () => (await watcher.smembers(`${keyPrefix}os:idle`)).length === 2;
        await pollUntil("both runners listed idle", listed);
        const call = here!.parent();
        await pollUntil("the parent to call its child", () => child !== undefined);
        const leaf = child!;
        await pollUntil(
          "the child to succeed while its parent holds the other runner's slot",
          async () => (await leaf.status()) === InvocationStatus.SUCCESS,
        );
        open();
        assert.equal(await call.result, "parent+leaf");
        const ranOn = async (invocation: Invocation<unknown>) =>
          (await invocation.history()).find((h) => h.status === InvocationStatus.RUNNING)?.runnerId;
        const [parentRunner, leafRunner] = [await ranOn(call), await ranOn(child!)];
        assert.ok(
          parentRunner && leafRunner && parentRunner !== leafRunner,
          "the child ran on the other runner",
        );
        await assertValidHistories(apps[0]!, [call.id, child!.id]);
      } finally {
        open();
        await Promise.all(apps.map((app) => app.close()));
        await Promise.all(loops);
        await deleteKeys(watcher, keyPrefix);
        watcher.disconnect();
      }
    },
  );
});
