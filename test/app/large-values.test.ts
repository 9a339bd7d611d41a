import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  memoryBackend,
  MemoryDataStore,
  SerializationError,
  type Backend,
  type OrchestratorStore,
  type Tynenc,
  type TynencOptions,
} from "../../src/index.js";
import { assertValidHistories, trackInvocations } from "../../src/testing/index.js";
import { deferred } from "../conformance/harness.js";
import { captureLogger, needsImmediateBackend, testApp, withRunner } from "../helpers.js";

const MB = 1_000_000;

/**
 * What these tests read of a data store: memory and sqlite stores have inspection getters, a network
 * store (redis) answers through promises; both are read the same way here.
 */
interface InspectableStore {
  size(): Promise<number>;
  bytes(): Promise<number>;
  references(key: string): Promise<number>;
}

type StoreInspection = Pick<MemoryDataStore, "size" | "bytes" | "references">;
type AsyncInspection = {
  size(): Promise<number>;
  bytes(): Promise<number>;
  references(key: string): Promise<number>;
};

function largeApp(options: TynencOptions = {}): { app: Tynenc; store: InspectableStore } {
  const app = testApp({ largeValueThresholdBytes: 1024, maxParallelSlots: 4, ...options });
  const raw = app.backend.dataStore as Partial<StoreInspection> | Partial<AsyncInspection>;
  assert.ok(raw.size !== undefined && typeof raw.references === "function", "inspectable store");
  const read = async (value: unknown): Promise<number> =>
    typeof value === "function" ? await (value as () => Promise<number>).call(raw) : (value as number);
  const store: InspectableStore = {
    size: () => read((raw as Record<string, unknown>)["size"]),
    bytes: () => read((raw as Record<string, unknown>)["bytes"]),
    references: async (key) => (raw.references as (k: string) => number | Promise<number>).call(raw, key),
  };
  return { app, store };
}

describe("large values through the app", () => {
  it("stores a ~1 MB argument passed to 100 invocations once, and every invocation gets all of it", async () => {
    const { app, store } = largeApp();
    const length = app.task("length", async (text: string) => text.length);
    const big = "x".repeat(MB);
    const tracked = trackInvocations(app);
    const results = await withRunner(app, () =>
      length.parallelize(Array.from({ length: 100 }, (): [string] => [big])).results(),
    );
    assert.deepEqual(results, new Array<number>(100).fill(MB));
    assert.equal(await store.size(), 1, "stored once by content hash");
    assert.ok(
      (await store.bytes()) >= MB && (await store.bytes()) < MB + 100,
      `bytes ${await store.bytes()}`,
    );
    await assertValidHistories(app, tracked.ids);
  });

  it("shows the full argument through app.getInvocation(id)", async () => {
    const { app, store } = largeApp();
    const length = app.task("length", async (text: string, n: number) => text.length + n);
    const big = "y".repeat(MB);
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => length(big, 1).result), MB + 1);
    assert.equal(await store.size(), 1);
    const invocation = await app.getInvocation(tracked.ids[0]!);
    assert.equal(invocation.args.length, 2);
    assert.equal(invocation.args[0], big);
    assert.equal(invocation.args[1], 1);
    await assertValidHistories(app, tracked.ids);
  });

  it("keeps the parent of a child whose parent had a large argument and already finished", async () => {
    const { app } = largeApp({ maxParallelSlots: 1 });
    const child = app.task("child", async () => app.currentInvocation()?.parent?.id ?? null);
    const parent = app.task("parent", async (text: string) => {
      child(); // not awaited: with one slot it runs after the parent has finished
      return text.length;
    });
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      assert.equal(await parent("p".repeat(MB)).result, MB);
      const [parentId, childId] = tracked.ids;
      assert.equal(await (await app.getInvocation(childId!)).result, parentId);
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("does not store small arguments or results", async () => {
    const { app, store } = largeApp();
    const echo = app.task("echo", async (text: string, n: number) => `${text}:${n}`);
    const tracked = trackInvocations(app);
    const results = await withRunner(app, () =>
      echo.parallelize(Array.from({ length: 20 }, (_, n): [string, number] => ["small", n])).results(),
    );
    assert.equal(results[19], "small:19");
    assert.equal(await store.size(), 0);
    assert.equal(await store.bytes(), 0);
    await assertValidHistories(app, tracked.ids);
  });

  it("keeps the arguments listed in inlineArgs inline however large", async () => {
    const { app, store } = largeApp();
    const length = app.task("length", async (text: string) => text.length, { inlineArgs: [0] });
    const big = "z".repeat(MB);
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => length(big).result), MB);
    assert.equal(await store.size(), 0);
    assert.equal((await app.getInvocation(tracked.ids[0]!)).args[0], big);
    await assertValidHistories(app, tracked.ids);
  });

  it("stores only the large argument when another one is inline", async () => {
    const { app, store } = largeApp();
    const both = app.task("both", async (a: string, b: string) => a.length + b.length, { inlineArgs: [0] });
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => both("a".repeat(MB), "b".repeat(MB)).result), 2 * MB);
    assert.equal(await store.size(), 1);
    await assertValidHistories(app, tracked.ids);
  });

  it("stores a large result and the awaited result is the full string", async () => {
    const { app, store } = largeApp();
    const make = app.task("make", async (n: number) => "r".repeat(n));
    const tracked = trackInvocations(app);
    const result = await withRunner(app, () => make(2 * MB).result);
    assert.equal(result.length, 2 * MB);
    assert.equal(result, "r".repeat(2 * MB));
    assert.equal(await store.size(), 1);
    assert.ok(
      (await store.bytes()) >= 2 * MB && (await store.bytes()) < 2 * MB + 100,
      `bytes ${await store.bytes()}`,
    );
    // Read again through a fresh handle: the stored reference resolves again.
    assert.equal(await (await app.getInvocation(tracked.ids[0]!)).result, result);
    await assertValidHistories(app, tracked.ids);
  });

  it("round-trips a large Uint8Array byte-identical, as argument and as result", async () => {
    const { app, store } = largeApp();
    const reverse = app.task("reverse", async (bytes: Uint8Array) => bytes.slice().reverse());
    const bytes = new Uint8Array(256 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
    const tracked = trackInvocations(app);
    const result = await withRunner(app, () => reverse(bytes).result);
    assert.ok(result instanceof Uint8Array);
    assert.equal(result.length, bytes.length);
    assert.deepEqual(Buffer.from(result), Buffer.from(bytes.slice().reverse()));
    assert.ok((await store.size()) >= 1, "the large bytes were stored");
    await assertValidHistories(app, tracked.ids);
  });

  it("stores nothing with largeValueThresholdBytes: 0", async () => {
    const { app, store } = largeApp({ largeValueThresholdBytes: 0 });
    const roundTrip = app.task("roundTrip", async (text: string) => text + "!");
    const big = "w".repeat(MB);
    const tracked = trackInvocations(app);
    const results = await withRunner(app, () =>
      roundTrip.parallelize(Array.from({ length: 3 }, (): [string] => [big])).results(),
    );
    for (const result of results) assert.equal(result, big + "!");
    assert.equal(await store.size(), 0);
    assert.equal(await store.bytes(), 0);
    await assertValidHistories(app, tracked.ids);
  });
});

