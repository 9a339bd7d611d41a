/**
 * The memory broker's timer for delayed routes (retries with backoff, `runAt`) does not keep the process
 * alive on its own, as on SQLite and Redis: a running runner does (keepProcessAlive), and without one
 * nothing in this process would run what comes due. Before, a script on memory that made a delayed call
 * and no runner stayed alive until the call's time.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoryBackend } from "../../src/backends/memory/index.js";
import { within } from "./harness.js";

/** The timers that keep this process alive (an unref'd one is not listed). */
const refedTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

void describe("memory broker", () => {
  void it("holds a delayed route back on a timer that does not keep the process alive", async () => {
    const backend = memoryBackend();
    try {
      const before = refedTimers();
      let woken!: () => void;
      const work = new Promise<void>((resolve) => (woken = resolve));
      const unsubscribe = backend.notifier.onWork(() => woken());
      await backend.broker.routeAt(["later"], Date.now() + 60_000);
      await backend.broker.routeAt(["soon"], Date.now() + 300);
      assert.equal(refedTimers(), before, "a delayed route keeps the process alive");
      assert.deepEqual(await backend.broker.retrieve(10), [], "held back until due");
      await within(work, "the due route's wake-up");
      assert.deepEqual(await backend.broker.retrieve(10), ["soon"]);
      unsubscribe();
    } finally {
      await backend.close();
    }
  });
});
