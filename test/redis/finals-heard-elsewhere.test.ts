/**
 * The finish script (store-finish-5.lua) publishes a final only where another process may wait for it:
 * not one that nobody awaits, or only the finishing process itself, and whose paused waiters the same
 * call resumed (a recursive task's child finished where its parent runs). A process that waits, the
 * registering one included, marks itself in its status read (store-watch-1.lua); a paused waiter the
 * call did not resume, an invocation awaited by another process, or one registered without the mark
 * (store-change-3.lua) is published.
 *
 * Whether a final went out is read off a subscriber of its own: Redis delivers messages in order, so
 * once a later final (published whatever happens) has arrived, an earlier one would have arrived first.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import { loadIoredis, type RedisClient } from "../../src/backends/redis/driver.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import { needsRedis, ownRedisBackend, runningOn, TEST_REDIS_URL } from "../redis-context.js";

const S = InvocationStatus;
const redis = await needsRedis();

void describe("Redis finals published only where another process may wait", { ...redis }, () => {
  let prefix: string;
  let here: Backend;
  let thereClient: RedisClient;
  let there: Backend;
  let subscriber: RedisClient;
  /** The ids of every final message published since the test began, in order. */
  let published: string[];
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ prefix, backend: here, close } = await ownRedisBackend());
    const Redis = loadIoredis();
    thereClient = new Redis(TEST_REDIS_URL, {});
    there = redisBackend({ client: thereClient, keyPrefix: prefix });
    await there.ready;
    subscriber = new Redis(TEST_REDIS_URL, {});
    published = [];
    subscriber.on("message", (_channel: string, message: string) => {
      const [, ...rest] = JSON.parse(message) as unknown[];
      for (const item of rest) if (typeof item === "string") published.push(item);
    });
    await subscriber.subscribe(`${prefix}final`);
  });

  afterEach(async () => {
    subscriber.disconnect();
    await there.close();
    thereClient.disconnect();
    await close();
  });

  /** Registered by `by` through its one-call registration, then claimed to RUNNING by r1 of `here`. */
  async function registeredBy(by: Backend, ids: readonly string[]): Promise<void> {
    const records = ids.map((id) => ({
      id,
      taskId: "t",
      argsId: id,
      serializedArgs: "[]",
      parentId: null,
      createdAt: 1,
    }));
    const items = ids.map((id) => ({ id, taskId: "t" }));
    await by.registerAndRoute!(items, records, null, Date.now(), () => {});
    const claimed = await here.claimNext!("r1", ids.length, Date.now(), { window: 64, running: true });
    assert.deepEqual(claimed.records.map((r) => r.id).sort(), [...ids].sort());
  }

  /** r1 of `here` finishes `id` (SUCCESS), naming `resume` as its paused waiters to resume. */
  const finish = (id: string, resume?: readonly string[]) =>
    here.finishAndClaim!(
      { id, outcome: { ok: true, value: "1" }, runnerId: "r1", status: S.SUCCESS, unowned: false },
      { max: 1, window: 64, running: true, ...(resume ? { resume } : {}) },
    );

  /**
   * The ids published since the test began, up to a marker (registered without a listener, so always
   * published) that finishes after everything before it.
   */
  async function publishedUntilMarker(): Promise<string[]> {
    const marker = "marker";
    await runningOn(here, [marker]);
    await here.finishFinal!({
      id: marker,
      outcome: { ok: true, value: "0" },
      runnerId: "r1",
      status: S.SUCCESS,
      unowned: false,
    });
    while (!published.includes(marker)) await new Promise((resolve) => setTimeout(resolve, 2));
    return published.slice(0, published.indexOf(marker));
  }

  void it("keeps the final of an invocation its own process registered, waited for by nobody else", async () => {
    await registeredBy(here, ["a"]);
    await finish("a");
    assert.equal((await here.orchestratorStore.getStatus("a"))!.status, S.SUCCESS);
    assert.deepEqual(await publishedUntilMarker(), []);
  });

  void it("publishes it once another process read its status to wait for it", async () => {
    await registeredBy(here, ["a", "b"]);
    const [a] = await there.orchestratorStore.watchStatuses!(["a"]);
    assert.equal(a!.status, S.RUNNING);
    await finish("a");
    await finish("b");
    assert.deepEqual(await publishedUntilMarker(), ["a"]);
  });

  void it("keeps the final that nobody awaits, whoever registered it, and publishes it once its registering process waits", async () => {
    await registeredBy(there, ["a", "b"]);
    await finish("a");
    const [b] = await there.orchestratorStore.watchStatuses!(["b"]);
    assert.equal(b!.status, S.RUNNING);
    await finish("b");
    assert.deepEqual(await publishedUntilMarker(), ["b"]);
  });

  void it("keeps it when the finish resumed its paused waiter, and publishes it when not", async () => {
    await registeredBy(here, ["parent", "child", "other", "child2"]);
    const store = here.orchestratorStore;
    assert.deepEqual((await store.recordAndPause!("parent", ["child"], "r1", Date.now())).open, ["child"]);
    assert.deepEqual((await store.recordAndPause!("other", ["child2"], "r1", Date.now())).open, ["child2"]);
    const resumed = await finish("child", ["parent"]);
    assert.deepEqual(resumed.resumed, ["parent"]);
    assert.equal((await store.getStatus("parent"))!.status, S.RUNNING);
    // Not named: its waiter stays PAUSED and must hear the final.
    const left = await finish("child2");
    assert.equal(left.resumed, undefined);
    assert.equal((await store.getStatus("other"))!.status, S.PAUSED);
    assert.deepEqual(await publishedUntilMarker(), ["child2"]);
  });

  void it("keeps it when the named paused waiter still waits for a sibling, and publishes a sibling finished elsewhere", async () => {
    await registeredBy(here, ["parent", "a", "b", "parent2", "c", "d"]);
    const store = here.orchestratorStore;
    assert.deepEqual((await store.recordAndPause!("parent", ["a", "b"], "r1", Date.now())).open, ["a", "b"]);
    assert.deepEqual((await store.recordAndPause!("parent2", ["c", "d"], "r1", Date.now())).open, ["c", "d"]);
    // Named, not resumed (b is open): the finishing process itself holds the waiter, nobody else needs it.
    assert.equal((await finish("a", ["parent"])).resumed, undefined);
    assert.equal((await store.getStatus("parent"))!.status, S.PAUSED);
    assert.deepEqual((await finish("b", ["parent"])).resumed, ["parent"]);
    // Not named: c's waiter may be another process's (here it is r1's, but the finish cannot know).
    await finish("c");
    assert.deepEqual(await publishedUntilMarker(), ["c"]);
  });

  void it("publishes a final with no listener recorded, and leaves a watched read to its one HMGET", async () => {
    await runningOn(here, ["old"]); // store-change-3.lua's register records no listener
    const [old] = await here.orchestratorStore.watchStatuses!(["old"]);
    assert.equal(old!.status, S.RUNNING);
    await finish("old");
    assert.deepEqual(await publishedUntilMarker(), ["old"]);
    assert.deepEqual(await there.orchestratorStore.watchStatuses!(["nobody"]), [undefined]);
  });
});
