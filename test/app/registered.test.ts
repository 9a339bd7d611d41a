import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectTypeOf } from "expect-type";
import {
  ConcurrencyControlledError,
  Invocation,
  InvocationStatus as S,
  memoryBackend,
  RegistrationPendingError,
  type Task,
  type Tynenc,
} from "../../src/index.js";
import { assertValidHistories, trackInvocations } from "../../src/testing/index.js";
import { asyncBackend } from "../async-backend.js";
import { testApp, thrown, withRunner } from "../helpers.js";

/** How many invocations the backend holds, whatever their status. */
async function stored(app: Tynenc): Promise<number> {
  const counts = await app.backend.orchestratorStore.countByStatus();
  return Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
}

/** Resolves true if `promise` settles before the next macrotask (a backend that answers at once). */
async function settlesInMicrotasks(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

/** A task whose calls with the same key share an invocation, refused when other arguments come. */
function payTask(app: Tynenc): Task<[string, number], string> {
  return app.task("pay", async (user: string, cents: number) => `${user}:${cents}`, {
    registrationConcurrency: "keys",
    concurrencyKey: (user) => user,
    raiseOnDifferentArgs: true,
  });
}

/** Does the backend under test answer at once (memory, SQLite), or through promises (memory-async, ...)? */
const immediate = ["memory", "sqlite"].includes(process.env.TYNENC_TEST_BACKEND ?? "memory");

describe("invocation.registered", () => {
  it("resolves to the handle itself once the backend holds a new invocation (reused false)", async () => {
    const app = testApp();
    const t = app.task("t", async (n: number) => n + 1);
    const call = t(1);
    expectTypeOf(call.registered).toEqualTypeOf<Promise<Invocation<number>>>();
    expectTypeOf(call.reused).toEqualTypeOf<boolean>();
    const settledAtOnce = settlesInMicrotasks(call.registered);
    assert.equal(await call.registered, call);
    assert.equal(call.registered, call.registered, "the same promise on every read");
    assert.equal(call.reused, false);
    assert.equal(await call.status(), S.REGISTERED);
    assert.equal(await stored(app), 1);
    if (immediate) assert.ok(await settledAtOnce, "memory and SQLite answer at once");
    assert.equal(await withRunner(app, () => call.result), 2);
    await app.close();
  });

  it("a deduplicated call resolves to the same handle, bound to the existing invocation", async () => {
    const app = testApp();
    const t = app.task("t", async (n: number) => n * 10, { registrationConcurrency: "arguments" });
    const tracked = trackInvocations(app);
    const first = t(1);
    const again = t(1);
    const other = t(2);
    assert.equal(await again.registered, again);
    await Promise.all([first.registered, other.registered]);
    assert.equal(again.id, first.id);
    assert.equal(again.reused, true);
    assert.equal(first.reused, false);
    assert.notEqual(other.id, first.id);
    assert.deepEqual(again.args, [1]);
    assert.equal(await stored(app), 2);
    await withRunner(app, async () => {
      assert.deepEqual(await Promise.all([first.result, again.result, other.result]), [10, 10, 20]);
    });
    await assertValidHistories(app, tracked.ids);
    await app.close();
  });

  it("the call result cache resolves to the finished invocation, marked reused", async () => {
    const app = testApp();
    let bodies = 0;
    const t = app.task(
      "t",
      async (n: number) => {
        bodies++;
        return n * 2;
      },
      { callResultCache: true },
    );
    await withRunner(app, async () => {
      const first = t(4);
      assert.equal(await first.result, 8);
      const cached = await t(4).registered;
      assert.equal(cached.id, first.id);
      assert.equal(cached.reused, true);
      assert.equal(await cached.result, 8);
    });
    assert.equal(bodies, 1);
    await app.close();
  });

  it(".result, status(), history() and cancel() work at once and follow the invocation the call resolved to", async () => {
    const app = testApp();
    const t = app.task("t", async (n: number) => n, { registrationConcurrency: "task" });
    const first = t(1);
    await first.registered;
    // Read before the backend answered the second call (on memory-async), without awaiting it.
    const again = t(2);
    const [status, history] = await Promise.all([again.status(), again.history()]);
    assert.equal(status, S.REGISTERED);
    assert.deepEqual(
      history.map((h) => h.status),
      [S.REGISTERED],
    );
    assert.equal(await again.cancel(), true);
    assert.equal(await first.status(), S.CANCELLED, "cancelled through the reusing handle");
    await assert.rejects(again.result, /cancel/i);
    assert.equal(again.id, first.id);
    assert.deepEqual(again.args, [1], "the invocation's own arguments");
    assert.deepEqual(again.callArgs, [2], "this call's");
    await app.close();
  });
});

describe("invocation.registered in devModeForceSyncTasks", () => {
  it("resolves to the handle, which ran inline", async () => {
    const app = testApp({ devModeForceSyncTasks: true });
    const t = app.task("t", async (n: number) => n + 1, { registrationConcurrency: "arguments" });
    const call = t(1);
    assert.equal(await call.registered, call);
    assert.equal(call.reused, false);
    assert.equal(await call.result, 2);
  });
});

describe("a refused call (raiseOnDifferentArgs)", () => {
  it("rejects registered and result with the ConcurrencyControlledError and registers nothing", async () => {
    const app = testApp();
    const pay = payTask(app);
    const tracked = trackInvocations(app);
    const first = pay("alice", 5);
    const refused = pay("alice", 7); // never throws at the call, on any backend
    const error = await refused.registered.then(
      () => assert.fail("registered resolved"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConcurrencyControlledError, String(error));
    assert.match(error.message, /raiseOnDifferentArgs/);
    assert.match(error.message, /argument 2: 5 \(running\) vs 7 \(this call\)/);
    await assert.rejects(refused.result, ConcurrencyControlledError);
    await assert.rejects(refused.status(), ConcurrencyControlledError);
    await assert.rejects(refused.history(), ConcurrencyControlledError);
    await assert.rejects(refused.cancel(), ConcurrencyControlledError);
    assert.equal(
      thrown(() => refused.id),
      error,
      "it has no id: reading it throws why",
    );
    assert.match(String(refused), /refused/);
    await app.registrar.settled();
    assert.equal(await stored(app), 1, "only the first call's invocation");
    assert.equal(await withRunner(app, () => first.result), "alice:5");
    assert.equal(tracked.ids.length, 1);
    await assertValidHistories(app, tracked.ids);
    await app.close();
  });

  it("memory-async: the backend holds exactly the invocations some handle stands for, nothing written behind a refusal", async () => {
    const app = testApp({ backend: asyncBackend(memoryBackend()) });
    const pay = payTask(app);
    // Whatever a call does (returns a handle, or throws at the call), count what it leaves behind.
    const attempt = (user: string, cents: number) => {
      try {
        return pay(user, cents);
      } catch {
        return undefined;
      }
    };
    const calls = [attempt("dan", 1), attempt("dan", 2), attempt("erin", 3), attempt("dan", 1)];
    const outcomes = await Promise.allSettled(calls.map(async (c) => c?.registered));
    await app.registrar.settled();
    await new Promise((resolve) => setImmediate(resolve)); // anything still being written lands first
    const ids = new Set<string>();
    outcomes.forEach((o, i) => o.status === "fulfilled" && o.value && ids.add(calls[i]!.id));
    assert.equal(await stored(app), ids.size, "stored invocations that no handle stands for");
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ["fulfilled", "rejected", "fulfilled", "fulfilled"],
    );
    assert.equal(calls[3]!.id, calls[0]!.id);
    assert.equal(ids.size, 2, "dan's and erin's");
    await app.close();
  });

  it("a refusal nobody reads is no unhandled rejection", async () => {
    const app = testApp();
    const pay = payTask(app);
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", record);
    try {
      pay("bob", 1);
      pay("bob", 2);
      await app.registrar.settled();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("unhandledRejection", record);
    }
    assert.deepEqual(unhandled, []);
    assert.equal(await stored(app), 1);
    await app.close();
  });

  it("inside a task, awaiting a refused call's result throws there, and the task can handle it", async () => {
    const app = testApp();
    const pay = payTask(app);
    const parent = app.task("parent", async () => {
      const first = pay("carol", 1);
      try {
        await pay("carol", 2).result;
        return "not refused";
      } catch (error) {
        return `${(error as Error).name}, then ${await first.result}`;
      }
    });
    assert.equal(await withRunner(app, () => parent().result), "ConcurrencyControlledError, then carol:1");
    await app.close();
  });
});

describe("deduplicated calls inside tasks", () => {
  it("memoized fib(12) on one slot: children awaited before the backend answers pause as usual", async () => {
    const app = testApp({ maxParallelSlots: 1 });
    let bodies = 0;
    const fib: Task<[number], number> = app.task(
      "fib",
      async (n: number): Promise<number> => {
        bodies++;
        if (n <= 1) return n;
        const [a, b] = await Promise.all([fib(n - 1).result, fib(n - 2).result]);
        return a + b;
      },
      { registrationConcurrency: "arguments", callResultCache: true },
    );
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => fib(12).result), 144);
    assert.equal(bodies, 13, "one body per argument");
    await assertValidHistories(app, tracked.ids);
    await app.close();
  });

  it("parallelize of a deduplicated task: one invocation per scope, results in input order", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    const t = app.task("t", async (n: number) => n * n, { registrationConcurrency: "arguments" });
    const group = t.parallelize([[1], [2], [1], [3], [2]]);
    const handles = await Promise.all([...group].map(async (i) => i.registered));
    // Per scope one new invocation, and the other calls reuse it (which one is new is the store's call).
    for (const [n, positions] of [
      [1, [0, 2]],
      [2, [1, 4]],
      [3, [3]],
    ] as const) {
      const scope = positions.map((i) => handles[i]!);
      assert.equal(new Set(scope.map((h) => h.id)).size, 1, `one id for t(${n})`);
      assert.equal(scope.filter((h) => !h.reused).length, 1, `one new invocation for t(${n})`);
    }
    assert.equal(new Set(handles.map((h) => h.id)).size, 3);
    assert.deepEqual(await withRunner(app, () => group.results()), [1, 4, 1, 9, 4]);
    await app.close();
  });
});

