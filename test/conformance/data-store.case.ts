import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { DataStore } from "../../src/data-store/data-store.js";
import { settle } from "./harness.js";

const keyOf = (text: string): string => createHash("sha256").update(text).digest("hex");

/**
 * The DataStore contract (src/data-store/data-store.ts): content-addressed texts, so `put` of a key
 * that exists never changes its text; each put or successful retain is a reference, and a text goes
 * when the last one is released. `makeStore` must return a fresh, empty store on every call;
 * `closeStore`, when given, releases it after each test.
 */
export function dataStoreCases(
  name: string,
  makeStore: () => DataStore | Promise<DataStore>,
  closeStore?: (store: DataStore) => void | Promise<void>,
): void {
  describe(`DataStore (${name})`, () => {
    let current: DataStore | undefined;
    beforeEach(async () => {
      current = await makeStore();
    });
    afterEach(async () => {
      const store = current;
      current = undefined;
      if (store && closeStore) await closeStore(store);
    });
    const store = (): DataStore => {
      if (!current) throw new Error("No data store: the accessor was called outside a test");
      return current;
    };

    it("returns the text put under a key, exactly", async () => {
      const text = '{"text":"héllo \\"wörld\\"\\n","emoji":"🦀","nested":[1,null,true]}';
      await settle(store().put(keyOf(text), text));
      assert.equal(await settle(store().get(keyOf(text))), text);
      assert.equal(await settle(store().has(keyOf(text))), true);
    });

    it("answers undefined and false for a key never put", async () => {
      assert.equal(await settle(store().get(keyOf("absent"))), undefined);
      assert.equal(await settle(store().has(keyOf("absent"))), false);
    });

    it("keeps the first text when the same key is put again", async () => {
      const key = keyOf("first");
      await settle(store().put(key, "first"));
      await settle(store().put(key, "second"));
      assert.equal(await settle(store().get(key)), "first");
    });

    it("tolerates concurrent puts of the same key", async () => {
      const text = "x".repeat(100_000);
      await Promise.all(Array.from({ length: 20 }, async () => settle(store().put(keyOf(text), text))));
      assert.equal(await settle(store().get(keyOf(text))), text);
    });

    it("keeps an empty text apart from a missing one", async () => {
      await settle(store().put(keyOf(""), ""));
      assert.equal(await settle(store().get(keyOf(""))), "");
      assert.equal(await settle(store().has(keyOf(""))), true);
    });

    it("deletes the given keys only and ignores unknown ones", async () => {
      for (const text of ["a", "b", "c"]) await settle(store().put(keyOf(text), text));
      await settle(store().delete([keyOf("a"), keyOf("c"), keyOf("never stored")]));
      await settle(store().delete([]));
      assert.equal(await settle(store().has(keyOf("a"))), false);
      assert.equal(await settle(store().get(keyOf("c"))), undefined);
      assert.equal(await settle(store().get(keyOf("b"))), "b");
    });

    it("stores a key again after it was deleted", async () => {
      await settle(store().put(keyOf("a"), "a"));
      await settle(store().delete([keyOf("a")]));
      await settle(store().put(keyOf("a"), "a"));
      assert.equal(await settle(store().get(keyOf("a"))), "a");
    });

    it("purges every key", async () => {
      for (const text of ["a", "b", "c"]) await settle(store().put(keyOf(text), text));
      await settle(store().purge());
      for (const text of ["a", "b", "c"]) {
        assert.equal(await settle(store().has(keyOf(text))), false);
        assert.equal(await settle(store().get(keyOf(text))), undefined);
      }
      await settle(store().put(keyOf("a"), "a"));
      assert.equal(await settle(store().get(keyOf("a"))), "a");
    });

    it("counts a reference per put and per retain, and drops a text once every reference is released", async () => {
      const key = keyOf("shared");
      await settle(store().put(key, "shared"));
      await settle(store().put(key, "shared"));
      assert.equal(await settle(store().retain(key)), true);
      await settle(store().release([key, key]));
      assert.equal(await settle(store().get(key)), "shared", "one reference is left");
      await settle(store().release([key]));
      assert.equal(await settle(store().has(key)), false);
      assert.equal(await settle(store().get(key)), undefined);
    });

    it("answers false to retain of a key it does not hold, and counts nothing for it", async () => {
      const key = keyOf("absent");
      assert.equal(await settle(store().retain(key)), false);
      await settle(store().put(key, "absent"));
      await settle(store().release([key]));
      assert.equal(await settle(store().has(key)), false, "the failed retain added no reference");
    });

    it("releases keys independently, ignores unknown ones, and stores a released key again", async () => {
      for (const text of ["a", "b"]) await settle(store().put(keyOf(text), text));
      await settle(store().release([keyOf("a"), keyOf("never stored")]));
      await settle(store().release([]));
      assert.equal(await settle(store().has(keyOf("a"))), false);
      assert.equal(await settle(store().get(keyOf("b"))), "b");
      await settle(store().put(keyOf("a"), "a"));
      assert.equal(await settle(store().get(keyOf("a"))), "a");
      await settle(store().release([keyOf("a")]));
      assert.equal(await settle(store().has(keyOf("a"))), false, "a new put starts from one reference");
    });

    it("deletes a key whatever its references", async () => {
      await settle(store().put(keyOf("a"), "a"));
      await settle(store().put(keyOf("a"), "a"));
      await settle(store().delete([keyOf("a")]));
      assert.equal(await settle(store().has(keyOf("a"))), false);
    });

    it("round-trips a 10 MB text", async () => {
      const text = JSON.stringify("0123456789abcdef".repeat(640 * 1024) + "é🦀");
      await settle(store().put(keyOf(text), text));
      const read = await settle(store().get(keyOf(text)));
      assert.equal(read?.length, text.length);
      assert.ok(read === text, "the 10 MB text came back different");
    });
  });
}
