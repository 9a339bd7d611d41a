import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { MemoryDataStore } from "../../src/backends/memory/memory-data-store.js";
import type { DataStore } from "../../src/data-store/data-store.js";
import { LargeValues } from "../../src/data-store/large-values.js";
import { ConfigError, SerializationError } from "../../src/errors/errors.js";
import { withSerialized } from "../../src/serializer/args.js";
import { decodeArgs, encodeArgs, JsonSerializer } from "../../src/serializer/index.js";
import { isPromise } from "../../src/util/awaitable.js";

const serializer = new JsonSerializer();
const KIB = 1024;
const MIB = 1024 * KIB;

function setup(thresholdBytes = 1 * KIB, cacheBytes?: number) {
  const store = new MemoryDataStore();
  return { store, values: new LargeValues(store, { thresholdBytes, cacheBytes }) };
}

/** The serialized args of `f(...args)`, externalized, as a runner would read them back. */
async function roundTrip(values: LargeValues, args: unknown[], inline?: Set<number>) {
  const out = values.externalizeArgs(encodeArgs(args, serializer, "t").serialized, inline);
  await out.saved;
  const { serialized } = out;
  return { serialized, decoded: decodeArgs(await values.resolveArgs(serialized), serializer) };
}

/** Wraps a store: answers through promises and counts reads. */
function asyncCounting(inner: DataStore): DataStore & { gets: number; puts: number } {
  const wrapper = {
    gets: 0,
    puts: 0,
    put: async (key: string, text: string) => {
      wrapper.puts++;
      await inner.put(key, text);
    },
    get: async (key: string) => {
      wrapper.gets++;
      return inner.get(key);
    },
    retain: async (key: string) => inner.retain(key),
    release: async (keys: readonly string[]) => inner.release(keys),
    has: async (key: string) => inner.has(key),
    delete: async (keys: readonly string[]) => inner.delete(keys),
    purge: async () => inner.purge(),
  };
  return wrapper;
}

