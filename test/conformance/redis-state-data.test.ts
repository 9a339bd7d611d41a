/**
 * RedisStateBackend and RedisDataStore on the test Redis: their conformance suites (in a memory bundle
 * with these two swapped in), retention's record deletion, and what only Redis has to show: round
 * trips per batch, memory per record, reference counts under concurrent writers, the inspection totals,
 * and purges that leave other components' keys alone.
 */
import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import { memoryBackend } from "../../src/backends/memory/index.js";
import type { RedisContext } from "../../src/backends/redis/context.js";
import { RedisDataStore } from "../../src/backends/redis/redis-data-store.js";
import { RedisStateBackend } from "../../src/backends/redis/redis-state-backend.js";
import { loadScripts } from "../../src/backends/redis/scripts.js";
import type { DataStore } from "../../src/data-store/data-store.js";
import type { InvocationRecord } from "../../src/invocation/invocation-record.js";
import { deleteKeys, keysUnder, needsRedis, tempRedisContext } from "../redis-context.js";
import { dataStoreCases } from "./data-store.case.js";
import { retentionCases, stateBackendCases } from "./index.js";

type TempContext = RedisContext & { close(): Promise<void> };

/** A memory bundle whose state backend and data store are Redis ones on a fresh prefix. */
async function redisStateBundle(): Promise<Backend> {
  const context = await tempRedisContext();
  const inner = memoryBackend();
  return {
    ...inner,
    name: "redis",
    stateBackend: new RedisStateBackend(context),
    dataStore: new RedisDataStore(context),
    close: async () => {
      try {
        await inner.close();
      } finally {
        await context.close();
      }
    },
  };
}

const SCRIPTS = [
  "state-save-1",
  "state-set-outcome-1",
  "state-get-outcomes-1",
  "state-delete-1",
  "data-put-2",
  "data-retain-1",
  "data-release-1",
  "data-delete-1",
];

/** Counts the commands `context.client` sends (each call below is one request and its reply). */
function countCommands(context: RedisContext): { readonly count: number; stop(): void } {
  const client = context.client as unknown as { sendCommand: (...args: unknown[]) => unknown };
  const original = client.sendCommand;
  const counter = {
    count: 0,
    stop: () => void (client.sendCommand = original),
  };
  client.sendCommand = (...args: unknown[]) => {
    counter.count++;
    return original.apply(client, args);
  };
  return counter;
}

function sampleRecord(parentId: string | null, args = "[15]"): InvocationRecord {
  return {
    id: randomUUID(),
    taskId: "samples.fib:fibonacci",
    argsId: createHash("sha256").update(args).digest("hex"),
    serializedArgs: args,
    parentId,
    createdAt: Date.now(),
  };
}

const keyOf = (text: string): string => createHash("sha256").update(text).digest("hex");

