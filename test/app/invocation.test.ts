import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Invocation, InvocationNotFoundError, InvocationStatus as S } from "../../src/index.js";
import { assertValidHistories, trackInvocations, waitForStatus } from "../../src/testing/index.js";
import { testApp, withRunner } from "../helpers.js";

class MyError extends Error {
  extra: { code: number; tags: string[] } | undefined;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MyError";
  }
}

class UnregisteredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnregisteredError";
  }
}

describe("the invocation handle", () => {
  it("returns the same result promise on every read", async () => {
    const app = testApp();
    const one = app.task("one", async () => 1);
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const invocation = one();
      const first = invocation.result;
      assert.equal(invocation.result, first);
      assert.equal(await first, 1);
      assert.equal(invocation.result, first);
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("gives the result of an invocation that already succeeded at once, and a parent awaiting it does not pause", async () => {
    const app = testApp();
    const one = app.task("one", async () => 1);
    const parent = app.task("parent", async (id: string) => (await app.getInvocation<number>(id)).result);
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const done = one();
      await waitForStatus(app, done, S.SUCCESS);
      const result = done.result;
      assert.equal(done.result, result, "the same promise on every read");
      assert.equal(await result, 1);
      const p = parent(done.id);
      assert.equal(await p.result, 1);
      assert.ok(!(await p.history()).some((h) => h.status === S.PAUSED), "nothing to wait for");
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("exposes status() and an ordered history() from the main program", async () => {
    const app = testApp();
    const one = app.task("one", async () => 1);
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const invocation = one();
      assert.equal(await invocation.result, 1);
      assert.equal(await invocation.status(), S.SUCCESS);
      const history = await invocation.history();
      assert.deepEqual(
        history.map((h) => h.status),
        [S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS],
      );
      for (const entry of history) {
        assert.deepEqual(Object.keys(entry).sort(), ["at", "runnerId", "seq", "status"]);
        assert.equal(typeof entry.at, "number");
        assert.equal(typeof entry.seq, "number");
      }
      for (let i = 1; i < history.length; i++) {
        assert.ok(history[i]!.seq > history[i - 1]!.seq, "seq grows");
        assert.ok(history[i]!.at >= history[i - 1]!.at, "at never goes back");
      }
      assert.equal(history[0]!.runnerId, null, "registered from the main program, not by a runner");
      for (const entry of history.slice(1)) assert.equal(entry.runnerId, app.runner.id);
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("reports REGISTERED before any runner claims it", async () => {
    const app = testApp();
    const one = app.task("one", async () => 1);
    const tracked = trackInvocations(app);
    const invocation = one();
    assert.equal(await invocation.status(), S.REGISTERED);
    assert.deepEqual(
      (await invocation.history()).map((h) => h.status),
      [S.REGISTERED],
    );
    assert.equal(await withRunner(app, () => invocation.result), 1);
    await assertValidHistories(app, tracked.ids);
  });

  it("has parent null in the main program and the parent's handle for a child", async () => {
    const app = testApp();
    const child = app.task("child", async (x: number) => {
      const me = app.currentInvocation()!;
      return { me: me.id, parent: me.parent?.id ?? null, parentTask: me.parent?.task.id ?? null, x };
    });
    const parent = app.task("parent", async () => {
      const me = app.currentInvocation()!;
      const c = child(7);
      assert.ok(c.parent instanceof Invocation);
      return { me: me.id, childId: c.id, handleParent: c.parent.id, fromChild: await c.result };
    });
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const top = parent();
      assert.equal(top.parent, null);
      const seen = await top.result;
      assert.equal(seen.me, top.id);
      assert.equal(seen.handleParent, top.id, "the handle made by the call knows its parent");
      assert.equal(seen.fromChild.parent, top.id, "the child sees its parent while it runs");
      assert.equal(seen.fromChild.parentTask, "parent");
      assert.equal(seen.fromChild.me, seen.childId);
      assert.equal(seen.fromChild.x, 7);
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("keeps the call's arguments in invocation.args", async () => {
    const app = testApp();
    const join = app.task("join", async (a: string, b: number, c: { k: boolean }) => `${a}${b}${c.k}`);
    const tracked = trackInvocations(app);
    const invocation = join("x", 1, { k: true });
    assert.deepEqual(invocation.args, ["x", 1, { k: true }]);
    assert.equal(await withRunner(app, () => invocation.result), "x1true");
    await assertValidHistories(app, tracked.ids);
  });

  it("app.getInvocation(id) returns a working handle with task, args and parent", async () => {
    const app = testApp();
    const child = app.task("child", async (n: number, label: string) => `${label}:${n * 2}`);
    const parent = app.task("parent", async () => {
      const c = child(21, "answer");
      await c.result;
      return c.id;
    });
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const top = parent();
      const childId = await top.result;
      const found = await app.getInvocation<string>(childId);
      assert.equal(found.id, childId);
      assert.equal(found.task.id, "child");
      assert.deepEqual(found.args, [21, "answer"]);
      assert.equal(found.parent?.id, top.id);
      assert.equal(found.parent?.task.id, "parent");
      assert.equal(await found.result, "answer:42");
      assert.equal(await found.status(), S.SUCCESS);
      const again = await app.getInvocation(top.id);
      assert.equal(again.parent, null);
      assert.equal(await again.result, childId);
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("app.getInvocation(id) works for an invocation that has not run yet", async () => {
    const app = testApp();
    const one = app.task("one", async (n: number) => n + 1);
    const tracked = trackInvocations(app);
    const invocation = one(1);
    const found = await app.getInvocation<number>(invocation.id);
    assert.equal(await found.status(), S.REGISTERED);
    assert.equal(await withRunner(app, () => found.result), 2);
    await assertValidHistories(app, tracked.ids);
  });

  it("app.getInvocation(unknown id) rejects with InvocationNotFoundError naming the id", async () => {
    const app = testApp();
    app.task("one", async () => 1);
    await assert.rejects(app.getInvocation("no-such-invocation"), (error: unknown) => {
      assert.ok(error instanceof InvocationNotFoundError, `got ${String(error)}`);
      assert.match(error.message, /no-such-invocation/);
      return true;
    });
  });
});

describe("error propagation", () => {
  it("lets a failing result be read and never awaited, or awaited only inside a task, without an unhandled rejection; a late await still rejects", async () => {
    const app = testApp();
    const fails = app.task("fails", async (): Promise<number> => {
      throw new Error("nobody listens");
    });
    // Its child's result is settled with the error inside the task only: no one awaits it outside.
    const catches = app.task("catches", async (): Promise<string> => {
      try {
        return String(await fails().result);
      } catch (error) {
        return (error as Error).message;
      }
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const tracked = trackInvocations(app);
      await withRunner(app, async () => {
        const ignored = fails();
        void ignored.result; // read, never awaited
        const late = fails();
        const lateResult = late.result;
        await waitForStatus(app, ignored, S.FAILED);
        await waitForStatus(app, late, S.FAILED);
        assert.equal(await catches().result, "nobody listens");
        await new Promise((resolve) => setImmediate(resolve)); // let unhandled rejections surface
        await assert.rejects(lateResult, /nobody listens/);
      });
      await assertValidHistories(app, tracked.ids);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("re-throws a registered error class with message, stack, cause and extra properties, up to the main program", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    app.registerClass(MyError);
    const child = app.task("child", async function explodingChild(): Promise<number> {
      const error = new MyError("child exploded", { cause: new Error("root cause") });
      error.extra = { code: 7, tags: ["a", "b"] };
      throw error;
    });
    const seenInParent: unknown[] = [];
    const parent = app.task("parent", async (): Promise<number> => {
      try {
        return await child().result;
      } catch (error) {
        seenInParent.push(error);
        throw error;
      }
    });
    const tracked = trackInvocations(app);
    const top = parent();
    const inMain = await withRunner(app, () =>
      top.result.then(
        () => undefined,
        (e: unknown) => e,
      ),
    );

    assert.equal(seenInParent.length, 1);
    for (const [where, error] of [
      ["parent", seenInParent[0]],
      ["main", inMain],
    ] as const) {
      assert.ok(error instanceof MyError, `${where}: got ${String(error)}`);
      assert.equal(error.name, "MyError", where);
      assert.equal(error.message, "child exploded", where);
      assert.ok(error.stack?.includes("explodingChild"), `${where}: stack ${error.stack}`);
      assert.ok(error.stack?.includes("invocation.test.ts"), `${where}: stack ${error.stack}`);
      assert.ok(error.cause instanceof Error, `${where}: cause ${String(error.cause)}`);
      assert.equal(error.cause.message, "root cause", where);
      assert.deepEqual(error.extra, { code: 7, tags: ["a", "b"] }, where);
    }
    assert.equal(await top.status(), S.FAILED);
    await assertValidHistories(app, tracked.ids);
    for (const id of tracked.ids) {
      const handle = await app.getInvocation(id);
      assert.equal(await handle.status(), S.FAILED);
    }
  });

  it("returns an unregistered custom error as an Error carrying the original class name", async () => {
    const app = testApp();
    const fails = app.task("fails", async () => {
      throw new UnregisteredError("not known here");
    });
    const tracked = trackInvocations(app);
    const error = await withRunner(app, () =>
      fails().result.then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    assert.ok(error instanceof Error, `got ${String(error)}`);
    assert.ok(!(error instanceof UnregisteredError), "an unregistered class cannot be rebuilt");
    assert.equal(error.name, "UnregisteredError");
    assert.equal(error.message, "not known here");
    await assertValidHistories(app, tracked.ids);
  });

  it("returns a built-in TypeError as a TypeError", async () => {
    const app = testApp();
    const fails = app.task("fails", async () => {
      throw new TypeError("wrong type");
    });
    const tracked = trackInvocations(app);
    const error = await withRunner(app, () =>
      fails().result.then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    assert.ok(error instanceof TypeError, `got ${String(error)}`);
    assert.equal(error.name, "TypeError");
    assert.equal(error.message, "wrong type");
    await assertValidHistories(app, tracked.ids);
  });

  it("keeps a cause chain two levels deep", async () => {
    const app = testApp();
    const fails = app.task("fails", async () => {
      throw new Error("top", { cause: new RangeError("middle", { cause: new Error("bottom") }) });
    });
    const tracked = trackInvocations(app);
    const error = await withRunner(app, () =>
      fails().result.then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    assert.ok(error instanceof Error);
    const middle = error.cause;
    assert.ok(middle instanceof RangeError, `got ${String(middle)}`);
    assert.equal(middle.message, "middle");
    assert.ok(middle.cause instanceof Error);
    assert.equal(middle.cause.message, "bottom");
    await assertValidHistories(app, tracked.ids);
  });
});

describe("values through a runner", () => {
  it("round-trips Date, BigInt, Map, Set, undefined and Uint8Array arguments and results", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    const echo = app.task("echo", async (...args: unknown[]) => args);
    const inspect = app.task(
      "inspect",
      async (
        date: Date,
        big: bigint,
        map: Map<string, Set<number>>,
        nothing: undefined,
        bytes: Uint8Array,
      ) => ({
        date: date instanceof Date && date.getTime() === 86_400_000,
        big: typeof big === "bigint" && big === 2n ** 100n,
        map: map instanceof Map && map.get("k") instanceof Set && map.get("k")!.has(3),
        nothing: nothing === undefined,
        bytes: bytes instanceof Uint8Array && bytes.length === 3 && bytes[2] === 255,
      }),
    );
    const values = [
      new Date(86_400_000),
      2n ** 100n,
      new Map<string, Set<number>>([["k", new Set([1, 3])]]),
      undefined,
      new Uint8Array([0, 128, 255]),
      new Set(["x", "y"]),
      { nested: { when: new Date(0), missing: undefined, n: -1n } },
    ];
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const returned = await echo(...values).result;
      assert.deepEqual(returned, values);
      assert.ok(returned[0] instanceof Date);
      assert.equal(typeof returned[1], "bigint");
      assert.ok(returned[2] instanceof Map);
      assert.ok(returned[5] instanceof Set);
      assert.ok(returned[4] instanceof Uint8Array);
      assert.ok("missing" in (returned[6] as { nested: object }).nested, "undefined properties are kept");
      const checked = await inspect(
        new Date(86_400_000),
        2n ** 100n,
        new Map([["k", new Set([3])]]),
        undefined,
        new Uint8Array([1, 2, 255]),
      ).result;
      assert.deepEqual(checked, { date: true, big: true, map: true, nothing: true, bytes: true });
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("passes special values between a parent and its child task", async () => {
    const app = testApp();
    const child = app.task(
      "child",
      async (when: Date, count: bigint) => new Map([[when.toISOString(), count + 1n]]),
    );
    const parent = app.task("parent", async () => {
      const map = await child(new Date(0), 41n).result;
      return map instanceof Map ? map.get(new Date(0).toISOString()) : "not a map";
    });
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => parent().result), 42n);
    await assertValidHistories(app, tracked.ids);
  });
});