void describe("LargeValues arguments", () => {
  void it("stores a 10 MB argument passed to 100 calls once", async () => {
    const { store, values } = setup(1 * MIB);
    const big = "0123456789".repeat(MIB);
    // What encodeArgs writes for f(call, big), without paying JSON.stringify's 0.1 s per copy.
    const bigJson = serializer.serialize(big);
    const argsText = (call: number): string => `[${call},${bigJson}]`;
    assert.equal(argsText(7), encodeArgs([7, big], serializer, "t").serialized);
    const texts: string[] = [];
    for (let call = 0; call < 100; call++) {
      const out = values.externalizeArgs(argsText(call));
      assert.ok(!isPromise(out), "a synchronous store gives a synchronous answer");
      assert.ok(out.serialized.length < 200, `call ${call} kept ${out.serialized.length} characters`);
      assert.equal(out.keys.length, 1);
      texts.push(out.serialized);
    }
    assert.equal(store.size, 1);
    assert.equal(store.bytes, 10 * MIB + 2); // the JSON string with its quotes
    assert.deepEqual(decodeArgs(values.resolveArgs(texts[42]!) as string, serializer), [42, big]);
  });

  void it("leaves small arguments untouched, synchronously and byte-identical", () => {
    const { store, values } = setup(1 * KIB);
    const text = encodeArgs([1, "x".repeat(900), { a: [new Date(0)] }], serializer, "t").serialized;
    assert.ok(text.length > 900);
    const out = values.externalizeArgs(text);
    assert.ok(!isPromise(out));
    assert.equal(out.serialized, text);
    assert.deepEqual(out.keys, []);
    assert.equal(values.resolveArgs(text), text);
    assert.equal(store.size, 0);
  });

  void it("replaces only the large arguments and keeps the others' bytes", () => {
    const { store, values } = setup(1 * KIB);
    const big = { rows: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `row "${i}"\\` })) };
    const small = { b: 2, a: [1, "],[{"], s: 'quote " and \\' };
    const text = encodeArgs([small, big, 7, big], serializer, "t").serialized;
    const out = values.externalizeArgs(text) as { serialized: string; keys: string[] };
    assert.equal(out.keys.length, 1, "the same value twice in one call is one key");
    assert.equal(store.size, 1);
    assert.ok(out.serialized.startsWith(`[${JSON.stringify(small)},{"$tyn":"ref","v":"`));
    assert.equal(values.resolveArgs(out.serialized), text);
  });

  void it("keeps arguments listed in `inline` in the text", async () => {
    const { store, values } = setup(1 * KIB);
    const big = "y".repeat(5 * KIB);
    const text = encodeArgs([big, big + "z"], serializer, "t").serialized;
    const out = values.externalizeArgs(text, new Set([0]));
    assert.ok(out.serialized.startsWith(`[${JSON.stringify(big)},{"$tyn":"ref"`));
    assert.equal(store.size, 1);
    assert.equal(await values.resolveArgs(out.serialized), text);
    assert.equal(values.externalizeArgs(text, new Set([0, 1])).serialized, text);
  });

  void it("measures the threshold in UTF-8 bytes", () => {
    const { store, values } = setup(1 * KIB);
    const justBelow = encodeArgs(["é".repeat(509)], serializer, "t").serialized; // 1022 bytes
    const justAbove = encodeArgs(["é".repeat(512)], serializer, "t").serialized; // 1028 bytes
    assert.equal((values.externalizeArgs(justBelow) as { serialized: string }).serialized, justBelow);
    assert.notEqual((values.externalizeArgs(justAbove) as { serialized: string }).serialized, justAbove);
    assert.equal(store.size, 1);
  });

  void it("round-trips a big Buffer, Uint8Array and nested object", async () => {
    const { store, values } = setup(64 * KIB);
    const buffer = randomBytes(2 * MIB);
    const bytes = new Uint8Array(randomBytes(MIB));
    const nested = {
      users: Array.from({ length: 5000 }, (_, i) => ({
        id: BigInt(i),
        joined: new Date(1_700_000_000_000 + i),
        tags: new Set([`t${i % 7}`, "all"]),
        meta: new Map<string, unknown>([["score", i / 3]]),
        $tyn: "ref",
      })),
    };
    const { serialized, decoded } = await roundTrip(values, [buffer, bytes, nested, "small"]);
    assert.equal(store.size, 3);
    assert.ok(serialized.length < 500);
    assert.ok(Buffer.isBuffer(decoded[0]));
    assert.deepEqual(decoded, [buffer, bytes, nested, "small"]);
  });

  void it("never mistakes user data for a reference", async () => {
    const { values } = setup(1 * KIB);
    const lookalikes = [
      { $tyn: "ref", v: "0".repeat(64) },
      '{"$tyn":"ref","v":"abc"}',
      ['{"$tyn":"ref","v":"abc"}', { $tyn: "ref", v: "abc" }],
    ];
    const text = encodeArgs(lookalikes, serializer, "t").serialized;
    assert.equal(values.resolveArgs(text), text);
    assert.deepEqual((await roundTrip(values, lookalikes)).decoded, lookalikes);
  });

  void it("keeps the args id of the original arguments", () => {
    const { values } = setup(1 * KIB);
    const encoded = encodeArgs(["w".repeat(4 * KIB)], serializer, "t");
    const out = values.externalizeArgs(encoded.serialized) as { serialized: string };
    const replaced = withSerialized(encoded, out.serialized);
    assert.equal(replaced.serialized, out.serialized);
    assert.equal(replaced.argsId, encoded.argsId);
    assert.equal(withSerialized(encoded, encoded.serialized), encoded);
  });
});

void describe("LargeValues results", () => {
  void it("stores a large result once and resolves it", () => {
    const { store, values } = setup(1 * KIB);
    const text = serializer.serialize({ big: "r".repeat(10 * KIB) });
    const { text: reference, key } = values.externalizeResult(text) as { text: string; key?: string };
    assert.match(reference, /^\{"\$tyn":"ref","v":"[0-9a-f]{64}"\}$/);
    assert.equal(reference, `{"$tyn":"ref","v":"${key}"}`);
    assert.deepEqual(values.externalizeResult(text), { text: reference, key });
    assert.equal(store.size, 1);
    assert.equal(store.references(key!), 2, "each stored result holds one reference");
    assert.equal(values.resolveResult(reference), text);
  });

  void it("leaves small results and look-alike user results as they are", () => {
    const { store, values } = setup(1 * KIB);
    for (const value of [42, "text", { $tyn: "ref", v: "k" }, '{"$tyn":"ref","v":"k"}', null]) {
      const text = serializer.serialize(value);
      assert.deepEqual(values.externalizeResult(text), { text });
      assert.equal(values.resolveResult(text), text);
    }
    assert.equal(store.size, 0);
  });
});

