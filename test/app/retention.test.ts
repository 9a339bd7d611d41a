import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvocationNotFoundError, InvocationPurgedError, InvocationStatus as S } from "../../src/index.js";
import { assertValidHistories, trackInvocations, waitForStatus } from "../../src/testing/index.js";
import { testApp, withRunner } from "../helpers.js";

describe("retention of finished invocations", () => {
  it("keeps at most retentionMaxFinished, and a purged handle says so instead of hanging", async () => {
    const app = testApp({ maxParallelSlots: 4, retentionMaxFinished: 50 });
    const add = app.task("add", async (a: number, b: number) => a + b);
    const tracked = trackInvocations(app);
    const invocations = await withRunner(app, async () => {
      const all = Array.from({ length: 3000 }, (_, i) => add(i, 1));
      // Results read before they finish are delivered at the finish, purge or not.
      const results = await Promise.all(all.map(async (invocation, i) => (i === 0 ? 0 : invocation.result)));
      assert.equal(results[2999], 3000);
      return all;
    });
    // Purged in steps of a thousand finishes: after the 3000th only the newest 50 remain.
    assert.equal((await app.orchestrator.findFinished()).length, 50);
    const first = invocations[0]!;
    await assert.rejects(first.status(), InvocationPurgedError);
    await assert.rejects(first.history(), InvocationPurgedError);
    await assert.rejects(
      first.result,
      (e: unknown) => e instanceof InvocationPurgedError && /retention/.test(e.message),
    );
    await assert.rejects(
      app.getInvocation(first.id),
      (e: unknown) => e instanceof InvocationNotFoundError && /retention/.test(e.message),
    );
    const last = invocations.at(-1)!;
    assert.equal(await last.status(), S.SUCCESS);
    assert.equal(await (await app.getInvocation<number>(last.id)).result, 3000);
    await assertValidHistories(app, tracked.ids.slice(-50));
  });

  it("purges by age when asked, keeping what is not final", async () => {
    const app = testApp({ retentionMs: 3_600_000 });
    const add = app.task("add", async (a: number, b: number) => a + b);
    const done = await withRunner(app, async () => {
      const d = add(1, 2);
      await d.result;
      return d;
    });
    const queued = add(3, 4); // no runner: stays REGISTERED
    assert.deepEqual(await app.orchestrator.purgeFinished(), []); // younger than an hour
    app.conf.retentionMs = 0;
    await app.orchestrator.purgeFinished();
    // At most the one finished in this very millisecond survives an age of 0; the queued one always does.
    assert.equal(await queued.status(), S.REGISTERED);
    const remaining = await app.orchestrator.findFinished();
    assert.ok(remaining.length <= 1 && (remaining.length === 0 || remaining[0] === done.id));
  });
});

/** Resolves a gate the test opens by hand: `open()`, and `wait` for the task side. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** Lets the clock pass `at`, so a purge with `retentionMs: 0` covers what finished at `at` (< 1 ms). */
function pastMillisecond(at: number): void {
  while (Date.now() <= at) {
    /* spin: the purge compares whole milliseconds */
  }
}

