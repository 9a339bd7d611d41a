import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ids, useBackend, type BackendFactory } from "./harness.js";

/** The Broker contract (src/broker/broker.ts): a FIFO of ids, exclusive across consumers. */
export function brokerCases(name: string, makeBackend: BackendFactory): void {
  describe(`Broker (${name})`, () => {
    const backend = useBackend(makeBackend);
    const broker = () => backend().broker;

    it("holds back an id due in 30 days (past setTimeout's range) without a timer that overflows", async () => {
      const warnings: string[] = [];
      const warned = (warning: Error) => warnings.push(warning.name);
      process.on("warning", warned);
      try {
        await broker().routeAt(["later"], Date.now() + 30 * 24 * 3600 * 1000);
        await new Promise((resolve) => setImmediate(resolve)); // a warning is emitted on the next tick
        assert.deepEqual(await broker().retrieve(10), []);
        assert.deepEqual(warnings, []);
      } finally {
        process.off("warning", warned);
      }
    });

    it("starts empty: retrieve gives [] and count 0", async () => {
      assert.deepEqual(await broker().retrieve(10), []);
      assert.equal(await broker().count(), 0);
    });

    it("returns ids in the order they were routed, across route calls", async () => {
      await broker().route(["a", "b"]);
      await broker().route(["c"]);
      await broker().route([]);
      await broker().route(["d", "e"]);
      assert.deepEqual(await broker().retrieve(10), ["a", "b", "c", "d", "e"]);
    });

    it("keeps FIFO order when routing and retrieving interleave", async () => {
      await broker().route(["a", "b", "c"]);
      assert.deepEqual(await broker().retrieve(2), ["a", "b"]);
      await broker().route(["d"]);
      assert.deepEqual(await broker().retrieve(1), ["c"]);
      await broker().route(["e", "f"]);
      assert.deepEqual(await broker().retrieve(10), ["d", "e", "f"]);
      assert.deepEqual(await broker().retrieve(10), []);
    });

    it("retrieve(max) returns at most max ids, and [] for max 0", async () => {
      await broker().route(["a", "b", "c", "d", "e"]);
      assert.deepEqual(await broker().retrieve(0), []);
      assert.deepEqual(await broker().retrieve(2), ["a", "b"]);
      assert.deepEqual(await broker().retrieve(1), ["c"]);
      assert.deepEqual(await broker().retrieve(100), ["d", "e"]);
    });

    it("count follows routes and retrieves", async () => {
      await broker().route(["a", "b", "c"]);
      assert.equal(await broker().count(), 3);
      await broker().retrieve(2);
      assert.equal(await broker().count(), 1);
      await broker().route(["d", "e"]);
      assert.equal(await broker().count(), 3);
      await broker().retrieve(10);
      assert.equal(await broker().count(), 0);
    });

    it("allows duplicates and returns every copy in order", async () => {
      await broker().route(["a", "b", "a"]);
      await broker().route(["a"]);
      assert.equal(await broker().count(), 4);
      assert.deepEqual(await broker().retrieve(10), ["a", "b", "a", "a"]);
    });

    it("unroute drops every queued copy of the ids, keeps the rest in order and what is held back", async () => {
      const unroute = broker().unroute?.bind(broker());
      assert.ok(unroute, "the backend's broker drops queued entries (a retry with a delay needs it)");
      await broker().route(["a", "b", "a", "c", "d"]);
      await broker().routeAt(["b"], Date.now() + 500); // not due before unroute, even on a loaded machine
      await unroute(["a", "b", "absent"]);
      await unroute([]);
      assert.deepEqual(await broker().retrieve(10), ["c", "d"]);
      // The held-back copy of b comes when due.
      let later: string[] = [];
      for (const until = Date.now() + 5000; later.length === 0 && Date.now() < until;)
        later = await new Promise<string[]>((resolve) =>
          setTimeout(() => resolve(broker().retrieve(10) as Promise<string[]>), 20),
        );
      assert.deepEqual(later, ["b"]);
    });

    it("purge empties the queue, and routing works again afterwards", async () => {
      await broker().route(["a", "b", "c"]);
      await broker().retrieve(1);
      await broker().purge();
      assert.equal(await broker().count(), 0);
      assert.deepEqual(await broker().retrieve(10), []);
      await broker().route(["d"]);
      assert.equal(await broker().count(), 1);
      assert.deepEqual(await broker().retrieve(10), ["d"]);
    });

    it("keeps the order of 10,000 ids routed at once, retrieved in uneven batches", async () => {
      const all = ids("many", 10_000);
      await broker().route(all);
      assert.equal(await broker().count(), all.length);
      const out: string[] = [];
      const sizes = [1, 7, 500, 1000, 4096, 33];
      for (let i = 0; out.length < all.length; i++) {
        const max = sizes[i % sizes.length] ?? 1;
        const batch = await broker().retrieve(max);
        assert.ok(batch.length > 0, `retrieve stopped after ${out.length} of ${all.length} ids`);
        assert.ok(batch.length <= max);
        out.push(...batch);
      }
      assert.deepEqual(out, all);
      assert.equal(await broker().count(), 0);
    });

    it("keeps the order of 10,000 ids routed in many calls", async () => {
      const all = ids("many", 10_000);
      for (let i = 0; i < all.length; i += 250) await broker().route(all.slice(i, i + 250));
      const out: string[] = [];
      for (let batch = await broker().retrieve(999); batch.length > 0; batch = await broker().retrieve(999)) {
        out.push(...batch);
      }
      assert.deepEqual(out, all);
    });

    it("never gives the same entry to two concurrent retrieve calls", async () => {
      const all = ids("c", 2000);
      await broker().route(all);
      const seen: string[] = [];
      for (;;) {
        const batches = await Promise.all(Array.from({ length: 8 }, async () => broker().retrieve(37)));
        for (const batch of batches) assert.ok(batch.length <= 37);
        const flat = batches.flat();
        if (flat.length === 0) break;
        seen.push(...flat);
      }
      assert.equal(new Set(seen).size, seen.length, "an entry was retrieved twice");
      assert.deepEqual([...seen].sort(), all);
      assert.equal(await broker().count(), 0);
    });

    it("each concurrent retrieve still returns its ids oldest first", async () => {
      const all = ids("o", 300);
      await broker().route(all);
      const batches = await Promise.all(Array.from({ length: 6 }, async () => broker().retrieve(50)));
      for (const batch of batches) {
        const positions = batch.map((id) => all.indexOf(id));
        assert.deepEqual(
          positions,
          [...positions].sort((a, b) => a - b),
        );
      }
    });
  });
}
