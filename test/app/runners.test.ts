import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  NoRunnerError,
  RunnerError,
  SerializationError,
  InvocationStatus as S,
  type Task,
  type Tynenc,
} from "../../src/index.js";
import {
  assertValidHistories,
  historyProblems,
  trackInvocations,
  waitForStatus,
  waitUntil,
} from "../../src/testing/index.js";
import {
  captureLogger,
  inProcessBackendOnly,
  skipUnderRandomStoreDelays,
  testApp,
  withRunner,
  type CapturedLine,
} from "../helpers.js";

function fibTask(app: Tynenc, onCall?: (n: number) => void): Task<[number], number> {
  const fib: Task<[number], number> = app.task("fib", async (n: number): Promise<number> => {
    onCall?.(n);
    fib.logger.info(`fib(${n}) starts`);
    return n <= 1 ? n : (await fib(n - 1).result) + (await fib(n - 2).result);
  });
  return fib;
}

/** A macrotask turn: every pending microtask (promise job) has run. Not a timed wait. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Indexes of `lines` matching each predicate in turn; fails naming the first step not found. */
function assertInOrder(
  lines: readonly CapturedLine[],
  steps: [string, (l: CapturedLine) => boolean][],
): void {
  let from = 0;
  for (const [label, matches] of steps) {
    const at = lines.findIndex((l, i) => i >= from && matches(l));
    assert.ok(
      at >= 0,
      `no line for "${label}" after line ${from}:\n${lines.map((l, i) => `${i} ${l.level} ${l.msg}`).join("\n")}`,
    );
    from = at + 1;
  }
}

describe("devModeForceSyncTasks", () => {
  it("computes fib(10) = 55 inline, without a runner", async () => {
    const app = testApp({ devModeForceSyncTasks: true });
    let calls = 0;
    const fib = fibTask(app, () => calls++);
    const tracked = trackInvocations(app);
    const invocation = fib(10);
    assert.equal(await invocation.result, 55);
    assert.equal(calls, 177, "every call ran as its own task invocation");
    assert.equal(app.runner.running, false);
    assert.equal(await invocation.status(), S.SUCCESS);
    const history = await invocation.history();
    assert.equal(history[0]?.status, S.REGISTERED);
    assert.equal(history.at(-1)?.status, S.SUCCESS);
    assert.deepEqual(historyProblems(history), []);
    await assertValidHistories(app, tracked.ids);
  });

  it("rejects the result of a failing task, and its status is FAILED", async () => {
    const app = testApp({ devModeForceSyncTasks: true });
    const fails = app.task("fails", async (): Promise<number> => {
      throw new RangeError("dev failure");
    });
    const invocation = fails();
    await assert.rejects(
      invocation.result,
      (e: unknown) => e instanceof RangeError && e.message === "dev failure",
    );
    assert.equal(await invocation.status(), S.FAILED);
    assert.equal((await invocation.history()).at(-1)?.status, S.FAILED);
  });

  it("still rejects unserializable arguments at the call, naming the task", () => {
    const app = testApp({ devModeForceSyncTasks: true });
    let ran = false;
    const take = app.task("take", async (_fn: unknown) => {
      ran = true;
    });
    assert.throws(
      () => take(() => 1),
      (e: unknown) =>
        e instanceof SerializationError && /"take"/.test(e.message) && /function/.test(e.message),
    );
    assert.equal(ran, false, "the task must not run with arguments that cannot be serialized");
  });

  it("still rejects an unserializable result", async () => {
    const app = testApp({ devModeForceSyncTasks: true });
    const makesFn = app.task("makesFn", async () => () => 1);
    const invocation = makesFn();
    await assert.rejects(
      invocation.result,
      (e: unknown) => e instanceof SerializationError && /"makesFn"/.test(e.message),
    );
    assert.equal(await invocation.status(), S.FAILED);
  });

  it("passes copies of arguments, like a runner would", async () => {
    const app = testApp({ devModeForceSyncTasks: true });
    const mutate = app.task("mutate", async (o: { n: number }) => {
      o.n = 99;
      return o.n;
    });
    const arg = { n: 1 };
    assert.equal(await mutate(arg).result, 99);
    assert.equal(arg.n, 1);
  });
});

