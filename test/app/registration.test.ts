import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import {
  ConfigError,
  InvocationStatus as S,
  memoryBackend,
  type Backend,
  type OrchestratorStore,
  SerializationError,
  TaskRegistrationError,
  Tynenc,
  UnknownTaskError,
} from "../../src/index.js";
import { assertValidHistories, trackInvocations } from "../../src/testing/index.js";
import { captureLogger, testApp, thrown, withRunner } from "../helpers.js";

describe("app.task: registration and task ids", () => {
  it("registers app.task(name, fn) under the given name and runs it", async () => {
    const app = testApp();
    const add = app.task("add", async (a: number, b: number) => a + b);
    assert.equal(add.id, "add");
    assert.equal(app.getTask("add"), add);
    const tracked = trackInvocations(app);
    const invocation = add(2, 3);
    assert.equal(invocation.task.id, "add");
    assert.equal(await withRunner(app, () => invocation.result), 5);
    await assertValidHistories(app, tracked.ids);
  });

  it("uses a named function's own name for app.task(fn)", async () => {
    const app = testApp();
    async function double(n: number): Promise<number> {
      return n * 2;
    }
    const task = app.task(double);
    assert.equal(task.id, "double");
    assert.equal(app.getTask("double"), task);
    assert.equal(task.fn, double);
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => task(21).result), 42);
    await assertValidHistories(app, tracked.ids);
  });

  it("uses the inferred name of an arrow function assigned to a const", () => {
    const app = testApp();
    const triple = async (n: number) => n * 3;
    assert.equal(app.task(triple).id, "triple");
  });

  it("prefers options.name over the function's own name for app.task(fn, { name })", async () => {
    const app = testApp();
    async function ownName(): Promise<string> {
      return "ran";
    }
    const task = app.task(ownName, { name: "custom.id" });
    assert.equal(task.id, "custom.id");
    assert.equal(app.getTask("custom.id"), task);
    assert.throws(() => app.getTask("ownName"), UnknownTaskError);
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => task().result), "ran");
    await assertValidHistories(app, tracked.ids);
  });

  it("accepts letters, digits and _ . : - in an id", () => {
    const app = testApp();
    const id = "module.sub:Task_1-v2";
    assert.equal(app.task(id, async () => 1).id, id);
  });

  it("rejects a duplicate id, naming the id and the app", () => {
    const app = testApp({ appId: "dup_app" });
    app.task("same", async () => 1);
    const error = thrown(() => app.task("same", async () => 2));
    assert.ok(error instanceof TaskRegistrationError, `got ${error.name}`);
    assert.match(error.message, /"same"/);
    assert.match(error.message, /dup_app/);
  });

  it("rejects a duplicate that comes from a function name or options.name too", () => {
    const app = testApp();
    async function job(): Promise<number> {
      return 1;
    }
    app.task(job);
    assert.throws(() => app.task("job", async () => 2), TaskRegistrationError);
    assert.throws(() => app.task(async () => 3, { name: "job" }), TaskRegistrationError);
  });

  it("keeps the first task when a duplicate is rejected", () => {
    const app = testApp();
    const first = app.task("keep", async () => 1);
    assert.throws(() => app.task("keep", async () => 2), TaskRegistrationError);
    assert.equal(app.getTask("keep"), first);
  });

  it("rejects an anonymous function without a name, saying how to name it", () => {
    const app = testApp();
    const anonymous = [async () => 1][0]!; // an arrow in an array literal gets no inferred name
    assert.equal(anonymous.name, "");
    const error = thrown(() => app.task(anonymous));
    assert.ok(error instanceof TaskRegistrationError, `got ${error.name}`);
    assert.match(error.message, /app\.task\("name", fn\)/);
    assert.match(error.message, /\{ name \}/);
  });

  it("rejects something that is not a function", () => {
    const app = testApp();
    const error = thrown(() => app.task("notFn", 42 as never));
    assert.ok(error instanceof TaskRegistrationError, `got ${error.name}`);
    assert.match(error.message, /async function/);
    assert.match(error.message, /number/);
    assert.throws(() => app.task("nullFn", null as never), TaskRegistrationError);
    assert.throws(() => app.task("objFn", {} as never), TaskRegistrationError);
  });

  it("describes the value given when app.task(value) gets no function at all", () => {
    const app = testApp();
    const error = thrown(() => app.task(42 as never));
    assert.ok(error instanceof TaskRegistrationError, `got ${error.name}`);
    // The message must describe what was passed (a number), not the absent second argument.
    assert.match(error.message, /number/);
  });

  it("rejects generator and async generator functions", () => {
    const app = testApp();
    function* gen(): Generator<number> {
      yield 1;
    }
    async function* agen(): AsyncGenerator<number> {
      yield 1;
    }
    const sync = thrown(() => app.task("gen", gen as never));
    assert.ok(sync instanceof TaskRegistrationError, `got ${sync.name}`);
    assert.match(sync.message, /generator/);
    const async = thrown(() => app.task("agen", agen as never));
    assert.ok(async instanceof TaskRegistrationError, `got ${async.name}`);
    assert.match(async.message, /generator/);
    assert.throws(() => app.getTask("gen"), UnknownTaskError);
  });

  it("rejects ids with invalid characters, quoting the id", () => {
    const app = testApp();
    for (const bad of ["has space", "slash/id", "é", "semi;colon", "new\nline"]) {
      const error = thrown(() => app.task(bad, async () => 1));
      assert.ok(error instanceof TaskRegistrationError, `${JSON.stringify(bad)}: got ${error.name}`);
      assert.ok(error.message.includes(JSON.stringify(bad)), error.message);
      assert.match(error.message, /not valid/);
    }
    assert.throws(() => app.task(async () => 1, { name: "bad name" }), TaskRegistrationError);
  });

  it("app.getTask(unknown) throws UnknownTaskError listing the known ids", () => {
    const app = testApp({ appId: "known_app" });
    app.task("alpha", async () => 1);
    app.task("beta", async () => 2);
    const error = thrown(() => app.getTask("gamma"));
    assert.ok(error instanceof UnknownTaskError, `got ${error.name}`);
    assert.match(error.message, /"gamma"/);
    assert.match(error.message, /alpha/);
    assert.match(error.message, /beta/);
    assert.match(error.message, /known_app/);
  });
});

