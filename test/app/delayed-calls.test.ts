/**
 * Delayed calls: `task.with({ delayMs })(...)` and `task.with({ runAt })(...)` register at once and are
 * not claimed before their due time, whoever claims them: the queue, or a runner that finds them waited
 * on by a paused task. Every test asserts "not before due" and "eventually runs", never an upper bound.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CallOptionsError, CancelledError, InvocationStatus as S, type Invocation } from "../../src/index.js";
import { assertValidHistories, trackInvocations, waitForStatus } from "../../src/testing/index.js";
import { firstAt, needsImmediateBackend, testApp, thrown, withRunner } from "../helpers.js";

async function assertNotBefore(invocation: Invocation<unknown>, dueAt: number): Promise<void> {
  const history = await invocation.history();
  const claimedAt = firstAt(history, S.PENDING);
  if (claimedAt < dueAt) {
    const { id } = await invocation.registered;
    assert.fail(
      `${id} claimed ${dueAt - claimedAt} ms before its due time ${dueAt}: ${JSON.stringify(history)}`,
    );
  }
  assert.ok(firstAt(history, S.RUNNING) >= dueAt, "ran before its due time");
}

/**
 * Asserts that `invocation` is still REGISTERED, when the read answered before its due time (a loaded
 * machine may answer later, when a claim is right: assertNotBefore checks that one from the history).
 */
async function assertHeldBack(invocation: Invocation<unknown>, dueAt: number, what: string): Promise<void> {
  const status = await invocation.status();
  if (Date.now() < dueAt) assert.equal(status, S.REGISTERED, what);
}

async function dueAtOf(app: ReturnType<typeof testApp>, id: string): Promise<number | undefined> {
  return (await app.backend.stateBackend.getInvocation(id))?.dueAt;
}

