import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvocationStatus as S, NonRetryableError, RetryError } from "../../src/index.js";
import { assertValidHistories, trackInvocations } from "../../src/testing/index.js";
import { testApp, withRunner } from "../helpers.js";

class TransientError extends Error {}

const quick = { retryDelayMs: 1, retryJitter: false } as const;

describe("retries", () => {
  it("retries an error listed in retryFor, keeping the id, with every attempt in the history", async () => {
    const app = testApp();
    let calls = 0;
    const flaky = app.task(
      "flaky",
      async () => {
        if (++calls < 3) throw new TransientError(`attempt ${calls}`);
        return "ok";
      },
      { maxRetries: 3, retryFor: [TransientError], ...quick },
    );
    const tracked = trackInvocations(app);
    const invocation = flaky();
    assert.equal(await withRunner(app, () => invocation.result), "ok");
    assert.equal(calls, 3);
    assert.deepEqual(
      (await invocation.history()).map((h) => h.status),
      [
        S.REGISTERED,
        S.PENDING,
        S.RUNNING,
        S.RETRY,
        S.PENDING,
        S.RUNNING,
        S.RETRY,
        S.PENDING,
        S.RUNNING,
        S.SUCCESS,
      ],
    );
    assert.deepEqual(tracked.ids, [invocation.id]);
    await assertValidHistories(app, tracked.ids);
  });

  it("fails after maxRetries + 1 attempts with the last error", async () => {
    const app = testApp();
    let calls = 0;
    const broken = app.task(
      "broken",
      async () => {
        throw new TransientError(`attempt ${++calls}`);
      },
      { maxRetries: 2, retryFor: [TransientError], ...quick },
    );
    const invocation = broken();
    await withRunner(app, () => assert.rejects(invocation.result, /attempt 3/));
    assert.equal(calls, 3);
    assert.equal(await invocation.status(), S.FAILED);
  });

  it("fails at once on NonRetryableError, and on errors not in retryFor", async () => {
    const app = testApp();
    let calls = 0;
    const stop = app.task(
      "stop",
      async (kind: string) => {
        calls++;
        throw kind === "non" ? new NonRetryableError("give up") : new TypeError("not listed");
      },
      { maxRetries: 5, retryFor: [TransientError, Error], ...quick },
    );
    const other = app.task(
      "other",
      async () => {
        calls++;
        throw new TypeError("not listed");
      },
      { maxRetries: 5, retryFor: [TransientError], ...quick },
    );
    await withRunner(app, async () => {
      await assert.rejects(stop("non").result, NonRetryableError);
      await assert.rejects(other().result, TypeError);
    });
    assert.equal(calls, 2);
  });

  it("retries on RetryError without retryFor, after the delay it asks for", async () => {
    const app = testApp();
    let calls = 0;
    const polite = app.task(
      "polite",
      async () => {
        if (++calls === 1) throw new RetryError("not yet", 40);
        return calls;
      },
      { maxRetries: 1 },
    );
    const invocation = polite();
    assert.equal(await withRunner(app, () => invocation.result), 2);
    const history = await invocation.history();
    const retryAt = history.find((h) => h.status === S.RETRY)!.at;
    const rerunAt = history.filter((h) => h.status === S.PENDING)[1]!.at;
    assert.ok(rerunAt - retryAt >= 35, `re-queued after ${rerunAt - retryAt} ms`);
  });

  it("a retry's delay holds while a paused parent waits for it, with one slot", async () => {
    const app = testApp({ maxParallelSlots: 1 });
    let calls = 0;
    const child = app.task(
      "child",
      async () => {
        if (++calls === 1) throw new RetryError("not yet", 150);
        return 21;
      },
      { maxRetries: 1 },
    );
    const parent = app.task("parent", async () => {
      const invocation = child();
      return { id: await invocation.registered.then((i) => i.id), value: (await invocation.result) * 2 };
    });
    const tracked = trackInvocations(app);
    const { id, value } = await withRunner(app, () => parent().result);
    assert.equal(value, 42);
    const history = await (await app.getInvocation(id)).history();
    const retryAt = history.find((h) => h.status === S.RETRY)!.at;
    const rerunAt = history.filter((h) => h.status === S.RUNNING)[1]!.at;
    assert.ok(rerunAt - retryAt >= 140, `ran again ${rerunAt - retryAt} ms after its RETRY (asked: 150)`);
    await assertValidHistories(app, tracked.ids);
  });

  it("a parent waiting on a retried child gets its eventual result, with one slot", async () => {
    const app = testApp();
    let calls = 0;
    const child = app.task(
      "child",
      async () => {
        if (++calls < 2) throw new TransientError("once");
        return 21;
      },
      { maxRetries: 1, retryFor: [TransientError], ...quick },
    );
    const parent = app.task("parent", async () => (await child().result) * 2);
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => parent().result), 42);
    await assertValidHistories(app, tracked.ids);
  });
});
