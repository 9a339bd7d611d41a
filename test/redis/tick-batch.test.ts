import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isReplyError, TickBatch } from "../../src/backends/redis/tick-batch.js";

/** As ioredis names an error Redis answered. */
class ReplyError extends Error {
  override readonly name = "ReplyError";
}

void describe("TickBatch", () => {
  void it("sends the requests of one tick in one call, each answered in its order", async () => {
    const calls: string[][] = [];
    const batch = new TickBatch(async (items: readonly string[]) => {
      calls.push([...items]);
      return items.map((item) => item.toUpperCase());
    });
    const first = await Promise.all(["a", "b", "c"].map((item) => batch.request(item)));
    const second = await batch.request("d");
    assert.deepEqual(first, ["A", "B", "C"]);
    assert.equal(second, "D");
    assert.deepEqual(calls, [["a", "b", "c"], ["d"]]);
  });

  void it("with delayMs, gathers the requests of several ticks; flushNow sends them at once", async () => {
    const calls: string[][] = [];
    const batch = new TickBatch(
      async (items: readonly string[]) => {
        calls.push([...items]);
        return items.map(() => undefined);
      },
      { delayMs: 20 },
    );
    const early = batch.request("a");
    await new Promise((resolve) => setImmediate(resolve));
    const later = batch.request("b");
    const alive = setInterval(() => {}, 1000); // the batch's timer is unref'd
    await Promise.all([early, later]);
    clearInterval(alive);
    assert.deepEqual(calls, [["a", "b"]]);
    let answered = false;
    void batch.request("c").then(() => (answered = true));
    const sent = batch.flushNow();
    assert.deepEqual(calls, [["a", "b"], ["c"]]);
    await sent;
    assert.ok(answered, "flushNow settles once the call has: its waiter has its answer");
    await batch.flushNow(); // nothing waits: no call
    assert.equal(calls.length, 2);
  });

  void it("with retryAlone, a failed batch is sent again item by item: each gets its own answer or error", async () => {
    const calls: string[][] = [];
    const batch = new TickBatch(
      async (items: readonly string[]) => {
        calls.push([...items]);
        const bad = items.find((item) => item.startsWith("bad"));
        if (bad) throw new ReplyError(`cannot read ${bad}`);
        return items.map((item) => `${item}!`);
      },
      { retryAlone: isReplyError },
    );
    const answers = await Promise.allSettled(["a", "bad1", "b", "bad2"].map((item) => batch.request(item)));
    assert.deepEqual(answers, [
      { status: "fulfilled", value: "a!" },
      { status: "rejected", reason: new ReplyError("cannot read bad1") },
      { status: "fulfilled", value: "b!" },
      { status: "rejected", reason: new ReplyError("cannot read bad2") },
    ]);
    assert.deepEqual(calls, [["a", "bad1", "b", "bad2"], ["a"], ["bad1"], ["b"], ["bad2"]]);
  });

  void it("a batch failed by its connection, or without retryAlone, fails every request once", async () => {
    let calls = 0;
    const batch = new TickBatch(
      async (): Promise<string[]> => {
        calls++;
        throw new Error("Connection is closed.");
      },
      { retryAlone: isReplyError },
    );
    const answers = await Promise.allSettled(["a", "b"].map((item) => batch.request(item)));
    assert.deepEqual(
      answers.map((a) => a.status),
      ["rejected", "rejected"],
    );
    assert.equal(calls, 1);
  });
});
