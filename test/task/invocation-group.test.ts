import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Invocation, InvocationStatus as S, type Tynenc } from "../../src/index.js";
import type { InvocationClient } from "../../src/invocation/invocation.js";
import { InvocationGroup, type GroupOutcome } from "../../src/task/invocation-group.js";
import { assertValidHistories, histories, trackInvocations } from "../../src/testing/index.js";
import { testApp, withRunner } from "../helpers.js";

class Boom extends Error {
  constructor(readonly n: number) {
    super(`boom ${n}`);
    this.name = "Boom";
  }
}

/** A 1,000-invocation app whose later calls often finish first, and where `fails(n)` ones throw. */
function squaresApp(fails: (n: number) => boolean = () => false) {
  const app = testApp({ maxParallelSlots: 4 });
  app.registerClass(Boom);
  const square = app.task("square", async (n: number) => {
    await new Promise((resolve) => setTimeout(resolve, 4 - (n % 5)));
    if (fails(n)) throw new Boom(n);
    return n * n;
  });
  const group = (count: number) => new InvocationGroup(Array.from({ length: count }, (_, n) => square(n)));
  return { app, square, group };
}

/** Indexes ordered by the position of each invocation's final status in the backend. */
async function finalOrder(app: Tynenc, group: InvocationGroup<unknown>): Promise<number[]> {
  const all = await histories(
    app,
    group.invocations.map((i) => i.id),
  );
  const finalSeq = all.map((history) => history.at(-1)!.seq);
  return finalSeq.map((_, i) => i).sort((a, b) => finalSeq[a]! - finalSeq[b]!);
}

async function collect<R>(iterable: AsyncIterable<GroupOutcome<R>>): Promise<GroupOutcome<R>[]> {
  const outcomes: GroupOutcome<R>[] = [];
  for await (const outcome of iterable) outcomes.push(outcome);
  return outcomes;
}

/** Handles whose results the test settles by hand, in any order, without a runner. */
function manualGroup(count: number) {
  const settlers: { resolve(v: number): void; reject(e: unknown): void }[] = [];
  const client: InvocationClient = {
    status: async () => S.REGISTERED,
    history: async () => [],
    cancel: async () => false,
    result: <R>() =>
      new Promise<R>((resolve, reject) => {
        settlers.push({ resolve: (v) => resolve(v as R), reject });
      }),
  };
  const invocations = Array.from(
    { length: count },
    (_, n) => new Invocation<number>(`id-${n}`, { id: "manual" }, [n], null, client),
  );
  const group = new InvocationGroup(invocations);
  for (const invocation of invocations) void invocation.result.catch(() => {}); // creates the settlers
  return { group, settlers };
}

