import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  CancelledError,
  InvocationKilledError,
  InvocationStatus as S,
  isFinal,
  Tynenc,
  type Invocation,
} from "../../src/index.js";
import {
  assertValidHistories,
  histories,
  maxConcurrentRunning,
  trackInvocations,
  waitForStatus,
  waitUntil,
} from "../../src/testing/index.js";
import { memoryBackend } from "../../src/backends/memory/index.js";
import type { ThreadRunner } from "../../src/runner/thread-runner.js";
import { asyncBackend } from "../async-backend.js";
import { captureLogger, inProcessBackendOnly, testApp, withRunner } from "../helpers.js";

/** A task that waits `ms` on a timer, ending early (and saying so) when its signal aborts. */
function abortableWait(app: Tynenc, seen: { reason?: unknown; settled?: boolean }) {
  return app.task("abortableWait", async (ms: number) => {
    const { signal } = app.context()!;
    try {
      await sleep(ms, undefined, { signal });
      return "slept";
    } catch (error) {
      seen.reason = signal.reason;
      throw error;
    } finally {
      seen.settled = true;
    }
  });
}

const statuses = async (inv: Invocation<unknown>) => (await inv.history()).map((h) => h.status);

describe("stop() and what it kills", () => {
  it("aborts the signal of every invocation it kills, with an error saying the runner stopped", async () => {
    const app = testApp({ stopGraceMs: 100 });
    const seen: { reason?: unknown; settled?: boolean } = {};
    const wait = abortableWait(app, seen);
    const tracked = trackInvocations(app);
    const loop = app.runner.run();
    const inv = wait(5_000);
    await waitForStatus(app, inv, S.RUNNING);
    await app.runner.stop();
    await loop;
    assert.ok(seen.reason instanceof InvocationKilledError, `reason: ${String(seen.reason)}`);
    assert.match((seen.reason as Error).message, /runner .* stopped/i);
    assert.equal(seen.settled, true, "the killed task has settled when stop() resolves");
    // What it returned (here: threw) after the kill is discarded: it stays rerouted for the next run.
    assert.equal(await inv.status(), S.REROUTED);
    assert.deepEqual((await statuses(inv)).slice(-2), [S.KILLED, S.REROUTED]);
    await assertValidHistories(app, tracked.ids);
  });

  it("ends the grace period at once when it is cut short before the drain began", async () => {
    const app = testApp({ stopGraceMs: 60_000 });
    const seen: { reason?: unknown; settled?: boolean } = {};
    const wait = abortableWait(app, seen);
    const loop = app.runner.run();
    const inv = wait(60_000);
    await waitForStatus(app, inv, S.RUNNING);
    const stopping = app.runner.stop();
    // As a pool worker gets its `stopNow` right behind its `stop`: before the stop reached its drain.
    (app.runner as ThreadRunner).endGrace();
    const first = await Promise.race([
      stopping.then(() => "stopped"),
      sleep(10_000).then(() => "still in the 60 s grace period"),
    ]);
    assert.equal(first, "stopped");
    await loop;
    assert.ok(seen.reason instanceof InvocationKilledError, `reason: ${String(seen.reason)}`);
    assert.equal(await inv.status(), S.REROUTED);
  });

  it("aborts paused invocations it kills too", async () => {
    const app = testApp({ stopGraceMs: 50, maxParallelSlots: 2 });
    const seen: { reason?: unknown } = {};
    const wait = abortableWait(app, {});
    const parent = app.task("parent", async () => {
      const { signal } = app.context()!;
      signal.addEventListener("abort", () => (seen.reason = signal.reason));
      return wait(5_000).result;
    });
    const loop = app.runner.run();
    const inv = parent();
    await waitForStatus(app, inv, S.PAUSED);
    await app.runner.stop();
    await loop;
    assert.ok(seen.reason instanceof InvocationKilledError);
    assert.equal(await inv.status(), S.REROUTED);
  });
});

describe("the last runner stops with work left", () => {
  it(
    "warns naming what it rerouted, and the work runs when a runner starts again",
    inProcessBackendOnly(),
    async () => {
      const logger = captureLogger();
      const app = testApp({ stopGraceMs: 10, logger, loggingLevel: "warn" });
      const seen: { reason?: unknown } = {};
      const wait = abortableWait(app, seen);
      let loop = app.runner.run();
      const inv = wait(60_000);
      await waitForStatus(app, inv, S.RUNNING);
      await app.runner.stop();
      await loop;
      const warning = logger.lines.find((l) => /no runner of this process is left/.test(l.msg));
      assert.ok(warning, logger.lines.map((l) => l.msg).join("\n"));
      assert.match(warning.msg, new RegExp(inv.id));
      assert.match(warning.msg, /run when app\.runner\.run\(\) starts again/);
      loop = app.runner.run();
      await waitForStatus(app, inv, S.RUNNING);
      await inv.cancel();
      await assert.rejects(inv.result, CancelledError);
      await app.runner.stop();
      await loop;
    },
  );
});