describe("the id before the backend's answer", () => {
  it("memory answers at once: every handle knows its id at the call, deduplicated or not", async () => {
    const app = testApp({ backend: memoryBackend() });
    const t = app.task("t", async (n: number) => n, { registrationConcurrency: "arguments" });
    const first = t(1);
    const again = t(1);
    assert.equal(again.id, first.id);
    assert.equal(again.reused, true);
    assert.equal((await again.registered).id, first.id);
    await app.close();
  });

  it("memory-async: a deduplicated call's id, args and reused throw RegistrationPendingError until registered", async () => {
    const app = testApp({ backend: asyncBackend(memoryBackend()) });
    const t = app.task("t", async (n: number) => n, { registrationConcurrency: "arguments" });
    const first = t(1);
    const again = t(1);
    for (const read of [() => again.id, () => again.args, () => again.reused]) {
      const error = thrown(read);
      assert.ok(error instanceof RegistrationPendingError, String(error));
      assert.equal(error.code, "REGISTRATION_PENDING");
      assert.match(error.message, /await invocation\.registered/);
      assert.match(error.message, /"t"/);
    }
    assert.deepEqual(again.callArgs, [1], "the call's own arguments are known");
    assert.match(String(again), /Invocation\(t, not answered yet\)/);
    assert.equal(await again.registered, again);
    await first.registered;
    assert.equal(again.id, first.id, "then the id of the invocation it resolved to, and only that one");
    assert.equal(again.reused, true);
    assert.equal(String(again), `Invocation(t, ${first.id})`);
    await app.close();
  });

  it("memory-async: a task without registrationConcurrency or callResultCache knows its id at the call", async () => {
    const app = testApp({ backend: asyncBackend(memoryBackend()) });
    const t = app.task("t", async (n: number) => n);
    const call = t(1);
    const id = call.id;
    assert.equal(call.reused, false);
    assert.equal((await call.registered).id, id);
    assert.equal((await app.getInvocation(id)).id, id);
    await app.close();
  });

  it("memory-async: a handle read before the answer shows the same id ever after, as every other handle of it", async () => {
    const app = testApp({ backend: asyncBackend(memoryBackend()) });
    const t = app.task("t", async (n: number) => n, { registrationConcurrency: "task" });
    const calls = [t(1), t(2), t(3)];
    const seen = new Set<string>();
    // Read every id at the call and each time one call is answered (others may still be pending).
    const readAll = () => {
      for (const call of calls) {
        try {
          seen.add(call.id);
        } catch (error) {
          assert.ok(error instanceof RegistrationPendingError, String(error));
        }
      }
    };
    readAll();
    await Promise.all(calls.map(async (c) => c.registered.then(readAll)));
    for (const call of calls) seen.add(call.id);
    assert.equal(seen.size, 1, `ids seen: ${[...seen].join(", ")}`);
    await app.close();
  });

  it("memory-async: app.close() waits for calls the backend has not answered yet", async () => {
    const app = testApp({ backend: asyncBackend(memoryBackend()) });
    const t = app.task("t", async (n: number) => n, { registrationConcurrency: "arguments" });
    const call = t(1);
    assert.equal(app.registrar.idle, false);
    await app.close();
    assert.equal(app.registrar.idle, true, "the answer came before the backend closed");
    assert.equal((await call.registered).reused, false);
  });
});