describe('runnerCls: "DummyRunner"', () => {
  it("app.runner.run() rejects with a RunnerError explaining it runs nothing", async () => {
    const app = testApp({ runnerCls: "DummyRunner" });
    assert.equal(app.runner.cls, "DummyRunner");
    await assert.rejects(app.runner.run(), (e: unknown) => {
      assert.ok(e instanceof RunnerError, `got ${String(e)}`);
      assert.match(e.message, /DummyRunner/);
      assert.match(e.message, /ThreadRunner/);
      return true;
    });
  });

  it(
    "awaiting .result with the memory backend rejects with NoRunnerError saying what to do",
    inProcessBackendOnly(),
    async () => {
      const app = testApp({ runnerCls: "DummyRunner" });
      const one = app.task("one", async () => 1);
      const tracked = trackInvocations(app);
      const invocation = one();
      await assert.rejects(invocation.result, (e: unknown) => {
        assert.ok(e instanceof NoRunnerError, `got ${String(e)}`);
        assert.match(e.message, /memory/);
        assert.match(e.message, /runnerCls/);
        assert.match(e.message, /"ThreadRunner"/);
        assert.match(e.message, /app\.runner\.run\(\)/);
        return true;
      });
      await assertValidHistories(app, tracked.ids);
    },
  );
});

describe("runners that need a shared backend", () => {
  for (const cls of ["ProcessRunner", "MultiThreadRunner", "PersistentProcessRunner"] as const) {
    it(
      `${cls} with the memory backend: app.runner throws a RunnerError naming the runner and backend`,
      inProcessBackendOnly(),
      () => {
        const app = testApp({ runnerCls: cls });
        assert.throws(
          () => app.runner,
          (e: unknown) => {
            assert.ok(e instanceof RunnerError, `got ${String(e)}`);
            assert.ok(e.message.includes(cls), e.message);
            assert.match(e.message, /"memory"/);
            return true;
          },
        );
      },
    );
  }

  it("also throws when runnerCls is assigned after construction", inProcessBackendOnly(), () => {
    const app = testApp();
    assert.equal(app.runner.cls, "ThreadRunner");
    app.conf.runnerCls = "ProcessRunner";
    assert.throws(() => app.runner, /ProcessRunner/);
  });
});

describe("awaiting a result with no runner running", () => {
  it(
    "warns exactly once, pointing to app.runner.run(); starting the runner completes it",
    inProcessBackendOnly(),
    async () => {
      const logger = captureLogger();
      const app = testApp({ logger, loggingLevel: "warn" });
      const one = app.task("one", async (n: number) => n);
      const tracked = trackInvocations(app);
      const a = one(1);
      const b = one(2);
      const both = Promise.all([a.result, b.result]);
      await nextTurn();
      const warnings = () => logger.lines.filter((l) => l.level === "warn");
      assert.equal(
        warnings().length,
        1,
        warnings()
          .map((w) => w.msg)
          .join("\n"),
      );
      assert.match(warnings()[0]!.msg, /app\.runner\.run\(\)/);
      assert.match(warnings()[0]!.msg, /\bone\b/);
      assert.deepEqual(await withRunner(app, () => both), [1, 2]);
      assert.equal(warnings().length, 1);
      await assertValidHistories(app, tracked.ids);
    },
  );

  it("does not warn when the runner is already running", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "warn" });
    const one = app.task("one", async () => 1);
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => one().result), 1);
    assert.deepEqual(
      logger.lines.filter((l) => l.level === "warn").map((l) => l.msg),
      [],
    );
    await assertValidHistories(app, tracked.ids);
  });
});

