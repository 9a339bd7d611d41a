import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MemoryDataStore } from "../../src/backends/memory/memory-data-store.js";
import { dataStoreCases } from "../conformance/data-store.case.js";

dataStoreCases("memory", () => new MemoryDataStore());

void describe("MemoryDataStore", () => {
  void it("answers synchronously and counts entries and UTF-8 bytes", () => {
    const store = new MemoryDataStore();
    assert.equal(store.put("k1", "é"), undefined);
    store.put("k1", "ignored, the key exists");
    store.put("k2", "abc");
    assert.equal(store.get("k1"), "é");
    assert.equal(store.has("k2"), true);
    assert.deepEqual([store.size, store.bytes], [2, 5]);
    store.delete(["k1", "missing"]);
    assert.deepEqual([store.size, store.bytes], [1, 3]);
    store.purge();
    assert.deepEqual([store.size, store.bytes], [0, 0]);
  });
});