describe("delayed calls", () => {
  it("task.with({ delayMs }) registers at once, records its due time, and runs only once due", async () => {
    const app = testApp();
    const add = app.task("add", async (a: number, b: number) => a + b);
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const before = Date.now();
      const invocation = add.with({ delayMs: 1000 })(1, 2);
      await invocation.registered;
      const dueAt = await dueAtOf(app, invocation.id);
      assert.ok(dueAt !== undefined && dueAt >= before + 1000, `due time recorded: ${dueAt}`);
      await assertHeldBack(invocation, dueAt, "just registered");
      const shown = await app.getInvocation(invocation.id);
      await assertHeldBack(shown, dueAt, "read by id");
      // A normal call made after it runs first: the delayed one waits for its time, not for a slot.
      assert.equal(await add(5, 5).result, 10);
      await assertHeldBack(invocation, dueAt, "after a later call ran");
      assert.equal(await invocation.result, 3);
      await assertNotBefore(invocation, dueAt);
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("task.with({ runAt }) runs once that time has passed", async () => {
    const app = testApp();
    const echo = app.task("echo", async (value: string) => value);
    const runAt = new Date(Date.now() + 250);
    await withRunner(app, async () => {
      const invocation = echo.with({ runAt })("later");
      await invocation.registered;
      assert.equal(await dueAtOf(app, invocation.id), runAt.getTime());
      assert.equal(await invocation.result, "later");
      await assertNotBefore(invocation, runAt.getTime());
    });
  });

  it("a task awaiting a delayed child pauses, and no runner claims the child before its time", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    const add = app.task("add", async (a: number, b: number) => a + b);
    let childDueAt = 0;
    let child: Invocation<number> | undefined;
    const parent = app.task("parent", async (): Promise<number> => {
      childDueAt = Date.now() + 300;
      child = add.with({ runAt: new Date(childDueAt) })(20, 22);
      return (await child.result) + 1;
    });
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const invocation = parent();
      // Paused with a free slot and its child waited on: only the due time holds the child back.
      await waitForStatus(app, invocation, S.PAUSED);
      assert.equal(await invocation.result, 43);
    });
    assert.ok(child);
    await assertNotBefore(child, childDueAt);
    await assertValidHistories(app, tracked.ids);
  });

  it("a delayed child in the wait graph does not hold back other waited-on work", async () => {
    const app = testApp({ maxParallelSlots: 1 });
    const echo = app.task("echo", async (value: string) => value);
    const handles = new Map<string, Invocation<string>>();
    const awaitChild = app.task("await-child", async (label: string, delayMs: number): Promise<string> => {
      const child = echo.with({ delayMs })(label);
      handles.set(label, child);
      return child.result;
    });
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      // Queued in this order: the first pauses on a delayed child, the second on a plain one.
      const delayedParent = awaitChild("delayed", 400);
      const plainParent = awaitChild("plain", 0);
      const others = [echo("x1"), echo("x2"), echo("x3")];
      assert.deepEqual(await Promise.all([plainParent.result, ...others.map((o) => o.result)]), [
        "plain",
        "x1",
        "x2",
        "x3",
      ]);
      assert.equal(await delayedParent.result, "delayed");
      const running = async (invocation: Invocation<string>) =>
        (await invocation.history()).find((h) => h.status === S.RUNNING)!.seq;
      // Waited on, so before the queue's x1..x3, although the delayed child ranks first in the graph.
      assert.ok((await running(handles.get("plain")!)) < (await running(others[0]!)), "waited-on first");
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("cancel() before the due time: CANCELLED, never claimed, also after the time has passed", async () => {
    const app = testApp();
    let ran = 0;
    const task = app.task("task", async (label: string) => {
      ran++;
      return label;
    });
    await withRunner(app, async () => {
      // Due far enough ahead that even a loaded machine cancels it before a runner may claim it.
      const delayed = task.with({ delayMs: 1000 })("cancelled");
      await delayed.registered;
      assert.equal(await delayed.cancel(), true);
      assert.equal(await delayed.status(), S.CANCELLED);
      await assert.rejects(delayed.result, CancelledError);
      // Due later than the cancelled one: once it ran, the cancelled one's time had passed too.
      assert.equal(await task.with({ delayMs: 1200 })("later").result, "later");
      assert.equal(ran, 1);
      assert.deepEqual(
        (await delayed.history()).map((h) => h.status),
        [S.REGISTERED, S.CANCELLED],
      );
    });
  });

  it("delayMs: 0 and a runAt in the past are normal calls", async () => {
    const app = testApp();
    const echo = app.task("echo", async (value: number) => value);
    await withRunner(app, async () => {
      const zero = echo.with({ delayMs: 0 })(1);
      const past = echo.with({ runAt: new Date(Date.now() - 60_000) })(2);
      const none = echo.with({})(3);
      assert.deepEqual(await Promise.all([zero.result, past.result, none.result]), [1, 2, 3]);
      for (const invocation of [zero, past, none]) assert.equal(await dueAtOf(app, invocation.id), undefined);
    });
  });

  it("each call of one task.with(...) gets its own due time; parallelize delays the whole group", async () => {
    const app = testApp({ maxParallelSlots: 4 });
    const square = app.task("square", async (n: number) => n * n);
    const later = square.with({ delayMs: 200 });
    await withRunner(app, async () => {
      const before = Date.now();
      const group = later.parallelize([[1], [2], [3]]);
      assert.deepEqual(await group.results(), [1, 4, 9]);
      for (const invocation of group) await assertNotBefore(invocation, before + 200);
      const start = Date.now();
      const again = later(4);
      assert.equal(await again.result, 16);
      await assertNotBefore(again, start + 200);
    });
  });

  it("rejects bad options at task.with(...), naming the option, and registers nothing", async () => {
    const app = testApp();
    const task = app.task("task", async (n: number) => n);
    const tracked = trackInvocations(app);
    const cases: [unknown, RegExp][] = [
      [{ delayMs: -1 }, /delayMs must be a finite number of milliseconds, 0 or more, got the number -1/],
      [{ delayMs: Number.NaN }, /delayMs must be .* got the number NaN/],
      [{ delayMs: Infinity }, /delayMs must be .* got the number Infinity/],
      [{ delayMs: "5" }, /delayMs must be .* got the string "5"/],
      [{ runAt: new Date("nonsense") }, /runAt is an invalid Date/],
      [{ runAt: Date.now() }, /runAt must be a Date, got the number .*use delayMs/],
      [{ delayMs: 1, runAt: new Date() }, /give delayMs or runAt, not both/],
      [{ delay: 100 }, /unknown option "delay"; the call options are delayMs, runAt/],
      [null, /needs an options object/],
    ];
    for (const [options, message] of cases) {
      const error = thrown(() => task.with(options as never));
      assert.ok(error instanceof CallOptionsError, `${String(error)} is a CallOptionsError`);
      assert.equal(error.code, "CALL_OPTIONS_INVALID");
      assert.match(error.message, /^task\.with\(options\)/);
      assert.match(error.message, message);
    }
    await app.registrar.settled();
    assert.deepEqual(tracked.ids, []);
  });

  it(
    "registrationConcurrency: a delayed call and a normal one share the unfinished invocation, which keeps its own time",
    needsImmediateBackend(),
    async () => {
      const app = testApp();
      const job = app.task("job", async () => "done", { registrationConcurrency: "task" });
      await withRunner(app, async () => {
        const before = Date.now();
        const delayed = job.with({ delayMs: 250 })();
        const normal = job();
        assert.equal(normal.id, delayed.id);
        assert.equal(normal.reused, true);
        assert.equal(await normal.result, "done");
        await assertNotBefore(delayed, before + 250);
        // Once it ran, a delayed call finds nothing unfinished to reuse: a new invocation, delayed.
        const start = Date.now();
        const next = job.with({ delayMs: 150 })();
        assert.notEqual(next.id, delayed.id);
        assert.equal(job().id, next.id, "a normal call reuses the delayed one");
        assert.equal(await next.result, "done");
        await assertNotBefore(next, start + 150);
      });
    },
  );

  it(
    "callResultCache: a delayed call of a call that already succeeded reuses the result at once",
    needsImmediateBackend(),
    async () => {
      const app = testApp();
      let ran = 0;
      const cached = app.task("cached", async (n: number) => ++ran + n, { callResultCache: true });
      await withRunner(app, async () => {
        const first = cached(1);
        assert.equal(await first.result, 2);
        const delayed = cached.with({ delayMs: 60_000 })(1);
        assert.equal(delayed.id, first.id);
        assert.equal(await delayed.result, 2);
        assert.equal(ran, 1);
      });
    },
  );

  it("devModeForceSyncTasks runs a delayed call inline at once (options still checked)", async () => {
    const app = testApp({ devModeForceSyncTasks: true });
    const echo = app.task("echo", async (value: string) => value);
    const invocation = echo.with({ delayMs: 60_000 })("now");
    assert.equal(await invocation.result, "now");
    assert.equal(await invocation.status(), S.SUCCESS);
    assert.throws(() => echo.with({ delayMs: -5 }), CallOptionsError);
  });
});