describe("runner.stop()", () => {
  it(
    "is bounded: a task that never settles is KILLED then REROUTED after the grace period",
    { timeout: 10_000 },
    async () => {
      const app = testApp({ stopGraceMs: 100 });
      const hang = app.task("hang", async () => {
        await new Promise(() => {});
      });
      const tracked = trackInvocations(app);
      const loop = app.runner.run();
      const invocation = hang();
      await waitForStatus(app, invocation, S.RUNNING);
      const started = performance.now();
      await app.runner.stop();
      const elapsed = performance.now() - started;
      await loop;
      assert.ok(elapsed >= 90, `stop returned after ${elapsed} ms, before the grace period`);
      assert.ok(elapsed < 5_000, `stop took ${elapsed} ms`);
      assert.equal(app.runner.running, false);
      const statuses = (await invocation.history()).map((h) => h.status);
      assert.deepEqual(statuses.slice(-2), [S.KILLED, S.REROUTED], statuses.join(" > "));
      assert.equal(await invocation.status(), S.REROUTED);
      await assertValidHistories(app, tracked.ids);
    },
  );

  it(
    "lets a task that finishes within the grace period finish before stop resolves",
    { timeout: 10_000 },
    async () => {
      const app = testApp({ stopGraceMs: 5_000 });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let stopResolved = false;
      const finishing = app.task("finishing", async () => {
        await gate;
        return stopResolved ? "stop resolved first" : "finished first";
      });
      const tracked = trackInvocations(app);
      const loop = app.runner.run();
      const invocation = finishing();
      await waitForStatus(app, invocation, S.RUNNING);
      const stopping = app.runner.stop().then(() => (stopResolved = true));
      release();
      await stopping;
      await loop;
      assert.equal(await invocation.status(), S.SUCCESS);
      assert.equal(await invocation.result, "finished first");
      const statuses = (await invocation.history()).map((h) => h.status);
      assert.ok(!statuses.includes(S.KILLED), statuses.join(" > "));
      await assertValidHistories(app, tracked.ids);
    },
  );

  it("can run again after a stop and finish a rerouted invocation", { timeout: 10_000 }, async () => {
    const app = testApp({ stopGraceMs: 50 });
    let attempts = 0;
    const flaky = app.task("flaky", async () => {
      if (++attempts === 1) await new Promise(() => {});
      return attempts;
    });
    const tracked = trackInvocations(app);
    const loop = app.runner.run();
    const invocation = flaky();
    await waitForStatus(app, invocation, S.RUNNING);
    await app.runner.stop();
    await loop;
    assert.equal(await invocation.status(), S.REROUTED);
    await withRunner(app, async () => {
      // Bounded wait: a restarted runner that never claims it fails here instead of hanging.
      await waitForStatus(app, invocation, S.SUCCESS, { timeoutMs: 3_000 });
      assert.equal(await invocation.result, 2);
    });
    await assertValidHistories(app, tracked.ids);
  });
});

