import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { expectTypeOf } from "expect-type";
import {
  ConcurrencyControlledError,
  ConfigError,
  Invocation,
  InvocationStatus as S,
  memoryBackend,
  RetryError,
  WaitCycleError,
  type Task,
  type Tynenc,
} from "../../src/index.js";
import {
  assertValidHistories,
  histories,
  maxConcurrentRunning,
  trackInvocations,
  waitForStatus,
} from "../../src/testing/index.js";
import { deferred, within } from "../conformance/harness.js";
import { asyncBackend } from "../async-backend.js";
import { captureLogger, needsImmediateBackend, testApp, thrown, withRunner } from "../helpers.js";

function statusesOf(history: readonly { status: string }[]): string[] {
  return history.map((h) => h.status);
}

/** Does `list` contain `part` as consecutive elements? */
function containsRun(list: readonly string[], part: readonly string[]): boolean {
  for (let i = 0; i + part.length <= list.length; i++) {
    if (part.every((p, j) => list[i + j] === p)) return true;
  }
  return false;
}

/** The result within `ms`; on timeout the error names where the invocation got stuck. */
async function settlesWithin<R>(invocation: Invocation<R>, ms = 3000): Promise<R> {
  try {
    return await within(invocation.result, invocation.toString(), ms);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("Timed out")) throw error;
    const history = statusesOf(await invocation.history()).join(" > ");
    throw new Error(`${error.message}; stuck at ${history}`, { cause: error });
  }
}

/** Resolves once `count` callers have arrived: proves they were all running at the same time. */
function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  const all = deferred();
  return async () => {
    if (++arrived === count) all.resolve();
    await all.promise;
  };
}

