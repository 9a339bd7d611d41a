import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvocationStatus as S, WaitCycleError, type Task } from "../../src/index.js";
import {
  assertValidHistories,
  histories,
  maxConcurrentRunning,
  trackInvocations,
} from "../../src/testing/index.js";
import { testApp, withRunner } from "../helpers.js";

function fibApp(slots: number) {
  const app = testApp({ maxParallelSlots: slots });
  const fib: Task<[number], number> = app.task("fib", async (n: number): Promise<number> =>
    n <= 1 ? n : (await fib(n - 1).result) + (await fib(n - 2).result),
  );
  return { app, fib };
}

function seqOf(history: { status: string; seq: number }[], status: string, nth = 0): number {
  const found = history.filter((h) => h.status === status)[nth];
  assert.ok(found, `no ${status} #${nth} in ${history.map((h) => h.status).join(" > ")}`);
  return found.seq;
}

describe("automatic orchestration on a ThreadRunner", () => {
  it("computes fib(15) with one slot, never running two invocations at once", async () => {
    const { app, fib } = fibApp(1);
    const tracked = trackInvocations(app);
    const result = await withRunner(app, () => fib(15).result);
    assert.equal(result, 610);
    assert.equal(tracked.ids.length, 1973);
    const all = await histories(app, tracked.ids);
    assert.equal(maxConcurrentRunning(all), 1);
    await assertValidHistories(app, tracked.ids);
    for (const h of all) assert.equal(h.at(-1)?.status, S.SUCCESS);
  });

  it("keeps RUNNING within the slot count with several slots", async () => {
    const { app, fib } = fibApp(3);
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => fib(12).result), 144);
    const all = await histories(app, tracked.ids);
    const max = maxConcurrentRunning(all);
    assert.ok(max <= 3 && max >= 1, `max RUNNING ${max}`);
    await assertValidHistories(app, tracked.ids);
  });

  it("frees the slot of a paused invocation: its child runs while it is PAUSED", async () => {
    const app = testApp();
    const child = app.task("child", async () => 1);
    const parent = app.task("parent", async () => (await child().result) + 1);
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => parent().result), 2);
    const [p, c] = await histories(app, tracked.ids);
    assert.ok(seqOf(p!, S.PAUSED) < seqOf(c!, S.RUNNING));
    assert.ok(seqOf(c!, S.SUCCESS) < seqOf(p!, S.RESUMED));
    assert.deepEqual(
      p!.map((h) => h.status),
      [S.REGISTERED, S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED, S.RUNNING, S.SUCCESS],
    );
  });

  it("gives a freed slot to a RESUMED invocation before queued work", async () => {
    const app = testApp();
    const unrelated = app.task("unrelated", async () => "u");
    const child = app.task("child", async () => "c");
    const parent = app.task("parent", async () => {
      const c = child();
      unrelated(); // queued behind the child, before the parent resumes
      unrelated();
      return c.result;
    });
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      await parent().result;
      for (const id of tracked.ids) await (await app.getInvocation(id)).result;
    });
    const [p, , u1] = await histories(app, tracked.ids);
    assert.ok(seqOf(u1!, S.REGISTERED) < seqOf(p!, S.RESUMED));
    assert.ok(seqOf(p!, S.RUNNING, 1) < seqOf(u1!, S.RUNNING));
    await assertValidHistories(app, tracked.ids);
  });

  it("claims an invocation others wait for before unrelated work queued earlier", async () => {
    const app = testApp();
    const unrelated = app.task("unrelated", async () => "u");
    const child = app.task("child", async () => "c");
    const parent = app.task("parent", async () => child().result);
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const p = parent();
      const us = [unrelated(), unrelated(), unrelated()];
      await p.result;
      await Promise.all(us.map((u) => u.result));
    });
    const all = await histories(app, tracked.ids);
    const childHistory = all[all.length - 1]!; // registered last, by the parent
    for (const u of all.slice(1, 4)) assert.ok(seqOf(childHistory, S.RUNNING) < seqOf(u, S.RUNNING));
    await assertValidHistories(app, tracked.ids);
  });

  it("pauses once for Promise.all and runs the children in parallel", async () => {
    const app = testApp({ maxParallelSlots: 4 });
    const slow = app.task("slow", async (x: number) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return x * 2;
    });
    const parent = app.task("parent", async () => {
      const values = await Promise.all([slow(1).result, slow(2).result, slow(3).result]);
      return values.reduce((a, b) => a + b, 0);
    });
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => parent().result), 12);
    const [p, ...children] = await histories(app, tracked.ids);
    assert.equal(p!.filter((h) => h.status === S.PAUSED).length, 1);
    assert.equal(maxConcurrentRunning(children), 3);
    await assertValidHistories(app, tracked.ids);
  });

  it("fails a wait cycle at once, naming it, in the waiter and everything above", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    const waitFor = app.task(
      "waitFor",
      async (id: string): Promise<unknown> => (await app.getInvocation(id)).result,
    );
    const top = app.task("top", async (): Promise<unknown> => waitFor(app.currentInvocation()!.id).result);
    const tracked = trackInvocations(app);
    const error = await withRunner(app, () =>
      top().result.then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    assert.ok(error instanceof WaitCycleError, `got ${String(error)}`);
    const [topId, waitId] = tracked.ids;
    assert.match(error.message, new RegExp(`${waitId} -> ${topId} -> ${waitId}`));
    assert.deepEqual(error.cycle, [waitId, topId, waitId]);
    await assertValidHistories(app, tracked.ids);
  });

  it("fails an invocation that awaits its own result", async () => {
    const app = testApp();
    const selfish = app.task("selfish", async (): Promise<unknown> => app.currentInvocation()!.result);
    await withRunner(app, async () => {
      await assert.rejects(
        selfish().result,
        (e: unknown) => e instanceof WaitCycleError && /cycle/.test(e.message),
      );
    });
  });
});
