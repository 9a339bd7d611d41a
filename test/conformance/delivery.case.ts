import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deferred, useBackend, within, type BackendFactory } from "./harness.js";

/** Delayed routing (`Broker.routeAt`, retries) and cancellation requests (`Notifier.onCancel`). */
export function deliveryCases(name: string, makeBackend: BackendFactory): void {
  describe(`delayed routing and cancel requests (${name})`, () => {
    const backend = useBackend(makeBackend);

    it("routeAt in the past routes at once", async () => {
      await backend().broker.routeAt(["a"], Date.now() - 1000);
      assert.deepEqual(await backend().broker.retrieve(10), ["a"]);
    });

    it("routeAt in the future holds the ids back, then routes them and wakes runners", async () => {
      const woken = deferred();
      const unsubscribe = backend().notifier.onWork(() => woken.resolve());
      const dueAt = Date.now() + 300;
      await backend().broker.routeAt(["later"], dueAt);
      const early = await backend().broker.retrieve(10);
      // A machine that stalled past the due time (a loaded CI) may rightly hand it out already.
      if (Date.now() < dueAt - 5) assert.deepEqual(early, [], "handed out before it was due");
      await within(woken.promise, "the work notification of a due id");
      unsubscribe();
      assert.ok(Date.now() >= dueAt - 5, "routed before it was due");
      assert.deepEqual([...early, ...(await backend().broker.retrieve(10))], ["later"]);
    });

    it("routes delayed ids in due order", async () => {
      const now = Date.now();
      await backend().broker.routeAt(["second"], now + 300);
      await backend().broker.routeAt(["first"], now + 40);
      const woken = deferred();
      let count = 0;
      const unsubscribe = backend().notifier.onWork(() => {
        if (++count === 2) woken.resolve();
      });
      await within(woken.promise, "both delayed ids");
      unsubscribe();
      assert.deepEqual(await backend().broker.retrieve(10), ["first", "second"]);
    });

    it("delivers a cancel request to every onCancel listener, and not after unsubscribe", async () => {
      const got: string[] = [];
      const all = deferred();
      const off = backend().notifier.onCancel((id) => got.push(`a:${id}`));
      backend().notifier.onCancel((id) => {
        got.push(`b:${id}`);
        if (id === "y") all.resolve();
      });
      backend().notifier.publishCancel("x");
      off();
      backend().notifier.publishCancel("y");
      await within(all.promise, "the cancel requests");
      assert.deepEqual(got.sort(), ["a:x", "b:x", "b:y"]);
    });
  });
}