describe("large values and retention", () => {
  it("frees a value once retention has forgotten every invocation that refers to it", async () => {
    const { app, store } = largeApp({ maxParallelSlots: 1 });
    const echo = app.task("echo", async (text: string, n: number) => `${text}${n}`); // large result
    const small = app.task("small", async () => 1);
    const big = "v".repeat(4096);
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      for (let n = 0; n < 5; n++) assert.equal(await echo(big, n).result, `${big}${n}`);
      assert.equal(await store.size(), 6, "the argument once, each result once");
      const argKey = await keyOfArgument(app, tracked.ids[0]!);
      assert.equal(await store.references(argKey), 5);
      app.conf.retentionMaxFinished = 3;
      await app.orchestrator.purgeFinished(); // forgets echo 0 and 1
      assert.equal(await store.references(argKey), 3);
      assert.equal(await store.size(), 4);
      await small().result;
      app.conf.retentionMaxFinished = 1;
      await app.orchestrator.purgeFinished(); // only small() is kept
      assert.equal(await store.size(), 0);
      assert.equal(await store.bytes(), 0);
      // The same value again: stored anew, and the call works.
      assert.equal(await echo(big, 9).result, `${big}9`);
      assert.equal(await store.references(argKey), 1);
    });
    await assertValidHistories(app, tracked.ids.slice(-2));
  });

  it(
    "gives back the reference of a call that reuses an unfinished invocation",
    needsImmediateBackend(),
    async () => {
      const { app, store } = largeApp();
      const gate = deferred();
      const once = app.task(
        "once",
        async (text: string) => {
          await gate.promise;
          return text.length;
        },
        { registrationConcurrency: "arguments" },
      );
      const big = "r".repeat(4096);
      await withRunner(app, async () => {
        const first = once(big);
        const again = once(big);
        assert.equal(again.reused, true);
        assert.equal(again.id, first.id);
        const key = await keyOfArgument(app, first.id);
        assert.equal(await store.references(key), 1, "only the kept invocation holds the value");
        gate.resolve();
        assert.equal(await again.result, 4096);
      });
    },
  );

  it("gives back the references of parallelize entries before a bad one", async () => {
    const { app, store } = largeApp();
    const length = app.task("length", async (text: unknown) => String(text).length);
    assert.throws(
      () => length.parallelize([["a".repeat(4096)], ["b".repeat(4096)], [() => 1]]),
      SerializationError,
    );
    assert.equal(await store.size(), 0);
  });

  it("gives back the references of calls whose registration failed", async () => {
    const backend = memoryBackend();
    const failing: Backend = {
      ...backend,
      orchestratorStore: Object.assign(Object.create(backend.orchestratorStore) as OrchestratorStore, {
        register: () => {
          throw new Error("the store is full");
        },
      }),
    };
    const logger = captureLogger();
    const app = testApp({ backend: failing, largeValueThresholdBytes: 1024, logger });
    const store = app.backend.dataStore as MemoryDataStore;
    const length = app.task("length", async (text: string) => text.length);
    await withRunner(app, async () => {
      await assert.rejects(length("c".repeat(4096)).result, /the store is full/);
    });
    assert.equal(store.size, 0);
    assert.ok(logger.lines.some((line) => line.msg.startsWith("Could not register")));
  });
});

/** The data store key of the (only) large argument of an invocation. */
async function keyOfArgument(app: Tynenc, id: string): Promise<string> {
  const record = await app.backend.stateBackend.getInvocation(id);
  const key = record?.largeValueKeys?.[0];
  assert.ok(key, `invocation ${id} has no large argument`);
  return key;
}