describe("retention never purges a result read before it finished", () => {
  it("keeps a child until a waiter that resumed, but waits for a slot, has read it", async () => {
    const app = testApp({ maxParallelSlots: 2, retentionMs: 0 });
    const childGate = gate();
    const hold = gate();
    const child = app.task("child", async (): Promise<number> => {
      await childGate.wait;
      return 42;
    });
    const waiter = app.task("waiter", async (id: string, holdSlot: boolean): Promise<number> => {
      const value = await (await app.getInvocation<number>(id)).result;
      if (holdSlot) await hold.wait; // keeps the slot it resumed into
      return value;
    });
    const blocker = app.task("blocker", async () => hold.wait);
    const tracked = trackInvocations(app);
    const c = child();
    await withRunner(app, async () => {
      await waitForStatus(app, c, S.RUNNING);
      const first = waiter(c.id, true);
      await waitForStatus(app, first, S.PAUSED);
      const second = waiter(c.id, false);
      await waitForStatus(app, second, S.PAUSED);
      const b = blocker();
      await waitForStatus(app, b, S.RUNNING); // both slots taken: the child's and the blocker's
      childGate.open();
      // The child's slot goes to the first waiter; the second is RESUMED without a slot.
      await waitForStatus(app, second, S.RESUMED);
      await waitForStatus(app, first, S.RUNNING);
      const finishedAt = (await c.history()).at(-1)!.at;
      pastMillisecond(finishedAt);
      const purged = await app.orchestrator.purgeFinished();
      assert.ok(!purged.includes(c.id), "the child was purged while its waiters had not read it");
      hold.open();
      assert.equal(await first.result, 42);
      assert.equal(await second.result, 42);
    });
    await assertValidHistories(app, tracked.ids);
    // Both waiters finished: nothing holds the child any more.
    pastMillisecond(Date.now());
    assert.ok((await app.orchestrator.purgeFinished()).includes(c.id));
  });

  it("keeps a finished result awaited together with unfinished ones until the waiter has read it", async () => {
    const app = testApp({ maxParallelSlots: 2, retentionMs: 0 });
    const slowGate = gate();
    const quick = app.task("quick", async (): Promise<number> => 1);
    const slow = app.task("slow", async (): Promise<number> => {
      await slowGate.wait;
      return 2;
    });
    const both = app.task("both", async (quickId: string): Promise<number[]> => {
      const done = await app.getInvocation<number>(quickId);
      const pending = slow(); // registered in this tick: done.result below is not read at once
      return Promise.all([done.result, pending.result]); // one pause, done already final
    });
    const tracked = trackInvocations(app);
    const q = quick();
    const values = await withRunner(app, async () => {
      await q.result;
      const w = both(q.id);
      await waitForStatus(app, w, S.PAUSED);
      pastMillisecond((await q.history()).at(-1)!.at);
      const purged = await app.orchestrator.purgeFinished();
      assert.ok(!purged.includes(q.id), "a result the paused waiter will read was purged");
      slowGate.open();
      return w.result;
    });
    assert.deepEqual(values, [1, 2]);
    await assertValidHistories(app, tracked.ids);
  });

  it("delivers a result awaited outside any task even when retention runs right at its finish", async () => {
    const app = testApp({ retentionMs: 0 });
    const childGate = gate();
    const child = app.task("child", async (): Promise<string> => {
      await childGate.wait;
      return "kept";
    });
    const c = child();
    let purged: Promise<string[]> | undefined;
    // Retention runs between the final status and the delivery to the watcher below.
    app.events.on("invocation:status", ({ invocationId, status, at }) => {
      if (invocationId !== c.id || status !== S.SUCCESS) return;
      pastMillisecond(at);
      purged = Promise.resolve(app.orchestrator.purgeFinished());
    });
    const value = await withRunner(app, async () => {
      const result = c.result; // awaited before it finished
      const read = result.then((v) => v);
      await waitForStatus(app, c, S.RUNNING);
      childGate.open();
      return read;
    });
    assert.equal(value, "kept");
    assert.ok(purged && !(await purged).includes(c.id), "the watched result was purged before it was read");
    pastMillisecond(Date.now());
    assert.ok((await app.orchestrator.purgeFinished()).includes(c.id), "the read let go of it");
  });
});

describe("a kept invocation whose parent was purged", () => {
  it("app.getInvocation gives its handle with parentId and no parent handle", async () => {
    const app = testApp({ retentionMs: 0 });
    const childGate = gate();
    const child = app.task("child", async () => childGate.wait);
    const parent = app.task("parent", async () => child().id); // does not wait for it
    await withRunner(app, async () => {
      const top = parent();
      const childId = await top.result;
      pastMillisecond((await top.history()).at(-1)!.at);
      assert.ok((await app.orchestrator.purgeFinished()).includes(top.id));
      const found = await app.getInvocation(childId);
      assert.equal(found.id, childId);
      assert.equal(found.parentId, top.id);
      assert.equal(found.parent, undefined);
      childGate.open();
      await found.result;
      const root = await app.getInvocation(childId);
      assert.equal(root.parentId, top.id);
    });
  });
});
