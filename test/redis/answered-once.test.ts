/**
 * The Redis scripts that change reference counts or take a turn are answered once
 * (src/backends/redis/lua/include/once.lua): a call that ioredis sends again after a reconnect, when
 * Redis applied it but its answer was lost, gets its first answer and changes nothing more. Each case
 * makes a call, sends the very same command again (as ioredis does), and checks the answer and the store.
 * Without it a release sent again took a second reference away (a text another invocation references
 * went), an unpin sent again took another reader's pin away (retention could forget a result being
 * read), and a cron tick or a composite firing taken by the first send was refused to its taker.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { RedisContext } from "../../src/backends/redis/context.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { RedisDataStore } from "../../src/backends/redis/redis-data-store.js";
import { StoreKeys } from "../../src/backends/redis/redis-store-keys.js";
import { RedisRetention } from "../../src/backends/redis/redis-store-retention.js";
import { RedisTriggerStore } from "../../src/backends/redis/redis-trigger-store.js";
import { keysUnder, needsRedis, recordCalls, tempRedisContext } from "../redis-context.js";

const keyOf = (text: string): string => createHash("sha256").update(text).digest("hex");

const redis = await needsRedis();

void describe("Redis scripts answered once", { ...redis }, () => {
  let context: RedisContext & { close(): Promise<void> };
  let calls: ReturnType<typeof recordCalls>;

  beforeEach(async () => {
    context = await tempRedisContext();
    calls = recordCalls(context.client, "call");
  });

  afterEach(() => context.close());

  /** The last call of script `name`, sent again as it was. */
  const again = (name: string): Promise<unknown> => calls.again(calls.last(name));

  void it("data: a put, a retain and a release sent again count once", async () => {
    const store = new RedisDataStore(context);
    const key = keyOf("shared");
    await store.put(key, "shared");
    assert.equal(await again("data-put-2"), 1, "the first put's answer: stored");
    assert.equal(await store.references(key), 1);
    assert.equal(await store.retain(key), true);
    assert.equal(await again("data-retain-1"), 1);
    assert.equal(await store.references(key), 2);
    // Two invocations reference it; one releases, and its release is sent again.
    await store.release([key]);
    assert.equal(await again("data-release-1"), 0, "the first release's answer: nothing removed");
    assert.equal(await store.references(key), 1);
    assert.equal(await store.get(key), "shared", "the other invocation's reference keeps the text");
    assert.deepEqual([await store.size(), await store.bytes()], [1, 6]);
  });

  void it("triggers: a cron tick taken and a composite firing, sent again, answer their taker as first", async () => {
    const triggers = new RedisTriggerStore(context);
    assert.equal(await triggers.claimCronTick("nightly", 1000), true);
    assert.equal(await again("trigger-claim-tick-1"), 1, "the tick stays its taker's");
    assert.equal(await triggers.claimCronTick("nightly", 1000), false, "a new call for the same tick");
    assert.equal(await triggers.satisfyPart("both", 0, 2, "a"), null);
    assert.equal(await again("trigger-satisfy-1"), null);
    assert.deepEqual(await triggers.satisfyPart("both", 1, 2, "b"), ["a", "b"]);
    assert.deepEqual(await again("trigger-satisfy-1"), ["a", "b"], "the firing answered again");
    assert.equal(await context.client.exists(`${context.prefix}trig:parts:both`), 0);
  });

  void it("store: pins and unpins sent again count once", async () => {
    const retention = new RedisRetention(context.client, new StoreKeys(context));
    const pins = `${context.prefix}os:pins`;
    // Two readers pin the result; one unpins, and its unpin is sent again.
    await retention.pin("done");
    await retention.pin("done");
    assert.equal(await again("store-pin-3"), 1, "the first pin's answer");
    assert.equal(await context.client.hget(pins, "done"), "2");
    await retention.unpin("done");
    assert.equal(await again("store-pin-3"), 1, "the first unpin's answer");
    assert.equal(await context.client.hget(pins, "done"), "1", "the other reader's pin holds the result");
    await retention.unpin("done");
    assert.equal(await context.client.hget(pins, "done"), null);
  });

  void it("a purge sends the gathered unpins first: purged, then closed, the store leaves no key", async () => {
    const keyPrefix = `${context.prefix}app:`;
    const backend = redisBackend({ client: context.duplicate(), keyPrefix });
    await backend.ready;
    await backend.orchestratorStore.pin("done");
    const unpinned = backend.orchestratorStore.unpin("done"); // gathered for UNPIN_GATHER_MS
    await backend.orchestratorStore.purge();
    await unpinned;
    await backend.close();
    // Sent after the purge, the unpin left the connection's kept answers (os:sent:<uuid>) behind.
    assert.deepEqual(await keysUnder(context.client, keyPrefix), []);
  });

  void it("keeps only the answers that may not have come back, and purges them with the rest", async () => {
    const store = new RedisDataStore(context);
    const keys = ["a", "b", "c"].map(keyOf);
    // Three under way together: none of their answers is back when each is sent.
    await Promise.all(keys.map((key, i) => store.put(key, "abc"[i]!)));
    const [kept] = await keysUnder(context.client, `${context.prefix}data-sent:`);
    assert.ok(kept, "a kept-answers key");
    assert.equal((await context.client.get(kept))!.split("\r").length, 3);
    // Sent once all three answers are back: it forgets them.
    await store.release([keys[0]!]);
    assert.equal((await context.client.get(kept))!.split("\r").length, 1);
    assert.ok((await context.client.pttl(kept)) > 3_600_000, "kept for a day");
    await store.purge();
    assert.deepEqual(await keysUnder(context.client, context.prefix), []);
  });
});
