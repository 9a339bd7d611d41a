import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectTypeOf } from "expect-type";
import { ConfigError, InvocationStatus as S, UnknownTaskError } from "../../src/index.js";
import { assertValidHistories, histories, trackInvocations } from "../../src/testing/index.js";
import { testApp, withRunner } from "../helpers.js";

class QuotaError extends Error {
  constructor(readonly quota: number) {
    super(`quota ${quota} exceeded`);
    this.name = "QuotaError";
  }
}

async function triple(x: number): Promise<number> {
  return x * 3;
}

describe("app.directTask", () => {
  it("returns a function with the plain signature whose call resolves to the result via a runner", async () => {
    const app = testApp();
    const double = app.directTask("double", async (x: number) => x * 2);
    expectTypeOf(double).parameters.toEqualTypeOf<[number]>();
    expectTypeOf(double).returns.toEqualTypeOf<Promise<number>>();
    const typeErrors = () => {
      // @ts-expect-error a string where a number is expected
      void double("2");
      // @ts-expect-error the result is a number, not a string
      const wrong: Promise<string> = double(2);
      void wrong;
    };
    void typeErrors;
    assert.equal(double.name, "double");
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => double(21)), 42);
    assert.equal(tracked.ids.length, 1, "the call went through an invocation");
    const [history] = await histories(app, tracked.ids);
    assert.deepEqual(
      history!.map((h) => h.status),
      [S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS],
    );
    await assertValidHistories(app, tracked.ids);
  });

  it("takes a named function and uses its name as the task id", async () => {
    const app = testApp();
    const direct = app.directTask(triple);
    expectTypeOf(direct).toEqualTypeOf<typeof triple>();
    assert.equal(direct.name, "triple");
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => direct(5)), 15);
    const invocation = await app.getInvocation(tracked.ids[0]!);
    assert.equal(invocation.task.id, "triple");
    assert.deepEqual(invocation.args, [5]);
    await assertValidHistories(app, tracked.ids);
  });

  it("is reachable by app.getTask(id) as a regular task", async () => {
    const app = testApp();
    app.directTask("double", async (x: number) => x * 2);
    const task = app.getTask("double");
    assert.equal(task.id, "double");
    assert.equal(await task.fn(4), 8);
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => task(7).result), 14);
    await assertValidHistories(app, tracked.ids);
  });

  it("pauses like a normal await inside another task (1 slot completes)", async () => {
    const app = testApp({ maxParallelSlots: 1 });
    const double = app.directTask("double", async (x: number) => x * 2);
    const parent = app.task("parent", async (x: number) => (await double(x)) + (await double(x + 1)));
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => parent(10).result), 42);
    assert.equal(tracked.ids.length, 3);
    const [p, ...children] = await histories(app, tracked.ids);
    assert.equal(p!.filter((h) => h.status === S.PAUSED).length, 2);
    for (const child of children) assert.equal(child.at(-1)?.status, S.SUCCESS);
    await assertValidHistories(app, tracked.ids);
  });

  it("re-throws errors with their class", async () => {
    const app = testApp();
    app.registerClass(QuotaError);
    const builtin = app.directTask("builtin", async (x: number): Promise<number> => {
      throw new RangeError(`bad ${x}`);
    });
    const custom = app.directTask("custom", async (quota: number): Promise<number> => {
      throw new QuotaError(quota);
    });
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      await assert.rejects(builtin(3), (e: unknown) => e instanceof RangeError && e.message === "bad 3");
      await assert.rejects(
        custom(7),
        (e: unknown) => e instanceof QuotaError && e.quota === 7 && e.message === "quota 7 exceeded",
      );
    });
    for (const history of await histories(app, tracked.ids)) assert.equal(history.at(-1)?.status, S.FAILED);
    await assertValidHistories(app, tracked.ids);
  });

  it("works without a runner in devModeForceSyncTasks", async () => {
    const app = testApp({ devModeForceSyncTasks: true });
    const double = app.directTask("double", async (x: number) => x * 2);
    const parent = app.directTask("parent", async (x: number) => (await double(x)) + 1);
    const failing = app.directTask("failing", async (): Promise<void> => {
      throw new TypeError("nope");
    });
    assert.equal(await double(4), 8);
    assert.equal(await parent(4), 9);
    await assert.rejects(failing(), TypeError);
    assert.equal(app.runner.running, false);
  });
});

describe("task options validation at app.task", () => {
  const noop = async () => undefined;

  it("rejects retryFor given as a string, naming retryFor and the task", () => {
    const app = testApp();
    assert.throws(
      () => app.task("t", noop, { retryFor: "TypeError" as never, maxRetries: 3 }),
      (e: unknown) =>
        e instanceof ConfigError && /retryFor of task "t"/.test(e.message) && /array/.test(e.message),
    );
    assert.throws(() => app.getTask("t"), UnknownTaskError, "a rejected task is not registered");
  });

  it("rejects retryFor with maxRetries 0, saying to set maxRetries", () => {
    const app = testApp();
    for (const options of [{ retryFor: [TypeError] }, { retryFor: [TypeError], maxRetries: 0 }]) {
      assert.throws(
        () => app.task("t", noop, options),
        (e: unknown) =>
          e instanceof ConfigError && /retryFor/.test(e.message) && /set maxRetries/.test(e.message),
      );
    }
    assert.doesNotThrow(() => app.task("ok", noop, { retryFor: [TypeError], maxRetries: 1 }));
  });

  it("rejects retryMaxDelayMs below retryDelayMs", () => {
    const app = testApp();
    assert.throws(
      () => app.task("t", noop, { maxRetries: 2, retryDelayMs: 1000, retryMaxDelayMs: 500 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /retryMaxDelayMs of task "t" \(500\)/.test(e.message) &&
        /retryDelayMs \(1000\)/.test(e.message),
    );
    assert.doesNotThrow(() => app.task("equal", noop, { retryDelayMs: 500, retryMaxDelayMs: 500 }));
  });

  it("rejects an unknown option that looks like a typo, suggesting the setting", () => {
    const app = testApp();
    assert.throws(
      () => app.task("t", noop, { maxRetry: 3 } as never),
      (e: unknown) =>
        e instanceof ConfigError &&
        /Unknown setting "maxRetry"/.test(e.message) &&
        /did you mean maxRetries\?/.test(e.message),
    );
  });

  it("validates directTask options the same way", () => {
    const app = testApp();
    assert.throws(() => app.directTask("d", noop, { retryFor: [TypeError] }), ConfigError);
    assert.throws(() => app.directTask("d", noop, { maxRetry: 3 } as never), /did you mean maxRetries/);
  });
});
