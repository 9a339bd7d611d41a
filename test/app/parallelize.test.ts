import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { describe, it } from "node:test";
import { expectTypeOf } from "expect-type";
import { InvocationStatus as S, SerializationError, type InvocationGroup } from "../../src/index.js";
import { assertValidHistories, histories, trackInvocations } from "../../src/testing/index.js";
import { testApp, withRunner } from "../helpers.js";

describe("task.parallelize", () => {
  it("registers 10,000 argument lists and returns their results in input order", async () => {
    const app = testApp({ maxParallelSlots: 4 });
    const double = app.task("double", async (n: number) => n * 2);
    const tracked = trackInvocations(app);
    const argsList = Array.from({ length: 10_000 }, (_, n): [number] => [n]);
    const started = performance.now();
    const group = double.parallelize(argsList);
    await app.registrar.settled();
    const elapsed = performance.now() - started;
    console.log(`parallelize: registered 10,000 invocations in ${elapsed.toFixed(1)} ms`);
    assert.equal(group.size, 10_000);
    assert.equal(tracked.ids.length, 10_000);
    assert.deepEqual(
      group.invocations.map((invocation) => invocation.id),
      tracked.ids,
      "registered in input order",
    );
    const results = await withRunner(app, () => group.results());
    assert.deepEqual(
      results,
      argsList.map(([n]) => n * 2),
    );
    await assertValidHistories(app, tracked.ids);
  });

  it("accepts any iterable, such as a generator", async () => {
    const app = testApp();
    const add = app.task("add", async (a: number, b: number) => a + b);
    function* pairs(): Generator<[number, number]> {
      for (let n = 0; n < 5; n++) yield [n, 10 * n];
    }
    const tracked = trackInvocations(app);
    const group = add.parallelize(pairs());
    assert.equal(group.size, 5);
    assert.deepEqual(
      group.invocations.map((invocation) => invocation.args),
      [...pairs()],
    );
    assert.deepEqual(await withRunner(app, () => group.results()), [0, 11, 22, 33, 44]);
    await assertValidHistories(app, tracked.ids);
  });

  it("also accepts a Set and an empty list", async () => {
    const app = testApp();
    const one = app.task("one", async (s: string) => s.length);
    const empty = one.parallelize([]);
    assert.equal(empty.size, 0);
    assert.deepEqual(await empty.results(), []);
    const tracked = trackInvocations(app);
    const group = one.parallelize(new Set<[string]>([["a"], ["bb"], ["ccc"]]));
    assert.deepEqual(await withRunner(app, () => group.results()), [1, 2, 3]);
    await assertValidHistories(app, tracked.ids);
  });

  it("throws at the call for an unserializable entry, naming the task, the entry's index and the argument", () => {
    const app = testApp();
    const take = app.task("take", async (_n: number, _f: unknown) => 1);
    assert.throws(
      () =>
        take.parallelize([
          [1, "ok"],
          [2, () => 3],
          [3, "ok"],
        ]),
      (e: unknown) =>
        e instanceof SerializationError &&
        /^Entry 1 \(0-based\) of take\.parallelize/.test(e.message) &&
        /argument 2/.test(e.message),
    );
  });

  it("throws for an entry that is not an argument list, naming its index, and registers none", async () => {
    const app = testApp();
    const square = app.task("square", async (n: number) => n * n);
    const tracked = trackInvocations(app);
    const fromJavaScript = [[1], 2, [3]] as unknown as [number][];
    assert.throws(
      () => square.parallelize(fromJavaScript),
      (e: unknown) =>
        e instanceof SerializationError &&
        /^Entry 1 \(0-based\) of square\.parallelize\(argsList\) is the number 2, not an argument list/.test(
          e.message,
        ),
    );
    await app.registrar.settled();
    assert.deepEqual(tracked.ids, []);
  });

  it("names the bad entry's index in devModeForceSyncTasks too", () => {
    const app = testApp({ devModeForceSyncTasks: true });
    const take = app.task("take", async (_n: number, _f: unknown) => 1);
    assert.throws(
      () =>
        take.parallelize([
          [1, "ok"],
          [2, Symbol("no")],
        ]),
      (e: unknown) => e instanceof SerializationError && /^Entry 1 \(0-based\)/.test(e.message),
    );
  });

  it("registers none of the argument lists when one cannot be serialized", async () => {
    const app = testApp();
    const take = app.task("take", async (_n: number, _f: unknown) => 1);
    const tracked = trackInvocations(app);
    assert.throws(
      () =>
        take.parallelize([
          [1, "ok"],
          [2, () => 3],
        ]),
      SerializationError,
    );
    await app.registrar.settled();
    assert.deepEqual(
      tracked.ids,
      [],
      "an argument list before the bad one was registered although the call threw: nobody holds its handle",
    );
  });

  it("inside a task with 1 slot: 100 children awaited with group.results() pause the parent once", async () => {
    const app = testApp({ maxParallelSlots: 1 });
    const square = app.task("square", async (n: number) => n * n);
    const parent = app.task("parent", async (count: number) => {
      const values = await square
        .parallelize(Array.from({ length: count }, (_, n): [number] => [n]))
        .results();
      return values.reduce((a, b) => a + b, 0);
    });
    const tracked = trackInvocations(app);
    const expected = Array.from({ length: 100 }, (_, n) => n * n).reduce((a, b) => a + b, 0);
    assert.equal(await withRunner(app, () => parent(100).result), expected);
    assert.equal(tracked.ids.length, 101);
    const [p, ...children] = await histories(app, tracked.ids);
    assert.equal(p!.filter((h) => h.status === S.PAUSED).length, 1);
    assert.equal(p!.at(-1)?.status, S.SUCCESS);
    for (const child of children) assert.equal(child.at(-1)?.status, S.SUCCESS);
    await assertValidHistories(app, tracked.ids);
  });

  it("is typed: parallelize returns InvocationGroup<R> and checks the argument lists", async () => {
    // Closed at the end: on a shared backend the unread results below would keep the process waiting.
    await using app = testApp();
    const toText = app.task("toText", async (n: number): Promise<string> => String(n));
    expectTypeOf(toText.parallelize([[1]])).toEqualTypeOf<InvocationGroup<string>>();
    const results = toText.parallelize([[1]]).results();
    // Never read: on a shared backend, closing the app rejects it (the connection goes), unhandled if left so.
    results.catch(() => {});
    expectTypeOf(results).toEqualTypeOf<Promise<string[]>>();
    // Registration happens at the calls above; these lines only have to type-check (or fail to).
    const typeErrors = () => {
      // @ts-expect-error a string where a number is expected
      toText.parallelize([["1"]]);
      // @ts-expect-error one argument too many
      toText.parallelize([[1, 2]]);
    };
    void typeErrors;
  });
});