describe("registration concurrency (dedup at call time)", needsImmediateBackend(), () => {
  it('"task" scope: any call while one is unfinished returns that invocation, marked reused', async () => {
    const app = testApp();
    const t = app.task("t", async (n: number) => n, { registrationConcurrency: "task" });
    const tracked = trackInvocations(app);
    const first = t(1);
    const second = t(2);
    assert.equal(first.reused, false);
    assert.equal(second.reused, true);
    assert.equal(second.id, first.id);
    assert.equal(tracked.ids.length, 1);
    assert.equal(await withRunner(app, () => second.result), 1);
    await assertValidHistories(app, tracked.ids);
  });

  it('"arguments" scope: only identical arguments share an invocation', async () => {
    const app = testApp();
    const t = app.task("t", async (n: number, s: string) => `${n}${s}`, {
      registrationConcurrency: "arguments",
    });
    const a1 = t(1, "x");
    const a2 = t(1, "x");
    const b = t(1, "y");
    const c = t(2, "x");
    assert.equal(a2.id, a1.id);
    assert.equal(a2.reused, true);
    assert.equal(new Set([a1.id, b.id, c.id]).size, 3);
    assert.equal(b.reused, false);
    assert.equal(c.reused, false);
    await withRunner(app, async () => {
      assert.deepEqual(await Promise.all([a2.result, b.result, c.result]), ["1x", "1y", "2x"]);
    });
  });

  it('"keys" scope: calls with the same concurrencyKey share an invocation', async () => {
    const app = testApp();
    const pay = app.task("pay", async (user: string, amount: number) => `${user}:${amount}`, {
      registrationConcurrency: "keys",
      concurrencyKey: (user) => user,
    });
    const a1 = pay("alice", 1);
    const a2 = pay("alice", 2);
    const b = pay("bob", 1);
    assert.equal(a2.id, a1.id);
    assert.equal(a2.reused, true);
    assert.notEqual(b.id, a1.id);
    assert.equal(b.reused, false);
    await withRunner(app, async () => {
      assert.equal(await a2.result, "alice:1");
      assert.equal(await b.result, "bob:1");
    });
  });

  it('"keys" scope: keys are compared by value, objects included', () => {
    const app = testApp();
    const t = app.task("t", async (where: { region: string; zone: number }, n: number) => n, {
      registrationConcurrency: "keys",
      concurrencyKey: (where) => ({ region: where.region }),
    });
    const a = t({ region: "eu", zone: 1 }, 1);
    const b = t({ region: "eu", zone: 2 }, 2);
    const c = t({ region: "us", zone: 1 }, 3);
    assert.equal(b.id, a.id);
    assert.notEqual(c.id, a.id);
  });

  it('"disabled" (the default) never dedups', async () => {
    const app = testApp();
    const t = app.task("t", async (n: number) => n);
    const explicit = app.task("explicit", async (n: number) => n, { registrationConcurrency: "disabled" });
    const calls = [t(1), t(1), explicit(1), explicit(1)];
    assert.equal(new Set(calls.map((c) => c.id)).size, 4);
    for (const call of calls) assert.equal(call.reused, false);
    await withRunner(app, async () => {
      assert.deepEqual(await Promise.all(calls.map(async (c) => c.result)), [1, 1, 1, 1]);
    });
  });

  it("dedups against a RUNNING invocation, and a call after it finished makes a new one", async () => {
    const app = testApp();
    const gate = deferred();
    let bodies = 0;
    const slow = app.task(
      "slow",
      async (n: number) => {
        bodies++;
        await gate.promise;
        return n;
      },
      { registrationConcurrency: "task" },
    );
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const first = slow(1);
      await waitForStatus(app, first, S.RUNNING);
      const again = slow(2);
      assert.equal(again.id, first.id);
      assert.equal(again.reused, true);
      gate.resolve();
      assert.equal(await again.result, 1);
      const later = slow(3);
      assert.notEqual(later.id, first.id);
      assert.equal(later.reused, false);
      assert.equal(await later.result, 3);
    });
    assert.equal(bodies, 2);
    assert.equal(tracked.ids.length, 2);
    await assertValidHistories(app, tracked.ids);
  });

  it("dedups against a PAUSED invocation (waiting on a child)", async () => {
    const app = testApp();
    const gate = deferred();
    const child = app.task("child", async () => {
      await gate.promise;
      return 10;
    });
    let bodies = 0;
    const parent = app.task(
      "parent",
      async (n: number) => {
        bodies++;
        return n + (await child().result);
      },
      { registrationConcurrency: "task" },
    );
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const first = parent(1);
      await waitForStatus(app, first, S.PAUSED);
      const again = parent(5);
      assert.equal(again.id, first.id);
      assert.equal(again.reused, true);
      gate.resolve();
      assert.equal(await again.result, 11);
      const later = parent(2);
      assert.equal(later.reused, false);
      assert.equal(await later.result, 12);
    });
    assert.equal(bodies, 2);
    await assertValidHistories(app, tracked.ids);
  });

  it("dedups against a queued (REGISTERED) invocation", () => {
    const app = testApp();
    const t = app.task("t", async (n: number) => n, { registrationConcurrency: "arguments" });
    const first = t(1);
    const again = t(1);
    assert.equal(again.id, first.id);
    assert.equal(again.reused, true);
  });

  it("raiseOnDifferentArgs: a reused call with other arguments is refused with a ConcurrencyControlledError with the diff", async () => {
    const app = testApp();
    const pay = app.task("pay", async (user: string, amount: number, note: string) => `${amount} ${note}`, {
      registrationConcurrency: "keys",
      concurrencyKey: (user) => user,
      raiseOnDifferentArgs: true,
    });
    const first = pay("alice", 5, "rent");
    const same = pay("alice", 5, "rent");
    assert.equal(same.id, first.id);
    assert.equal(same.reused, true);
    const refused = pay("alice", 7, "rent");
    const error = await refused.registered.then(
      () => assert.fail("not refused"),
      (e: unknown) => e as Error,
    );
    await assert.rejects(refused.result, ConcurrencyControlledError);
    assert.ok(error instanceof ConcurrencyControlledError, String(error));
    assert.match(error.message, /pay/);
    assert.match(error.message, /raiseOnDifferentArgs/);
    assert.match(error.message, /argument 2: 5 \(running\) vs 7 \(this call\)/);
    assert.doesNotMatch(error.message, /argument 1/);
    assert.doesNotMatch(error.message, /argument 3/);
    // Another key is another scope: no error.
    assert.equal(pay("bob", 7, "rent").reused, false);
    await withRunner(app, () => first.result);
  });

  it("without raiseOnDifferentArgs a reused call with other arguments just returns the invocation", () => {
    const app = testApp();
    const t = app.task("t", async (n: number) => n, { registrationConcurrency: "task" });
    const first = t(1);
    assert.equal(t(2).id, first.id);
  });

  it("\"task\" scope: a reused handle carries the invocation's arguments, and the call's as callArgs", async () => {
    const app = testApp();
    const m = app.task("m", async (s: string) => s, { registrationConcurrency: "task" });
    const m0 = m("0");
    const m1 = m("1");
    assert.equal(m1.id, m0.id);
    assert.equal(m1.reused, true);
    assert.deepEqual(m1.args, ["0"]);
    assert.deepEqual(m1.callArgs, ["1"]);
    assert.equal(m0.callArgs, m0.args, "a new invocation's callArgs are its args");
    assert.deepEqual((await app.getInvocation(m1.id)).args, ["0"]);
    assert.equal(await withRunner(app, () => m1.result), "0");
  });

  it("\"keys\" scope: a reused handle carries the invocation's arguments, and the call's as callArgs", () => {
    const app = testApp();
    const pay = app.task("pay", async (user: string, cents: number) => cents, {
      registrationConcurrency: "keys",
      concurrencyKey: (user) => user,
    });
    const first = pay("alice", 5);
    const again = pay("alice", 7);
    assert.equal(again.id, first.id);
    assert.deepEqual(again.args, ["alice", 5]);
    assert.deepEqual(again.callArgs, ["alice", 7]);
    const same = pay("alice", 5);
    assert.deepEqual(same.args, ["alice", 5]);
    assert.deepEqual(same.callArgs, ["alice", 5]);
  });

  it("the debug line of a reused call says which arguments differed", () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "debug" });
    const pay = app.task("pay", async (user: string, cents: number, _note: string) => cents, {
      registrationConcurrency: "keys",
      concurrencyKey: (user) => user,
    });
    const first = pay("alice", 5, "rent");
    pay("alice", 7, "rent");
    pay("alice", 5, "rent");
    const reuses = logger.lines.filter((l) => l.msg.startsWith("Call of pay reuses"));
    assert.equal(reuses.length, 2);
    assert.match(reuses[0]!.msg, /differ at position\(s\) 1 \(0-based\)/);
    assert.deepEqual(reuses[0]!.fields.differingArgs, [1]);
    assert.equal(reuses[0]!.fields.invocation, first.id);
    assert.doesNotMatch(reuses[1]!.msg, /differ/);
    assert.equal(reuses[1]!.fields.differingArgs, undefined);
  });

  it("raiseOnDifferentArgs: the same arguments with object keys in another order are not different", () => {
    const app = testApp();
    const t = app.task("t", async (where: { region: string; zone: number }) => where.zone, {
      registrationConcurrency: "task",
      raiseOnDifferentArgs: true,
    });
    const first = t({ region: "eu", zone: 1 });
    const again = t({ zone: 1, region: "eu" });
    assert.equal(again.id, first.id);
    assert.deepEqual(Object.keys(again.args[0] as object), ["region", "zone"]);
    assert.deepEqual(Object.keys(again.callArgs[0] as object), ["zone", "region"]);
  });
});