describe("Redis state backend and data store", await needsRedis(), () => {
  stateBackendCases("redis", redisStateBundle);
  // Only "deleteInvocations drops records and outcomes" reaches the state backend; the other retention
  // cases exercise the orchestrator store (memory here) and need the Redis one to mean anything.
  retentionCases("redis state backend", redisStateBundle);
  const stores = new Map<DataStore, TempContext>();
  dataStoreCases(
    "redis",
    async () => {
      const context = await tempRedisContext();
      const store = new RedisDataStore(context);
      stores.set(store, context);
      return store;
    },
    async (store) => {
      await stores.get(store)?.close();
      stores.delete(store);
    },
  );

  describe("on Redis only", () => {
    let context: TempContext;
    before(async () => {
      context = await tempRedisContext();
      await loadScripts(context.client, SCRIPTS);
    });
    after(() => context.close());

    it("saves a batch of 100 records in one command and reads them back in one", async (t) => {
      const state = new RedisStateBackend(context);
      const parent = sampleRecord(null);
      const records = [parent, ...Array.from({ length: 99 }, (_, i) => sampleRecord(parent.id, `[${i}]`))];
      const counter = countCommands(context);
      try {
        await state.saveInvocations(records);
        const saved = counter.count;
        const read = await state.getInvocations(records.map((r) => r.id));
        t.diagnostic(`save 100: ${saved} command(s); getInvocations 100: ${counter.count - saved}`);
        assert.equal(saved, 1);
        assert.equal(counter.count, 2);
        assert.deepEqual(read, records);
      } finally {
        counter.stop();
      }
      assert.equal((await state.getChildren(parent.id)).length, 99);
    });

    it("keeps a record and its outcome in one string of a few hundred bytes", async (t) => {
      // A prefix as long as a real app's (the test prefixes are longer), removed afterwards.
      const prefix = `tynenc:{fib-${randomUUID().slice(0, 6)}}:`;
      const state = new RedisStateBackend({ ...context, prefix });
      const usage = async (name: string) => Number(await context.client.memory("USAGE", prefix + name));
      const measure = async (record: InvocationRecord, result: string) => {
        await state.saveInvocations([record]);
        await state.setOutcome(record.id, { ok: true, value: result });
        assert.equal(await context.client.type(`${prefix}rec:${record.id}`), "string");
        return usage(`rec:${record.id}`);
      };
      try {
        const parent = sampleRecord(null);
        const small = await measure(parent, "610");
        const args = JSON.stringify([{ user: "u-123456", items: [1, 2, 3], note: "x".repeat(80) }]);
        const larger = await measure(sampleRecord(parent.id, args), JSON.stringify({ ok: true, n: 42 }));
        await state.saveInvocations([sampleRecord(parent.id)]);
        const children = await usage(`kids:${parent.id}`);
        t.diagnostic(
          `MEMORY USAGE per invocation (${prefix.length}-char prefix): ${small} B (args "[15]", result "610"), ` +
            `${larger} B (${args.length} B args); children list of 2: ${children} B`,
        );
        assert.ok(small <= 320, `${small} bytes`);
        assert.ok(larger <= small + args.length + 64, `${larger} bytes`);
      } finally {
        await deleteKeys(context.client, prefix);
      }
    });

    it("keeps running keys, large value keys and an outcome written before its record", async () => {
      const state = new RedisStateBackend(context);
      const odd = { ...sampleRecord(null), taskId: "t\ud800", runningKey: "k:é", largeValueKeys: ["k1"] };
      const early = { ...sampleRecord(null), runningKey: "r" };
      await state.setOutcome(early.id, { ok: true, value: "big", largeValueKey: "k2" });
      assert.equal(await state.getInvocation(early.id), undefined, "an outcome alone is no record");
      await state.saveInvocations([odd, early, sampleRecord(early.id)]);
      assert.deepEqual(await state.getInvocations([odd.id, early.id]), [odd, early]);
      assert.deepEqual(await state.getOutcome(early.id), { ok: true, value: "big", largeValueKey: "k2" });
      assert.equal((await state.getChildren(early.id)).length, 1);
      await state.setOutcome(early.id, { ok: false, error: "replaced" });
      assert.deepEqual(await state.getOutcome(early.id), { ok: false, error: "replaced" });
      assert.deepEqual(await state.deleteInvocations([odd.id, early.id]), ["k1"]);
      assert.deepEqual(await state.getChildren(early.id), []);
    });

    it("reads a children list an older script wrote (no ',' before its first id) and appends to it", async () => {
      const state = new RedisStateBackend(context);
      const parent = sampleRecord(null);
      await state.saveInvocations([parent]);
      // Written before children lists put a "," before each id.
      await context.client.set(`${context.prefix}kids:${parent.id}`, "old1,old2");
      assert.deepEqual(await state.getChildren(parent.id), ["old1", "old2"]);
      const child = sampleRecord(parent.id);
      await state.saveInvocations([child]);
      assert.deepEqual(await state.getChildren(parent.id), ["old1", "old2", child.id]);
      const fresh = sampleRecord(null);
      await state.saveInvocations([fresh, sampleRecord(fresh.id)]);
      const stored = await context.client.get(`${context.prefix}kids:${fresh.id}`);
      assert.ok(stored?.startsWith(","), String(stored));
      assert.equal((await state.getChildren(fresh.id)).length, 1);
      await state.deleteInvocations([parent.id, child.id, fresh.id]);
    });

    it("counts references exactly under concurrent puts, retains and releases from two connections", async () => {
      const other: RedisContext = { ...context, client: context.duplicate() };
      const stores = [new RedisDataStore(context), new RedisDataStore(other)];
      const text = "shared ".repeat(1000);
      const k = keyOf(text);
      await Promise.all(stores.map((s) => s.put(k, text)));
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const store = stores[i % 2]!;
          if (i % 2 === 0) await store.put(k, text);
          else assert.equal(await store.retain(k), true);
        }),
      );
      assert.equal(await stores[0]!.references(k), 202);
      await Promise.all(Array.from({ length: 201 }, async (_, i) => stores[i % 2]!.release([k])));
      assert.equal(await stores[1]!.references(k), 1);
      assert.equal(await stores[1]!.get(k), text);
      await stores[0]!.release([k]);
      assert.equal(await stores[0]!.has(k), false);
      assert.deepEqual([await stores[0]!.size(), await stores[0]!.bytes()], [0, 0]);
    });

    it("keeps the totals: size, bytes and references through put, release, delete and purge", async () => {
      const store = new RedisDataStore(context);
      await store.purge();
      await store.put(keyOf("ab"), "ab");
      await store.put(keyOf("ab"), "ab");
      await store.put(keyOf("é"), "é");
      assert.deepEqual([await store.size(), await store.bytes()], [2, 4]);
      assert.equal(await store.references(keyOf("ab")), 2);
      await store.release([keyOf("ab")]);
      assert.deepEqual([await store.size(), await store.bytes()], [2, 4]);
      await store.delete([keyOf("ab")]);
      assert.deepEqual(
        [await store.size(), await store.bytes(), await store.references(keyOf("ab"))],
        [1, 2, 0],
      );
      await store.purge();
      assert.deepEqual([await store.size(), await store.bytes()], [0, 0]);
    });

    it("purges only its own keys", async () => {
      const state = new RedisStateBackend(context);
      const store = new RedisDataStore(context);
      const parent = sampleRecord(null);
      await state.saveInvocations([parent, sampleRecord(parent.id)]);
      await store.put(keyOf("v"), "v");
      const foreign = [`${context.prefix}status:${parent.id}`, `${context.prefix}records`];
      for (const name of foreign) await context.client.set(name, "1");
      await state.purge();
      await store.purge();
      assert.deepEqual((await keysUnder(context.client, context.prefix)).sort(), foreign.sort());
      await context.client.del(...foreign);
    });
  });
});