describe("runner lifecycle", () => {
  it("run() while running rejects with a RunnerError", async () => {
    const app = testApp();
    const one = app.task("one", async () => 1);
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      await assert.rejects(
        app.runner.run(),
        (e: unknown) => e instanceof RunnerError && /already running/.test(e.message),
      );
      assert.equal(app.runner.running, true);
      assert.equal(await one().result, 1, "the first loop still works");
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("`await using` the app stops its runner", async () => {
    let loop: Promise<void> | undefined;
    let runner: Tynenc["runner"] | undefined;
    let tracked: { ids: string[] } | undefined;
    let outer: Tynenc | undefined;
    {
      await using app = testApp();
      outer = app;
      tracked = trackInvocations(app);
      const one = app.task("one", async () => 1);
      runner = app.runner;
      loop = runner.run();
      assert.equal(await one().result, 1);
      assert.equal(runner.running, true);
      await assertValidHistories(outer, tracked.ids); // read before the close (a closed file is gone)
    }
    assert.equal(runner.running, false);
    await loop; // the loop has ended: this must not hang
  });

  it("app[Symbol.asyncDispose]() stops its runner", async () => {
    const app = testApp();
    const one = app.task("one", async () => 1);
    const tracked = trackInvocations(app);
    const loop = app.runner.run();
    assert.equal(await one().result, 1);
    await assertValidHistories(app, tracked.ids); // read before the close (a closed file is gone)
    await app[Symbol.asyncDispose]();
    assert.equal(app.runner.running, false);
    await loop;
  });
});

describe("idleness", () => {
  it(
    "an idle runner holds no timers and uses no CPU worth measuring",
    skipUnderRandomStoreDelays(),
    async () => {
      const app = testApp();
      const one = app.task("one", async () => 1);
      const tracked = trackInvocations(app);
      const before = timeouts();
      await withRunner(app, async () => {
        assert.equal(await one().result, 1);
        await nextTurn();
        assert.ok(timeouts() <= before, `Timeouts: ${before} before the runner, ${timeouts()} while idle`);
        const start = process.cpuUsage();
        // Measuring idleness is the one place a fixed wait is legitimate.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const used = cpuMsSince(start);
        assert.ok(used < 50, `idle runner used ${used} ms of CPU in 300 ms`);
      });
      await assertValidHistories(app, tracked.ids);
    },
  );

  it("a main program awaiting a task that waits 300 ms on a timer uses little CPU", async () => {
    const app = testApp();
    const slow = app.task("slow", async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return "done";
    });
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const invocation = slow();
      await waitForStatus(app, invocation, S.RUNNING);
      const start = process.cpuUsage();
      assert.equal(await invocation.result, "done");
      const used = cpuMsSince(start);
      assert.ok(used < 50, `awaiting used ${used} ms of CPU`);
    });
    await assertValidHistories(app, tracked.ids);
  });
});