describe("call result cache", needsImmediateBackend(), () => {
  it("returns the stored result of an identical finished call without running it again", async () => {
    const app = testApp();
    let bodies = 0;
    const square = app.task(
      "square",
      async (n: number) => {
        bodies++;
        return n * n;
      },
      { callResultCache: true },
    );
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const first = square(3);
      assert.equal(first.reused, false);
      assert.equal(await first.result, 9);
      const cached = square(3);
      assert.equal(cached.reused, true);
      assert.equal(cached.id, first.id);
      assert.equal(await cached.result, 9);
      const other = square(4);
      assert.equal(other.reused, false);
      assert.equal(await other.result, 16);
    });
    assert.equal(bodies, 2);
    assert.equal(tracked.ids.length, 2);
    await assertValidHistories(app, tracked.ids);
  });

  it("does not cache a failed call", async () => {
    const app = testApp();
    let bodies = 0;
    const flaky = app.task(
      "flaky",
      async (n: number) => {
        if (++bodies === 1) throw new Error("first fails");
        return n;
      },
      { callResultCache: true },
    );
    await withRunner(app, async () => {
      const first = flaky(1);
      await assert.rejects(first.result, /first fails/);
      const second = flaky(1);
      assert.equal(second.reused, false);
      assert.notEqual(second.id, first.id);
      assert.equal(await second.result, 1);
    });
    assert.equal(bodies, 2);
  });

  it("with registrationConcurrency gives distributed memoization: fib(30) runs 31 bodies", async () => {
    const app = testApp({ maxParallelSlots: 4 });
    let bodies = 0;
    const fib: Task<[number], number> = app.task(
      "fib",
      async (n: number): Promise<number> => {
        bodies++;
        if (n <= 1) return n;
        const a = fib(n - 1);
        const b = fib(n - 2);
        return (await a.result) + (await b.result);
      },
      { registrationConcurrency: "arguments", callResultCache: true },
    );
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => fib(30).result), 832040);
    assert.equal(bodies, 31);
    assert.equal(tracked.ids.length, 31);
    await assertValidHistories(app, tracked.ids);
  });
});