describe("InvocationGroup", () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(() => process.on("unhandledRejection", onUnhandled));
  after(() => {
    process.off("unhandledRejection", onUnhandled);
    assert.deepEqual(unhandled, [], "no unhandled rejections");
  });

  it("gives 1,000 results in input order although they complete in another order", async () => {
    const { app, group } = squaresApp();
    const tracked = trackInvocations(app);
    const g = group(1000);
    const values = await withRunner(app, () => g.results());
    assert.deepEqual(
      values,
      Array.from({ length: 1000 }, (_, n) => n * n),
    );
    const order = await finalOrder(app, g);
    assert.notDeepEqual(
      order,
      [...order].sort((a, b) => a - b),
      "completion order differs from input",
    );
    await assertValidHistories(app, tracked.ids);
  });

  it("rejects results() with the failure and reports it in settled()", async () => {
    const { app, group } = squaresApp((n) => n === 333);
    const tracked = trackInvocations(app);
    const g = group(1000);
    await withRunner(app, async () => {
      await assert.rejects(g.results(), (error) => error instanceof Boom && error.n === 333);
      const settled = await g.settled();
      assert.equal(settled.length, 1000);
      settled.forEach((result, n) => {
        if (n === 333) assert.ok(result.status === "rejected" && result.reason instanceof Boom);
        else assert.deepEqual(result, { status: "fulfilled", value: n * n });
      });
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("yields every outcome once, in completion order, and goes on after failures", async () => {
    const { app, group } = squaresApp((n) => n % 97 === 0);
    const tracked = trackInvocations(app);
    const g = group(1000);
    const outcomes = await withRunner(app, () => collect(g));
    assert.equal(outcomes.length, 1000);
    assert.deepEqual(new Set(outcomes.map((o) => o.index)).size, 1000);
    for (const outcome of outcomes) {
      assert.equal(outcome.invocation, g.invocations[outcome.index]);
      if (outcome.index % 97 === 0) assert.ok(!outcome.ok && outcome.error instanceof Boom);
      else assert.deepEqual(outcome.ok && outcome.value, outcome.index ** 2);
    }
    const yielded = outcomes.map((o) => o.index);
    assert.deepEqual(yielded, await finalOrder(app, g));
    assert.notDeepEqual(
      yielded,
      [...yielded].sort((a, b) => a - b),
    );
    await assertValidHistories(app, tracked.ids);
  });

  it("stops cleanly when the loop breaks early", async () => {
    const { app, group } = squaresApp((n) => n % 3 === 0);
    const tracked = trackInvocations(app);
    const g = group(200);
    await withRunner(app, async () => {
      const iterator = g.asCompleted();
      let seen = 0;
      for await (const _ of iterator) if (++seen === 10) break;
      assert.equal(seen, 10);
      assert.deepEqual(await iterator.next(), { done: true, value: undefined });
      await g.settled(); // everything still finishes; nothing rejects unhandled
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("handles an empty group", async () => {
    const g = new InvocationGroup<number>([]);
    assert.equal(g.size, 0);
    assert.deepEqual([...g], []);
    assert.deepEqual(await g.results(), []);
    assert.deepEqual(await g.settled(), []);
    assert.deepEqual(await collect(g), []);
    assert.deepEqual(await g.statusCounts(), {});
  });

  it("iterates its invocations in input order and keeps its own copy", async () => {
    const { app, square } = squaresApp();
    const list = [square(1), square(2), square(3)];
    const g = new InvocationGroup(list);
    list.pop();
    assert.equal(g.size, 3);
    assert.deepEqual(
      [...g].map((i) => i.args),
      [[1], [2], [3]],
    );
    const ids: string[] = [];
    for (const invocation of g) ids.push(invocation.id);
    assert.deepEqual(
      ids,
      g.invocations.map((i) => i.id),
    );
    assert.ok(Object.isFrozen(g.invocations));
    assert.equal(String(g), "InvocationGroup(3)");
    await withRunner(app, () => g.results());
  });

  it("counts invocations by status", async () => {
    const { app, group } = squaresApp((n) => n === 7);
    const tracked = trackInvocations(app);
    const g = group(20);
    assert.deepEqual(await g.statusCounts(), { [S.REGISTERED]: 20 });
    await withRunner(app, () => g.settled());
    assert.deepEqual(await g.statusCounts(), { [S.SUCCESS]: 19, [S.FAILED]: 1 });
    await assertValidHistories(app, tracked.ids);
  });
});

describe("InvocationGroup awaited inside a task", () => {
  it("lets a parent with one slot await 50 children's results in one pause", async () => {
    const app = testApp({ maxParallelSlots: 1 });
    const child = app.task("child", async (n: number) => n + 1);
    const parent = app.task("parent", async () => {
      const g = new InvocationGroup(Array.from({ length: 50 }, (_, n) => child(n)));
      return (await g.results()).reduce((a, b) => a + b, 0);
    });
    const tracked = trackInvocations(app);
    assert.equal(await withRunner(app, () => parent().result), (50 * 51) / 2);
    const [p] = await histories(app, tracked.ids);
    assert.equal(p!.filter((h) => h.status === S.PAUSED).length, 1);
    await assertValidHistories(app, tracked.ids);
  });

  it("lets a parent with one slot read settled() of children, failures included", async () => {
    const app = testApp({ maxParallelSlots: 1 });
    app.registerClass(Boom);
    const child = app.task("child", async (n: number) => {
      if (n === 3) throw new Boom(n);
      return n;
    });
    const parent = app.task("parent", async () => {
      const g = new InvocationGroup(Array.from({ length: 10 }, (_, n) => child(n)));
      return (await g.settled()).map((r) => r.status);
    });
    const tracked = trackInvocations(app);
    const statuses = await withRunner(app, () => parent().result);
    assert.deepEqual(statuses, [
      ...Array<string>(3).fill("fulfilled"),
      "rejected",
      ...Array<string>(6).fill("fulfilled"),
    ]);
    await assertValidHistories(app, tracked.ids);
  });

  it("lets a parent with one slot iterate children as they complete", async () => {
    const app = testApp({ maxParallelSlots: 1 });
    app.registerClass(Boom);
    const child = app.task("child", async (n: number) => {
      if (n === 5) throw new Boom(n);
      return n;
    });
    const parent = app.task("parent", async () => {
      const g = new InvocationGroup(Array.from({ length: 30 }, (_, n) => child(n)));
      const seen: (number | string)[] = [];
      for await (const outcome of g.asCompleted())
        seen.push(outcome.ok ? outcome.value : `failed ${outcome.index}`);
      return seen;
    });
    const tracked = trackInvocations(app);
    const seen = await withRunner(app, () => parent().result);
    assert.equal(seen.length, 30);
    assert.deepEqual(
      [...seen].sort(),
      [...Array.from({ length: 30 }, (_, n) => (n === 5 ? "failed 5" : n))].sort(),
    );
    await assertValidHistories(app, tracked.ids);
  });
  it("streams completion order to a parent task that shares four slots with its children", async () => {
    const { app, square } = squaresApp((n) => n % 50 === 0);
    let g: InvocationGroup<number> | undefined;
    const parent = app.task("parent", async () => {
      g = new InvocationGroup(Array.from({ length: 200 }, (_, n) => square(n)));
      const order: number[] = [];
      for await (const outcome of g.asCompleted()) order.push(outcome.index);
      return order;
    });
    const tracked = trackInvocations(app);
    const order = await withRunner(app, () => parent().result);
    assert.deepEqual(order, await finalOrder(app, g!));
    const [p] = await histories(app, tracked.ids);
    assert.ok(p!.filter((h) => h.status === S.PAUSED).length > 1, "yields before all are done");
    await assertValidHistories(app, tracked.ids);
  });
});

describe("InvocationGroup with hand-settled results", () => {
  it("yields 10,000 outcomes in the order they settle, quickly", async () => {
    const count = 10_000;
    const { group, settlers } = manualGroup(count);
    const order = Array.from({ length: count }, (_, n) => (n * 7919) % count); // a permutation
    const iterator = group.asCompleted();
    const started = performance.now();
    const consumed = (async () => {
      const seen: number[] = [];
      for await (const outcome of iterator) seen.push(outcome.index);
      return seen;
    })();
    for (const [step, n] of order.entries()) {
      if (n % 1000 === 1) settlers[n]!.reject(new Error(`fail ${n}`));
      else settlers[n]!.resolve(n);
      if (step % 100 === 0) await new Promise((resolve) => setImmediate(resolve)); // consumer waits too
    }
    assert.deepEqual(await consumed, order);
    assert.ok(performance.now() - started < 2000, "linear in the group's size");
  });

  it("rejects results() with the failure that comes first in time, like Promise.all", async () => {
    const { group, settlers } = manualGroup(10);
    const results = group.results();
    settlers[7]!.reject(new Error("seven"));
    settlers[2]!.reject(new Error("two"));
    await assert.rejects(results, /seven/);
  });

  it("answers several pending next() calls in turn and ends them all", async () => {
    const { group, settlers } = manualGroup(3);
    const iterator = group[Symbol.asyncIterator]();
    const pending = [iterator.next(), iterator.next(), iterator.next(), iterator.next()];
    settlers[1]!.resolve(1);
    settlers[0]!.reject(new Error("zero"));
    settlers[2]!.resolve(2);
    const steps = await Promise.all(pending);
    assert.deepEqual(
      steps.map((s) => (s.done ? "done" : s.value.index)),
      [1, 0, 2, "done"],
    );
  });

  it("ends pending next() calls on return()", async () => {
    const { group, settlers } = manualGroup(2);
    const iterator = group.asCompleted();
    const pending = iterator.next();
    assert.deepEqual(await iterator.return!(), { done: true, value: undefined });
    assert.deepEqual(await pending, { done: true, value: undefined });
    settlers[0]!.resolve(0);
    settlers[1]!.reject(new Error("late"));
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });

  it("yields outcomes that completed before iteration began", async () => {
    const { group, settlers } = manualGroup(3);
    const iterator = group.asCompleted();
    settlers[2]!.resolve(2);
    settlers[0]!.resolve(0);
    await new Promise((resolve) => setImmediate(resolve));
    settlers[1]!.resolve(1);
    const outcomes = await collect(iterator);
    assert.deepEqual(
      outcomes.map((o) => o.index),
      [2, 0, 1],
    );
  });
});
