import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvocationNotFoundError, InvocationPurgedError, InvocationStatus as S } from "../../src/index.js";
import { assertValidHistories, trackInvocations } from "../../src/testing/index.js";
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