describe("wait cycles made by dedup", needsImmediateBackend(), () => {
  it("a task that awaits a call of itself with the same arguments fails with WaitCycleError", async () => {
    const app = testApp();
    let inner: Invocation<unknown> | undefined;
    const selfish: Task<[number], number> = app.task(
      "selfish",
      async (n: number): Promise<number> => {
        const again = selfish(n);
        inner = again;
        return again.result;
      },
      { registrationConcurrency: "arguments" },
    );
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const outer = selfish(1);
      await assert.rejects(within(outer.result, "selfish(1)"), WaitCycleError);
      assert.equal(inner?.id, outer.id);
      assert.equal(inner?.reused, true);
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("a two-task cycle closed by dedup is reported, not hung", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    const ping: Task<[number], number> = app.task(
      "ping",
      async (n: number): Promise<number> => pong(n).result,
      { registrationConcurrency: "arguments" },
    );
    const pong: Task<[number], number> = app.task(
      "pong",
      async (n: number): Promise<number> => ping(n).result,
    );
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      await assert.rejects(within(ping(1).result, "ping(1)"), WaitCycleError);
    });
    await assertValidHistories(app, tracked.ids);
  });
});

/** Task "t": returns its number after 5 ms, under the given running concurrency. */
function slowEcho(app: Tynenc, runningConcurrency: "task" | "arguments") {
  return app.task(
    "t",
    async (n: number) => {
      await delay(5);
      return n;
    },
    { runningConcurrency },
  );
}

/** Task "work": 5 ms of work per call, one call per key at a time (running concurrency "keys"). */
function keyedWork(app: Tynenc) {
  return app.task(
    "work",
    async (key: string, i: number) => {
      await delay(5);
      return `${key}${i}`;
    },
    { runningConcurrency: "keys", concurrencyKey: (key) => key },
  );
}