describe("logging", () => {
  it("at debug, fib(3) on one slot explains registration, claim, pause, resume, hand-over and success", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "debug" });
    const fib = fibTask(app);
    const tracked = trackInvocations(app);
    const top = fib(3);
    assert.equal(await withRunner(app, () => top.result), 2);
    const lines = logger.lines;
    const about = (id: string) => (l: CapturedLine) => l.fields.invocation === id;
    const root = about(top.id);
    const firstChild = tracked.ids[1]!;
    assertInOrder(lines, [
      ["REGISTERED", (l) => root(l) && l.msg.includes("REGISTERED")],
      ["Claimed", (l) => root(l) && l.msg.startsWith("Claimed")],
      ["RUNNING", (l) => root(l) && l.msg === "RUNNING"],
      ["PAUSED waiting for the child", (l) => root(l) && l.msg === `PAUSED waiting for ${firstChild}`],
      ["child RUNNING", (l) => about(firstChild)(l) && l.msg === "RUNNING"],
      ["child SUCCESS", (l) => about(firstChild)(l) && l.msg === "SUCCESS"],
      ["RESUMED", (l) => root(l) && l.msg.startsWith("RESUMED")],
      ["Slot handed", (l) => root(l) && l.msg.startsWith("Slot handed to resumed invocation")],
      ["SUCCESS", (l) => root(l) && l.msg === "SUCCESS"],
    ]);
    // Every RESUMED line comes after the SUCCESS lines of all that its pause waited for.
    let resumes = 0;
    lines.forEach((line, i) => {
      if (!line.msg.startsWith("RESUMED")) return;
      resumes++;
      const waiter = String(line.fields.invocation);
      const before = lines.slice(0, i);
      const pause = before.findLast((l) => l.fields.invocation === waiter && l.msg.startsWith("PAUSED"));
      const waited = pause!.msg.replace("PAUSED waiting for ", "").split(", ");
      for (const id of waited) {
        assert.ok(
          before.some((l) => l.fields.invocation === id && l.msg === "SUCCESS"),
          `${waiter} logged RESUMED before ${id} logged SUCCESS`,
        );
      }
    });
    assert.ok(resumes >= 2, `only ${resumes} RESUMED lines`);
    // Lines made inside an invocation carry runner, invocation and task.
    const inside = lines.filter(
      (l) => l.msg === "RUNNING" || l.msg.startsWith("PAUSED") || /^fib\(\d\) starts$/.test(l.msg),
    );
    assert.ok(inside.length >= 10, `only ${inside.length} lines`);
    for (const line of inside) {
      assert.equal(line.fields.runner, app.runner.id, line.msg);
      assert.equal(typeof line.fields.invocation, "string", line.msg);
      assert.equal(line.fields.task, "fib", line.msg);
    }
    // Every invocation is claimed, run and finished once: 5 invocations for fib(3).
    assert.equal(tracked.ids.length, 5);
    for (const id of tracked.ids) {
      assert.equal(lines.filter((l) => about(id)(l) && l.msg === "SUCCESS").length, 1, id);
    }
    await assertValidHistories(app, tracked.ids);
  });

  it("at info, none of the debug lines appear but the task's own lines do, with invocation context", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "info" });
    const fib = fibTask(app);
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => fib(3).result), 2);
    const lines = logger.lines;
    assert.deepEqual(
      lines.filter((l) => l.level === "debug"),
      [],
    );
    for (const msg of ["REGISTERED", "Claimed", "PAUSED", "RESUMED", "Slot handed", "SUCCESS"]) {
      assert.ok(!lines.some((l) => l.msg.includes(msg)), `"${msg}" logged at info`);
    }
    const own = lines.filter((l) => /^fib\(\d\) starts$/.test(l.msg));
    assert.equal(own.length, 5);
    assert.deepEqual(new Set(own.map((l) => l.fields.invocation)), new Set(tracked.ids));
    for (const line of own) {
      assert.equal(line.level, "info");
      assert.equal(line.fields.task, "fib");
      assert.equal(line.fields.runner, app.runner.id);
    }
    await assertValidHistories(app, tracked.ids);
  });

  it("task.logger outside an invocation logs with the task's context only", () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "info" });
    const fib = fibTask(app);
    fib.logger.info("from the main program");
    const line = logger.lines.find((l) => l.msg === "from the main program");
    assert.ok(line);
    assert.equal(line.fields.task, "fib");
    assert.equal(line.fields.invocation, undefined);
  });
});

describe("app.events", () => {
  it("a throwing invocation:status listener does not break the run, and is logged at error", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "error" });
    const child = app.task("child", async () => 20);
    const parent = app.task("parent", async () => (await child().result) + 1);
    let calls = 0;
    app.events.on("invocation:status", () => {
      calls++;
      throw new Error("listener boom");
    });
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => parent().result), 21);
    assert.ok(calls > 0);
    const errors = logger.lines.filter((l) => l.level === "error");
    assert.ok(errors.length > 0, "the listener's failure is logged");
    assert.ok(
      errors.every(
        (l) => /listener/i.test(l.msg) && (l.fields.error as Error | undefined)?.message === "listener boom",
      ),
      errors.map((l) => l.msg).join("\n"),
    );
    assert.equal(tracked.ids.length, 2, "listeners after the throwing one still ran");
    await assertValidHistories(app, tracked.ids);
  });

  it("a rejecting async listener does not break the run either", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "error" });
    const one = app.task("one", async () => 1);
    app.events.on("invocation:status", async () => {
      throw new Error("async listener boom");
    });
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => one().result), 1);
    await waitUntil(app, () => logger.lines.some((l) => l.level === "error"), "the rejection to be logged");
    await assertValidHistories(app, tracked.ids);
  });
});
