import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, InvocationStatus as S, TimeoutError, type Invocation } from "../../src/index.js";
import { assertValidHistories, trackInvocations, waitForStatus } from "../../src/testing/index.js";
import { testApp, withRunner } from "../helpers.js";

/** A promise that settles only when the signal aborts, like a well-behaved long operation. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error)));
}

describe("cancellation", () => {
  it("cancels a queued invocation: it never runs and its waiters get a CancelledError", async () => {
    const app = testApp();
    let ran = false;
    const task = app.task("task", async () => {
      ran = true;
    });
    const invocation = task();
    assert.equal(await invocation.cancel(), true);
    assert.equal(await invocation.status(), S.CANCELLED);
    await withRunner(app, async () => {
      await assert.rejects(invocation.result, CancelledError);
    });
    assert.equal(ran, false);
    assert.equal(await invocation.cancel(), false); // already final
  });

  it("cancels a running invocation: its signal aborts, its slot frees, the late result is discarded", async () => {
    const app = testApp();
    const seen: unknown[] = [];
    const slow = app.task("slow", async () => {
      const signal = app.context()!.signal;
      await untilAborted(signal).catch((reason: unknown) => seen.push(reason));
      return "too late";
    });
    const next = app.task("next", async () => "ran");
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const invocation = slow();
      await waitForStatus(app, invocation, S.RUNNING);
      assert.equal(await invocation.cancel(), true);
      await assert.rejects(invocation.result, CancelledError);
      assert.equal(await next().result, "ran"); // the single slot was given back
      assert.equal(await invocation.status(), S.CANCELLED);
    });
    assert.ok(seen[0] instanceof CancelledError);
    await assertValidHistories(app, tracked.ids);
  });

  it("cancelling a paused parent cancels the children only it waits for, not shared ones", async () => {
    const app = testApp({ maxParallelSlots: 3 }); // the children hold slots until cancelled
    let shared: Invocation<unknown> | undefined;
    const child = app.task("child", async (): Promise<string> => untilAborted(app.context()!.signal));
    const parent = app.task("parent", async (): Promise<unknown> => {
      const own = child();
      return Promise.all([own.result, shared!.result]);
    });
    const watcher = app.task("watcher", async (): Promise<unknown> => shared!.result);
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      shared = child();
      const w = watcher();
      const p = parent();
      await waitForStatus(app, p, S.PAUSED);
      await waitForStatus(app, w, S.PAUSED);
      const own = tracked.ids.at(-1)!;
      await p.cancel();
      await assert.rejects(p.result, CancelledError);
      const ownChild = await app.getInvocation(own);
      await waitForStatus(app, ownChild, S.CANCELLED);
      assert.notEqual(await shared.status(), S.CANCELLED); // the watcher still needs it
      await shared.cancel();
      await assert.rejects(w.result, CancelledError);
    });
    await assertValidHistories(app, tracked.ids);
  });
});

describe("cancellation cascading to a purged child", () => {
  it("a child read as unfinished and then purged is passed by, and the parent is cancelled", async () => {
    // Another cancel ended the child and retention purged it between the cascade's read of its status
    // and its CANCELLED move: seen by the engine stress on Redis ("cancel ... threw
    // InvocationNotFoundError" for a child).
    const app = testApp();
    const parent = app.task("parent", async () => 1);
    const invocation = parent();
    await invocation.registered;
    const ghost = "purged-child";
    await app.orchestrator.recordWaits(invocation.id, [ghost]);
    const store = app.backend.orchestratorStore;
    const getStatus = store.getStatus.bind(store);
    store.getStatus = (id: string) =>
      id === ghost ? { status: S.REGISTERED, owner: null, at: Date.now() } : getStatus(id);
    assert.equal(await invocation.cancel(), true);
    assert.equal(await invocation.status(), S.CANCELLED);
  });
});

describe("timeouts", () => {
  it("ends a task running longer than timeoutMs as TIMED_OUT; its waiter gets a TimeoutError", async () => {
    const app = testApp();
    const stuck = app.task("stuck", async (): Promise<string> => untilAborted(app.context()!.signal), {
      timeoutMs: 30,
    });
    const parent = app.task("parent", async () => {
      try {
        return await stuck().result;
      } catch (error) {
        return error instanceof TimeoutError ? `timed out: ${error.message}` : "other";
      }
    });
    const tracked = trackInvocations(app);
    const result = await withRunner(app, () => parent().result);
    assert.match(result, /timed out: .*timeoutMs 30 ms/);
    const [, child] = tracked.ids;
    assert.equal(await (await app.getInvocation(child!)).status(), S.TIMED_OUT);
    await assertValidHistories(app, tracked.ids);
  });

  it("a parent that times out while paused cancels the children only it waits for, not shared ones", async () => {
    const app = testApp({ maxParallelSlots: 3 }); // the children hold slots until cancelled
    let shared: Invocation<unknown> | undefined;
    const child = app.task("child", async (): Promise<string> => untilAborted(app.context()!.signal));
    const parent = app.task(
      "parent",
      async (): Promise<unknown> => {
        const own = child();
        return Promise.all([own.result, shared!.result]);
      },
      { timeoutMs: 100 },
    );
    const watcher = app.task("watcher", async (): Promise<unknown> => shared!.result);
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      shared = child();
      const w = watcher();
      await waitForStatus(app, w, S.PAUSED);
      const p = parent();
      await assert.rejects(p.result, TimeoutError);
      assert.equal(await p.status(), S.TIMED_OUT);
      const own = await app.getInvocation(tracked.ids.at(-1)!);
      await waitForStatus(app, own, S.CANCELLED);
      await assert.rejects(own.result, CancelledError);
      assert.equal(await shared.status(), S.RUNNING, "the watcher still needs it");
      await shared.cancel();
      await assert.rejects(w.result, CancelledError);
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("ends TIMED_OUT a task that blocked its event loop past timeoutMs, though its timer could not fire", async () => {
    const app = testApp();
    const blocking = app.task(
      "blocking",
      async () => {
        const end = performance.now() + 80;
        while (performance.now() < end) {
          // synchronous: the timeout timer cannot fire before the task returns
        }
        return "returned late";
      },
      { timeoutMs: 20 },
    );
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const late = blocking();
      await assert.rejects(late.result, (error: unknown) => {
        assert.ok(error instanceof TimeoutError, String(error));
        assert.match(error.message, /timeoutMs 20 ms/);
        return true;
      });
      assert.equal(await late.status(), S.TIMED_OUT);
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("does not time out a task that finishes in time", async () => {
    const app = testApp();
    const quick = app.task("quick", async () => "done", { timeoutMs: 5_000 });
    assert.equal(await withRunner(app, () => quick().result), "done");
  });
});