describe("running concurrency", () => {
  it('"keys": with 4 slots and 12 invocations of 3 keys, never two of one key RUNNING, keys in parallel', async () => {
    const app = testApp({ maxParallelSlots: 4 });
    const work = keyedWork(app);
    const tracked = trackInvocations(app);
    const keys = ["a", "b", "c"];
    const calls = Array.from({ length: 12 }, (_, i) => ({ key: keys[i % 3]!, inv: work(keys[i % 3]!, i) }));
    await withRunner(app, async () => {
      for (const { key, inv } of calls) assert.match(String(await inv.result), new RegExp(`^${key}`));
    });
    for (const key of keys) {
      const ids = calls.filter((c) => c.key === key).map((c) => c.inv.id);
      assert.equal(maxConcurrentRunning(await histories(app, ids)), 1, `key ${key}`);
    }
    const all = await histories(app, tracked.ids);
    const max = maxConcurrentRunning(all);
    assert.ok(max > 1 && max <= 4, `max RUNNING over all keys ${max}`);
    await assertValidHistories(app, tracked.ids);
  });

  it('"task": never two invocations of the task RUNNING at once, whatever the arguments', async () => {
    const app = testApp({ maxParallelSlots: 3 });
    const t = slowEcho(app, "task");
    const tracked = trackInvocations(app);
    const calls = [t(1), t(2), t(3)];
    await withRunner(app, async () => {
      assert.deepEqual(await Promise.all(calls.map(async (c) => c.result)), [1, 2, 3]);
    });
    assert.equal(maxConcurrentRunning(await histories(app, tracked.ids)), 1);
    await assertValidHistories(app, tracked.ids);
  });

  it("re-queues a held-back invocation: CONCURRENCY_CONTROLLED then REROUTED then PENDING", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    const gate = deferred();
    const t = app.task(
      "t",
      async (n: number) => {
        await gate.promise;
        return n;
      },
      { runningConcurrency: "task" },
    );
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const first = t(1);
      await waitForStatus(app, first, S.RUNNING);
      const second = t(2);
      await waitForStatus(app, second, S.CONCURRENCY_CONTROLLED);
      gate.resolve();
      assert.equal(await second.result, 2);
      assert.equal(await first.result, 1);
      const statuses = statusesOf(await second.history());
      assert.ok(
        containsRun(statuses, [S.CONCURRENCY_CONTROLLED, S.REROUTED, S.PENDING]),
        statuses.join(" > "),
      );
      assert.equal(statuses.at(-1), S.SUCCESS);
    });
    assert.equal(maxConcurrentRunning(await histories(app, tracked.ids)), 1);
    await assertValidHistories(app, tracked.ids);
  });

  it('"arguments": identical arguments never run together, different ones do', async () => {
    const app = testApp({ maxParallelSlots: 3 });
    const t = slowEcho(app, "arguments");
    const tracked = trackInvocations(app);
    const ones = [t(1), t(1)];
    const two = t(2);
    await withRunner(app, async () => {
      assert.deepEqual(await Promise.all([...ones, two].map(async (c) => c.result)), [1, 1, 2]);
    });
    assert.equal(
      maxConcurrentRunning(
        await histories(
          app,
          ones.map((c) => c.id),
        ),
      ),
      1,
    );
    assert.equal(maxConcurrentRunning(await histories(app, tracked.ids)), 2);
    await assertValidHistories(app, tracked.ids);
  });

  it('"disabled" (the default) lets invocations of one task run together', async () => {
    const app = testApp({ maxParallelSlots: 3 });
    const meet = barrier(3);
    const t = app.task("t", async (n: number) => {
      await meet(); // opens only once all three are running at the same time
      return n;
    });
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      assert.deepEqual(
        await within(Promise.all([t(1).result, t(1).result, t(2).result]), "3 together"),
        [1, 1, 2],
      );
    });
    assert.equal(maxConcurrentRunning(await histories(app, tracked.ids)), 3);
    await assertValidHistories(app, tracked.ids);
  });

  it("rerouteOnConcurrencyControl false drops a held-back one to CONCURRENCY_CONTROLLED_FINAL", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    const gate = deferred();
    let bodies = 0;
    const t = app.task(
      "t",
      async (n: number) => {
        bodies++;
        await gate.promise;
        return n;
      },
      { runningConcurrency: "task", rerouteOnConcurrencyControl: false },
    );
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const first = t(1);
      await waitForStatus(app, first, S.RUNNING);
      const dropped = t(2);
      await assert.rejects(dropped.result, (error: unknown) => {
        assert.ok(error instanceof ConcurrencyControlledError, String(error));
        assert.match(error.message, /dropped/);
        assert.match(error.message, /rerouteOnConcurrencyControl/);
        assert.match(error.message, /"t"/);
        return true;
      });
      assert.equal(await dropped.status(), S.CONCURRENCY_CONTROLLED_FINAL);
      assert.deepEqual(statusesOf(await dropped.history()), [S.REGISTERED, S.CONCURRENCY_CONTROLLED_FINAL]);
      gate.resolve();
      assert.equal(await first.result, 1);
    });
    assert.equal(bodies, 1);
    await assertValidHistories(app, tracked.ids);
  });

  it("a paused invocation does not hold its scope: a task calling and awaiting itself completes with 1 slot", async () => {
    const app = testApp({ maxParallelSlots: 1 });
    const nested: Task<[number], number> = app.task(
      "nested",
      async (n: number): Promise<number> => (n === 0 ? 0 : (await nested(n - 1).result) + 1),
      { runningConcurrency: "task" },
    );
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => within(nested(3).result, "nested(3)")), 3);
    const all = await histories(app, tracked.ids);
    assert.equal(all.length, 4);
    assert.equal(maxConcurrentRunning(all), 1);
    for (const h of all) assert.equal(h.at(-1)?.status, S.SUCCESS);
    await assertValidHistories(app, tracked.ids);
  });

  it("the same with more slots: the child held back while its parent runs gets its turn once the parent pauses", async () => {
    const app = testApp({ maxParallelSlots: 3 });
    const nested: Task<[number], number> = app.task(
      "nested",
      async (n: number): Promise<number> => (n === 0 ? 0 : (await nested(n - 1).result) + 1),
      { runningConcurrency: "task" },
    );
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => within(nested(4).result, "nested(4)")), 4);
    assert.equal(maxConcurrentRunning(await histories(app, tracked.ids)), 1);
    await assertValidHistories(app, tracked.ids);
  });

  it("a retried invocation held back by its key later runs (RETRY must not be lost by holdBack)", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    const gate = deferred();
    let attemptsOfA = 0;
    const t = app.task(
      "t",
      async (name: string) => {
        if (name === "a" && ++attemptsOfA === 1) {
          await gate.promise;
          throw new RetryError("once more");
        }
        if (name === "b") await delay(150); // holds the key while a's retry comes due
        return name;
      },
      {
        runningConcurrency: "task",
        maxRetries: 1,
        retryDelayMs: 20,
        retryBackoff: "fixed",
        retryJitter: false,
      },
    );
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const a = t("a");
      await waitForStatus(app, a, S.RUNNING);
      const b = t("b");
      await waitForStatus(app, b, S.CONCURRENCY_CONTROLLED);
      gate.resolve();
      assert.equal(await within(b.result, "b"), "b");
      assert.equal(await settlesWithin(a), "a");
    });
    assert.equal(attemptsOfA, 2);
    assert.equal(maxConcurrentRunning(await histories(app, tracked.ids)), 1);
    await assertValidHistories(app, tracked.ids);
  });
});