describe("unserializable arguments are rejected at the call", () => {
  const cases: { what: string; arg: () => unknown; pattern: RegExp }[] = [
    { what: "a function", arg: () => () => 1, pattern: /function/ },
    { what: "a symbol", arg: () => Symbol("s"), pattern: /symbol/ },
    {
      what: "a cyclic object",
      arg: () => {
        const node: { name: string; self?: unknown } = { name: "n" };
        node.self = node;
        return node;
      },
      pattern: /cycle/,
    },
  ];

  for (const { what, arg, pattern } of cases) {
    it(`throws SerializationError synchronously for ${what}, naming the task and position`, async () => {
      const app = testApp();
      const take = app.task("take", async (..._args: unknown[]) => "ok");
      const tracked = trackInvocations(app);
      const error = thrown(() => take("fine", arg()));
      assert.ok(error instanceof SerializationError, `got ${error.name}: ${error.message}`);
      assert.match(error.message, /"take"/);
      assert.match(error.message, /argument 2\b/);
      assert.match(error.message, pattern);
      await app.registrar.settled();
      assert.deepEqual(tracked.ids, [], "nothing may be registered for a rejected call");
      // A valid call afterwards is registered and runs: the tracking does see registrations.
      assert.equal(await withRunner(app, () => take("fine").result), "ok");
      assert.equal(tracked.ids.length, 1);
      await assertValidHistories(app, tracked.ids);
    });
  }

  it("names the first argument when it is the bad one", () => {
    const app = testApp();
    const take = app.task("first", async (_f: unknown) => 1);
    const error = thrown(() => take(() => 0));
    assert.ok(error instanceof SerializationError);
    assert.match(error.message, /argument 1 of task "first"/);
  });
});