describe("code of an ended invocation", () => {
  it("calls no more tasks: the call throws the reason it ended", async () => {
    const app = testApp();
    let resume!: () => void;
    const gate = new Promise<void>((resolve) => (resume = resolve));
    let callError: unknown;
    const child = app.task("child", async () => 1);
    const parent = app.task("parent", async () => {
      await gate; // ignores its signal
      try {
        child();
      } catch (error) {
        callError = error;
      }
    });
    const tracked = trackInvocations(app);
    const loop = app.runner.run();
    try {
      const inv = parent();
      await waitForStatus(app, inv, S.RUNNING);
      await inv.cancel();
      await assert.rejects(inv.result, CancelledError);
      resume();
      await gate;
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(callError instanceof CancelledError, `the call threw ${String(callError)}`);
      assert.deepEqual(tracked.ids, [inv.id], "no child was registered");
    } finally {
      resume();
      await app.runner.stop();
      await loop;
    }
  });
});

describe("cancel while the runner stops", () => {
  it("a cancel during the grace period ends the invocation CANCELLED", async () => {
    const app = testApp({ stopGraceMs: 5_000 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const blocked = app.task("blocked", async () => {
      await gate;
      return "done";
    });
    const tracked = trackInvocations(app);
    const loop = app.runner.run();
    const inv = blocked();
    await waitForStatus(app, inv, S.RUNNING);
    const stopping = app.runner.stop();
    assert.equal(await inv.cancel(), true);
    release();
    await stopping;
    await loop;
    assert.equal(await inv.status(), S.CANCELLED);
    await assert.rejects(inv.result, CancelledError);
    await assertValidHistories(app, tracked.ids);
  });

  it("a cancel that outlives the grace period is not rerouted to run again", async () => {
    const app = testApp({ stopGraceMs: 20 });
    let runs = 0;
    const stubborn = app.task("stubborn", async () => {
      runs++;
      await new Promise(() => {}); // ignores its signal
    });
    const tracked = trackInvocations(app);
    const loop = app.runner.run();
    const inv = stubborn();
    await waitForStatus(app, inv, S.RUNNING);
    const stopping = app.runner.stop();
    const cancelled = inv.cancel();
    await stopping;
    await loop;
    assert.equal(await cancelled, true);
    assert.equal(await inv.status(), S.CANCELLED);
    const again = app.runner.run();
    await app.runner.stop();
    await again;
    assert.equal(runs, 1, "a cancelled invocation never runs again");
    await assertValidHistories(app, tracked.ids);
  });
});

describe("restart while killed code still runs", () => {
  it("the killed attempt settling late leaves the new attempt in the runner's hands", async () => {
    const app = testApp({ stopGraceMs: 5, maxParallelSlots: 1 });
    let attempt = 0;
    let settleFirst!: () => void;
    const firstMayEnd = new Promise<void>((resolve) => (settleFirst = resolve));
    let firstEnded!: () => void;
    const firstHasEnded = new Promise<void>((resolve) => (firstEnded = resolve));
    let secondStarted!: () => void;
    const secondHasStarted = new Promise<void>((resolve) => (secondStarted = resolve));
    let secondMayEnd!: () => void;
    const secondGate = new Promise<void>((resolve) => (secondMayEnd = resolve));
    const slow = app.task("slow", async () => {
      const mine = ++attempt;
      if (mine === 1) {
        await firstMayEnd; // ignores its signal: killed code that runs on
        firstEnded();
      } else {
        secondStarted();
        await secondGate;
      }
      return mine;
    });
    const other = app.task("other", async () => "other");
    const tracked = trackInvocations(app);
    let loop = app.runner.run();
    const inv = slow();
    await waitForStatus(app, inv, S.RUNNING);
    await app.runner.stop();
    await loop;
    loop = app.runner.run();
    await secondHasStarted;
    settleFirst();
    await firstHasEnded;
    await new Promise((resolve) => setImmediate(resolve)); // its settlement has been handled
    await app.runner.stop();
    await loop;
    assert.equal(await inv.status(), S.REROUTED, "the next stop kills and reroutes the second attempt");
    // Run again: the third attempt and `other` share the one slot, never RUNNING together.
    loop = app.runner.run();
    secondMayEnd();
    assert.equal(await inv.result, 3);
    assert.equal(await other().result, "other");
    await app.runner.stop();
    await loop;
    const all = await histories(app, tracked.ids);
    assert.ok(maxConcurrentRunning(all) <= 1);
    await assertValidHistories(app, tracked.ids);
  });
});

describe("a cancel while a task sets up its wait", () => {
  it("neither leaks an internal error into the task nor leaves a stale wait edge", async () => {
    const logger = captureLogger();
    const app = testApp({ maxParallelSlots: 3, logger, loggingLevel: "debug" });
    let childGate!: () => void;
    const childMayEnd = new Promise<void>((resolve) => (childGate = resolve));
    const child = app.task("child", async () => {
      await childMayEnd;
      return 1;
    });
    const other = app.task("other", async () => 2);
    const seenInMe: unknown[] = [];
    let childId = "";
    const me = app.task("me", async () => {
      const c = child();
      childId = c.id;
      await sleep(1);
      void app.currentInvocation()!.cancel();
      const w = c.result.then(
        (v) => seenInMe.push(v),
        (e: unknown) => seenInMe.push(e),
      );
      other();
      await w;
      return 0;
    });
    const tracked = trackInvocations(app);
    const loop = app.runner.run();
    try {
      const inv = me();
      await assert.rejects(inv.result, CancelledError);
      assert.deepEqual(
        seenInMe.filter((e) => e instanceof Error && !(e instanceof CancelledError)),
        [],
        "no internal error reaches the task's await",
      );
      // The child's only waiter is gone: the wait graph holds no edge from the cancelled invocation.
      const waiters = await app.backend.orchestratorStore.waitersOf([childId]);
      assert.deepEqual(waiters.get(childId) ?? [], [], "no stale wait edge on the child");
      // The child ends either way: cancelled with its only waiter (when the wait was recorded before the
      // cancel cascaded), or run to its end (when the cancel came first: it was not waited for yet).
      childGate();
      const childInv = await app.getInvocation(childId);
      await waitUntil(app, async () => isFinal(await childInv.status()), "the child is final");
      assert.deepEqual(
        logger.lines.filter((l) => l.level === "warn").map((l) => l.msg),
        [],
        "no spurious warning",
      );
      await assertValidHistories(app, tracked.ids);
    } finally {
      childGate();
      await app.runner.stop();
      await loop;
    }
  });
});

describe("cancel while the store resumes an invocation", () => {
  it("the cancelled one keeps its slot until its end is recorded: no other resumed one takes it", async () => {
    // Found by the engine stress on Redis (3 RUNNING on 2 slots): the store moved a resumed one to
    // RUNNING on the last free slot while a cancel ended it here, and the runner went on handing the
    // next resumed ones slots there were not. An asynchronous store; 3 slots: two busy tasks and a
    // blocker that three parents pause on; the first parent's resume is answered only after its cancel
    // took effect here, and its end is recorded a while after that.
    const inner = memoryBackend();
    const logger = captureLogger();
    const app = new Tynenc({
      appId: "resume-cancel",
      backend: asyncBackend(inner),
      maxParallelSlots: 3,
      loggingLevel: "info",
      logger,
    });
    try {
      const gate = () => {
        let open!: () => void;
        const closed = new Promise<void>((resolve) => (open = resolve));
        return { closed, open };
      };
      const blocking = gate();
      const busyGate = gate();
      const busy = app.task("busy", async (n: number) => {
        await busyGate.closed;
        return n;
      });
      const blocker = app.task("blocker", async () => {
        await blocking.closed;
        return 1;
      });
      const parent = app.task("parent", async (blockerId: string) => {
        const awaited = await app.getInvocation<number>(blockerId);
        return (await awaited.result) + 1;
      });
      const tracked = trackInvocations(app);
      const store = inner.orchestratorStore;
      const resume = store.resume.bind(store);
      const setOutcome = inner.stateBackend.setOutcome.bind(inner.stateBackend);
      let first = "";
      let answered: Promise<void> | undefined;
      store.resume = async (id: string, runnerId: string, at: number) => {
        const record = resume(id, runnerId, at); // RUNNING in the store
        if (id !== first || answered) return record;
        let done!: () => void;
        answered = new Promise((resolve) => (done = resolve));
        await (await app.getInvocation(id)).cancel();
        // No status changes while the store holds this answer: look after every macrotask instead.
        const started = Date.now();
        while (!logger.lines.some((l) => /^CANCELLED/.test(l.msg))) {
          assert.ok(Date.now() - started < 5000, "the cancel reaches the runner");
          await new Promise((resolve) => setImmediate(resolve));
        }
        setTimeout(done, 100); // its end is recorded a while after this answer
        return record;
      };
      inner.stateBackend.setOutcome = async (...args: Parameters<typeof setOutcome>) => {
        if (args[0] === first) await answered;
        return setOutcome(...args);
      };
      await withRunner(app, async () => {
        const busyOne = busy(1);
        await waitForStatus(app, busyOne, S.RUNNING);
        const held = blocker();
        await waitForStatus(app, held, S.RUNNING);
        const parents: Invocation<number>[] = [];
        for (let i = 0; i < 3; i++) {
          const p = parent(held.id);
          await waitForStatus(app, p, S.PAUSED); // one at a time: the oldest pause resumes first
          parents.push(p);
        }
        const busyTwo = busy(2);
        await waitForStatus(app, busyTwo, S.RUNNING); // now the blocker's is the one free slot to come
        first = parents[0]!.id;
        blocking.open();
        await assert.rejects(parents[0]!.result, CancelledError);
        busyGate.open();
        assert.deepEqual(await Promise.all(parents.slice(1).map((p) => p.result)), [2, 2]);
        assert.deepEqual(await Promise.all([busyOne.result, busyTwo.result]), [1, 2]);
      });
      const all = await histories(app, tracked.ids);
      assert.equal(maxConcurrentRunning(all), 3, "never more RUNNING than the 3 slots");
      await assertValidHistories(app, tracked.ids);
    } finally {
      await app.close();
    }
  });
});