describe("running keys on a store that answers through promises", () => {
  it("two releases of a key racing re-queue a parked invocation once, and neither fails", async () => {
    const app = testApp({ backend: asyncBackend(memoryBackend()) }); // no runner: nothing claims it
    const t = slowEcho(app, "task");
    const parked = t(1);
    await waitForStatus(app, parked, S.REGISTERED);
    await app.orchestrator.transition(parked.id, S.CONCURRENCY_CONTROLLED, "r1");
    const record = await app.backend.stateBackend.getInvocation(parked.id);
    const key = record!.runningKey!;
    // Both see no holder and the same parked invocation before either re-queues it.
    await Promise.all([
      app.orchestrator.releaseRunningKey(key, "r1"),
      app.orchestrator.releaseRunningKey(key, "r2"),
    ]);
    const statuses = (await parked.history()).map((h) => h.status);
    assert.deepEqual(statuses, [S.REGISTERED, S.CONCURRENCY_CONTROLLED, S.REROUTED]);
    assert.equal(await app.backend.broker.count(), 2, "queued at registration, and once more by one release");
  });
});

describe("running concurrency across runners (two apps sharing one memory backend)", () => {
  function pairApps(slots: number): [Tynenc, Tynenc] {
    const backend = memoryBackend();
    return [testApp({ backend, maxParallelSlots: slots }), testApp({ backend, maxParallelSlots: slots })];
  }

  async function withRunners<T>(apps: readonly Tynenc[], body: () => Promise<T>): Promise<T> {
    const loops = apps.map(async (app) => app.runner.run());
    try {
      return await body();
    } finally {
      for (const app of apps) await app.runner.stop();
      await Promise.all(loops);
    }
  }

  it("never runs two invocations of one key at once, across runners", async () => {
    const apps = pairApps(2);
    const work = apps.map((app) => keyedWork(app));
    const tracked = apps.map((app) => trackInvocations(app));
    const keys = ["a", "b", "c"];
    const calls = Array.from({ length: 12 }, (_, i) => ({
      key: keys[i % 3]!,
      inv: work[i % 2]!(keys[i % 3]!, i),
    }));
    await withRunners(apps, async () => {
      for (const { inv } of calls) await within(inv.result, inv.toString());
    });
    const app = apps[0];
    for (const key of keys) {
      const ids = calls.filter((c) => c.key === key).map((c) => c.inv.id);
      assert.equal(maxConcurrentRunning(await histories(app, ids)), 1, `key ${key}`);
    }
    const ids = tracked.flatMap((t) => t.ids);
    assert.equal(ids.length, 12);
    const all = await histories(app, ids);
    assert.ok(maxConcurrentRunning(all) > 1);
    const runners = new Set(
      all.flatMap((h) => h.filter((e) => e.status === S.RUNNING).map((e) => e.runnerId)),
    );
    assert.equal(runners.size, 2, "both runners ran invocations");
    await assertValidHistories(app, ids);
  });

  it("a RESUMED invocation waiting for its key on one runner runs once the holder on another runner finishes", async () => {
    const [app1, app2] = pairApps(1);
    const leafGate = deferred();
    const holderGate = deferred();
    const leaves: Invocation<number>[] = [];
    const define = (app: Tynenc) => {
      const leaf = app.task("leaf", async () => {
        await leafGate.promise;
        return 1;
      });
      return app.task(
        "guarded",
        async (role: string): Promise<string> => {
          if (role === "holder") await holderGate.promise;
          else {
            const child = leaf();
            leaves.push(child);
            await child.result;
          }
          return role;
        },
        { runningConcurrency: "task" },
      );
    };
    const guarded1 = define(app1);
    const guarded2 = define(app2);
    const loop1 = app1.runner.run();
    let loop2: Promise<void> | undefined;
    try {
      const parent = guarded1("parent");
      await waitForStatus(app1, parent, S.PAUSED);
      // Its leaf fills runner 1's only slot before runner 2 starts (else runner 2 may take the leaf, and
      // runner 1 the holder).
      await waitForStatus(app1, leaves[0]!, S.RUNNING);
      loop2 = app2.runner.run();
      const holder = guarded2("holder");
      await waitForStatus(app2, holder, S.RUNNING);
      leafGate.resolve();
      await waitForStatus(app1, parent, S.RESUMED); // the key is held on runner 2
      holderGate.resolve();
      assert.equal(await within(holder.result, "holder"), "holder");
      assert.equal(await settlesWithin(parent), "parent");
    } finally {
      leafGate.resolve();
      holderGate.resolve();
      await app1.runner.stop();
      await app2.runner.stop();
      await loop1;
      await loop2;
    }
  });
});