void describe("LargeValues configuration and failures", () => {
  void it("keeps everything inline with threshold 0 but still resolves earlier references", () => {
    const store = new MemoryDataStore();
    const text = encodeArgs(["z".repeat(MIB)], serializer, "t").serialized;
    const enabled = new LargeValues(store, { thresholdBytes: 1 });
    const { serialized } = enabled.externalizeArgs(text) as { serialized: string };
    const disabled = new LargeValues(store, { thresholdBytes: 0 });
    assert.equal((disabled.externalizeArgs(text) as { serialized: string }).serialized, text);
    assert.deepEqual(disabled.externalizeResult(text), { text });
    assert.equal(disabled.resolveArgs(serialized), text);
    assert.equal(store.size, 1);
  });

  void it("names the missing key and why it may be missing", () => {
    const store = new MemoryDataStore();
    const writer = new LargeValues(store, { thresholdBytes: 10 });
    const { serialized, keys } = writer.externalizeArgs('["a long enough argument"]') as {
      serialized: string;
      keys: string[];
    };
    store.purge();
    const reader = new LargeValues(store, { thresholdBytes: 10 });
    assert.throws(
      () => reader.resolveArgs(serialized),
      (error: unknown) => {
        assert.ok(error instanceof SerializationError);
        assert.ok(error.message.includes(keys[0]!), error.message);
        assert.match(error.message, /purged/);
        assert.match(error.message, /another backend/);
        return true;
      },
    );
    const result = (writer.externalizeResult('"a long enough result"') as { text: string }).text;
    store.delete([...keys, JSON.parse(result).v as string]);
    assert.throws(() => reader.resolveResult(result), SerializationError);
  });

  void it("rejects a threshold that is not a whole number of bytes", () => {
    const store = new MemoryDataStore();
    for (const thresholdBytes of [-1, 1.5, NaN, Infinity]) {
      assert.throws(() => new LargeValues(store, { thresholdBytes }), ConfigError);
    }
    assert.throws(() => new LargeValues(store, { thresholdBytes: 1, cacheBytes: -1 }), /cacheBytes/);
  });

  void it("bounds the cache of resolved texts by size", async () => {
    const inner = new MemoryDataStore();
    const writer = new LargeValues(inner, { thresholdBytes: 100 });
    const store = asyncCounting(inner);
    const reader = new LargeValues(store, { thresholdBytes: 100, cacheBytes: 2500 });
    const refs = ["a", "b", "c"].map(
      (c) => (writer.externalizeArgs(JSON.stringify([c.repeat(1000)])) as { serialized: string }).serialized,
    );
    await reader.resolveArgs(refs[0]!);
    await reader.resolveArgs(refs[1]!);
    await reader.resolveArgs(refs[0]!);
    assert.equal(store.gets, 2, "a and b fit together");
    await reader.resolveArgs(refs[2]!); // evicts b, the least recently used
    await reader.resolveArgs(refs[0]!);
    assert.equal(store.gets, 3);
    await reader.resolveArgs(refs[1]!);
    assert.equal(store.gets, 4);

    const tiny = new LargeValues(store, { thresholdBytes: 100, cacheBytes: 500 });
    await tiny.resolveArgs(refs[0]!);
    await tiny.resolveArgs(refs[0]!);
    assert.equal(store.gets, 6, "a text larger than the whole cache is never cached");
  });

  void it("works with a store that answers through promises", async () => {
    const store = asyncCounting(new MemoryDataStore());
    const values = new LargeValues(store, { thresholdBytes: 1 * KIB });
    const big = "p".repeat(8 * KIB);
    const text = encodeArgs([big, 1], serializer, "t").serialized;
    const out = values.externalizeArgs(text);
    assert.ok(isPromise(out.saved), "an asynchronous store is waited for through `saved`");
    await out.saved;
    const { serialized } = out;
    await values.externalizeArgs(text).saved;
    assert.equal(store.puts, 1, "a value already stored is not sent again");
    const reader = new LargeValues(store, { thresholdBytes: 1 * KIB });
    assert.equal(await reader.resolveArgs(serialized), text);
    const { text: reference } = await values.externalizeResult(text);
    assert.equal(await reader.resolveResult(reference), text);
    assert.ok(!isPromise(values.resolveArgs(text)), "text without references needs no store");
  });
});