describe("unserializable results", () => {
  it("end the invocation FAILED with a SerializationError naming the task", async () => {
    const app = testApp();
    const makesFn = app.task("makesFn", async () => () => "code, not data");
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const invocation = makesFn();
      await assert.rejects(invocation.result, (error: unknown) => {
        assert.ok(error instanceof SerializationError, `got ${String(error)}`);
        assert.match(error.message, /result of task "makesFn"/);
        return true;
      });
      assert.equal(await invocation.status(), S.FAILED);
      const history = await invocation.history();
      assert.equal(history.at(-1)?.status, S.FAILED);
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("fail the caller of a task whose result cannot be serialized, and the error reaches the main program", async () => {
    const app = testApp();
    const makesSymbol = app.task("makesSymbol", async () => Symbol("nope"));
    const caller = app.task("caller", async (): Promise<string> => {
      try {
        await makesSymbol().result;
        return "no error";
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    });
    const tracked = trackInvocations(app);
    const seen = await withRunner(app, () => caller().result);
    assert.match(seen, /^SerializationError: .*"makesSymbol"/);
    await assertValidHistories(app, tracked.ids);
  });
});

describe("task functions that are not async", () => {
  it("still work and log one warning naming the task and saying to declare it async", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "warn" });
    const plain = (n: number) => n * 10;
    const task = app.task("plainTask", plain as unknown as (n: number) => Promise<number>);
    const tracked = trackInvocations(app);
    const results = await withRunner(app, async () => [await task(1).result, await task(2).result]);
    assert.deepEqual(results, [10, 20]);
    const warnings = logger.lines.filter((l) => l.level === "warn");
    assert.equal(warnings.length, 1, warnings.map((w) => w.msg).join("\n"));
    assert.match(warnings[0]!.msg, /"plainTask"/);
    assert.match(warnings[0]!.msg, /async/);
    await assertValidHistories(app, tracked.ids);
  });

  it("report a synchronous throw as the invocation's failure", async () => {
    const app = testApp();
    const throwing = (): never => {
      throw new RangeError("sync throw");
    };
    const task = app.task("syncThrow", throwing as unknown as () => Promise<never>);
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const invocation = task();
      await assert.rejects(
        invocation.result,
        (e: unknown) => e instanceof RangeError && e.message === "sync throw",
      );
      assert.equal(await invocation.status(), S.FAILED);
    });
    await assertValidHistories(app, tracked.ids);
  });
});

describe("invalid configuration", () => {
  const quiet = { logger: captureLogger() };

  it("maxParallelSlots: 0 in the constructor is a ConfigError naming field, value and accepted range", () => {
    const error = thrown(() => new Tynenc({ ...quiet, maxParallelSlots: 0 }));
    assert.ok(error instanceof ConfigError, `got ${error.name}`);
    assert.match(error.message, /maxParallelSlots/);
    assert.match(error.message, /\b0\b/);
    assert.match(error.message, /integer from 1 to 10000/);
  });

  it('loggingLevel: "loud" in the constructor is a ConfigError listing the accepted levels', () => {
    const error = thrown(() => new Tynenc({ ...quiet, loggingLevel: "loud" as never }));
    assert.ok(error instanceof ConfigError, `got ${error.name}`);
    assert.match(error.message, /loggingLevel/);
    assert.match(error.message, /"loud"/);
    for (const level of ["debug", "info", "warn", "error", "silent"])
      assert.match(error.message, new RegExp(level));
  });

  it("a wrong type in the constructor is a ConfigError", () => {
    const error = thrown(() => new Tynenc({ ...quiet, maxParallelSlots: "4" as never }));
    assert.ok(error instanceof ConfigError, `got ${error.name}`);
    assert.match(error.message, /maxParallelSlots/);
  });

  it("app.conf.maxParallelSlots = -1 is a ConfigError and keeps the old value", () => {
    const app = testApp({ maxParallelSlots: 3 });
    const error = thrown(() => {
      app.conf.maxParallelSlots = -1;
    });
    assert.ok(error instanceof ConfigError, `got ${error.name}`);
    assert.match(error.message, /maxParallelSlots/);
    assert.match(error.message, /-1/);
    assert.match(error.message, /integer from 1 to 10000/);
    assert.equal(app.conf.maxParallelSlots, 3);
    app.conf.maxParallelSlots = 2;
    assert.equal(app.conf.maxParallelSlots, 2);
  });

  it("a task option with a bad value is rejected at registration", () => {
    const app = testApp();
    assert.throws(() => app.task("badOpt", async () => 1, { maxRetries: -5 }), ConfigError);
  });
});

describe("results awaited before their registration is written", () => {
  it("waits for the write of its own batch, even when a later batch starts before an earlier one is written", async () => {
    const inner = memoryBackend();
    const store = inner.orchestratorStore;
    // Every registration takes 20 ms to write, like a slow network store.
    const slow: Backend = {
      ...inner,
      orchestratorStore: Object.assign(Object.create(store) as OrchestratorStore, {
        register: async (...args: Parameters<OrchestratorStore["register"]>) => {
          await delay(20);
          return store.register(...args);
        },
      }),
    };
    const app = testApp({ backend: slow, maxParallelSlots: 2 });
    const double = app.task("double", async (n: number) => n * 2);
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      const first = double(1).result; // batch 1, awaited at once
      const firstDone = first.then((v) => v);
      await new Promise((resolve) => setImmediate(resolve)); // batch 1 is being written
      const second = double(2).result; // batch 2 starts while batch 1 is still being written
      assert.deepEqual(await Promise.all([firstDone, second]), [2, 4]);
    });
    await assertValidHistories(app, tracked.ids);
  });
});