describe("concurrency options at app.task", () => {
  it("keys mode without concurrencyKey is a ConfigError naming the option", () => {
    const app = testApp();
    const running = thrown(() => app.task("r", async (n: number) => n, { runningConcurrency: "keys" }));
    assert.ok(running instanceof ConfigError);
    assert.match(running.message, /runningConcurrency/);
    assert.match(running.message, /concurrencyKey/);
    assert.match(running.message, /"r"/);
    const registration = thrown(() =>
      app.task("g", async (n: number) => n, { registrationConcurrency: "keys" }),
    );
    assert.ok(registration instanceof ConfigError);
    assert.match(registration.message, /registrationConcurrency/);
    assert.match(registration.message, /concurrencyKey/);
  });

  it("concurrencyKey without a keys mode is a ConfigError", () => {
    const app = testApp();
    const error = thrown(() =>
      app.task("t", async (n: number) => n, { runningConcurrency: "task", concurrencyKey: (n) => n }),
    );
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /concurrencyKey/);
    assert.match(error.message, /"keys"/);
  });

  it("concurrencyKey that is not a function is a ConfigError", () => {
    const app = testApp();
    const error = thrown(() =>
      app.task("t", async (n: number) => n, {
        runningConcurrency: "keys",
        concurrencyKey: "n" as never,
      }),
    );
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /concurrencyKey/);
    assert.match(error.message, /function/);
  });

  it("an unknown mode is a ConfigError naming the option", () => {
    const app = testApp();
    const error = thrown(() =>
      app.task("t", async (n: number) => n, { registrationConcurrency: "everything" as never }),
    );
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /registrationConcurrency/);
  });

  it("concurrencyKey is type-checked against the task's own arguments", () => {
    // Never called: the compiler checks it.
    function typeChecks(app: Tynenc): void {
      app.task("typed", async (user: string, amount: number) => `${user}${amount}`, {
        runningConcurrency: "keys",
        concurrencyKey: (user, amount) => {
          expectTypeOf(user).toEqualTypeOf<string>();
          expectTypeOf(amount).toEqualTypeOf<number>();
          return user;
        },
      });
      app.task("fewer", async (user: string, amount: number) => `${user}${amount}`, {
        registrationConcurrency: "keys",
        concurrencyKey: (user: string) => user,
      });
      app.task("wrong", async (user: string) => user, {
        registrationConcurrency: "keys",
        // @ts-expect-error the key function takes a number, the task a string
        concurrencyKey: (user: number) => user,
      });
      app.task("more", async (user: string) => user, {
        runningConcurrency: "keys",
        // @ts-expect-error the key function asks for an argument the task does not have
        concurrencyKey: (user: string, extra: boolean) => (extra ? user : ""),
      });
    }
    assert.equal(typeof typeChecks, "function");
  });
});
