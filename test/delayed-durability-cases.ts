/**
 * Delayed calls on a store shared across restarts and runners (SQLite, Redis): a delayed call made by
 * an app that then closes runs, once due, on a runner opened later on the same store; many runners on
 * one store run each delayed call exactly once and never before its time, also a call a paused task
 * awaits (every runner sees it in the wait graph).
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { InvocationStatus as S, Tynenc, type Backend, type Invocation } from "../src/index.js";
import { assertValidHistories, waitForStatus } from "../src/testing/index.js";
import { captureLogger, firstAt } from "./helpers.js";

/** Opens the store again (a new backend, a new connection) each time; `close()` removes it. */
export interface SharedStore {
  open(): Backend;
  close(): Promise<void>;
}

function appOn(backend: Backend, slots = 1): Tynenc {
  return new Tynenc({
    appId: "test",
    backend,
    loggingLevel: "error",
    logger: captureLogger(),
    maxParallelSlots: slots,
    stopGraceMs: 200,
  });
}

async function assertRanOnceNotBefore(invocation: Invocation<unknown>, dueAt: number): Promise<void> {
  const history = await invocation.history();
  assert.equal(history.filter((h) => h.status === S.RUNNING).length, 1, "ran exactly once");
  const claimedAt = firstAt(history, S.PENDING);
  if (claimedAt < dueAt) {
    const { id } = await invocation.registered;
    assert.fail(
      `${id} claimed ${dueAt - claimedAt} ms before its due time ${dueAt}: ${JSON.stringify(history)}`,
    );
  }
}

export function delayedDurabilityCases(store: () => Promise<SharedStore>, skip: { skip?: string }): void {
  /** Bounded: a delayed call nobody runs fails the test instead of hanging it. */
  const options = { ...skip, timeout: 30_000 };
  it(
    "a delayed call made by an app that closed runs when due on a runner opened later",
    options,
    async () => {
      const shared = await store();
      try {
        const caller = appOn(shared.open());
        caller.task("add", async (a: number, b: number) => a + b);
        const add = caller.task("later", async (a: number, b: number) => a * b);
        const made = add.with({ delayMs: 500 })(6, 7);
        await made.registered;
        const id = made.id;
        const dueAt = (await caller.backend.stateBackend.getInvocation(id))?.dueAt;
        assert.ok(dueAt !== undefined);
        await caller.close();

        const runner = appOn(shared.open());
        runner.task("add", async (a: number, b: number) => a + b);
        runner.task("later", async (a: number, b: number) => a * b);
        const loop = runner.runner.run();
        try {
          const found = await runner.getInvocation<number>(id);
          assert.equal((await runner.backend.stateBackend.getInvocation(id))?.dueAt, dueAt, "kept");
          assert.equal(await found.result, 42);
          await assertRanOnceNotBefore(found, dueAt);
        } finally {
          await runner.runner.stop();
          await loop;
          await runner.close();
        }
      } finally {
        await shared.close();
      }
    },
  );

  it(
    "a runner already idle runs a delayed call a client made and closed before it was due",
    options,
    async () => {
      const shared = await store();
      const runner = appOn(shared.open());
      const define = (app: Tynenc) => app.task("later", async (a: number, b: number) => a * b);
      define(runner);
      const warm = runner.task("warm", async () => "ok");
      const loop = runner.runner.run();
      try {
        assert.equal(await warm().result, "ok"); // the runner has looked at the queue and is idle now
        const client = appOn(shared.open());
        const made = define(client).with({ delayMs: 400 })(6, 7);
        await made.registered;
        const id = made.id;
        const dueAt = (await client.backend.stateBackend.getInvocation(id))?.dueAt;
        assert.ok(dueAt !== undefined);
        await client.close(); // its broker's timer goes with it
        const found = await runner.getInvocation<number>(id);
        assert.equal(await found.result, 42);
        await assertRanOnceNotBefore(found, dueAt);
      } finally {
        await runner.runner.stop();
        await loop;
        await runner.close();
        await shared.close();
      }
    },
  );

  it(
    "many runners on one store run each delayed call exactly once, none before its time",
    options,
    async () => {
      const shared = await store();
      const apps: Tynenc[] = [];
      const loops: Promise<void>[] = [];
      const runs = new Map<number, number>();
      const children: { invocation: Invocation<number>; dueAt: number }[] = [];
      const define = (app: Tynenc) => {
        const count = app.task("count", async (n: number) => {
          runs.set(n, (runs.get(n) ?? 0) + 1);
          return n;
        });
        // Its delayed child is waited on by a paused task: every runner sees it in the wait graph.
        const parent = app.task("parent", async (n: number): Promise<number> => {
          const dueAt = Date.now() + 400;
          const child = count.with({ runAt: new Date(dueAt) })(n);
          children.push({ invocation: child, dueAt });
          return (await child.result) + 1000;
        });
        return { count, parent };
      };
      try {
        for (let i = 0; i < 3; i++) apps.push(appOn(shared.open(), 2));
        const tasks = apps.map(define);
        for (const app of apps) loops.push(app.runner.run());
        const { count, parent } = tasks[0]!;
        const before = Date.now();
        const group = count.with({ delayMs: 400 }).parallelize(Array.from({ length: 20 }, (_, n) => [n]));
        const waiting = parent(100);
        await waitForStatus(apps[0]!, waiting, S.PAUSED);
        assert.deepEqual(
          await group.results(),
          Array.from({ length: 20 }, (_, n) => n),
        );
        assert.equal(await waiting.result, 1100);
        for (const invocation of group) await assertRanOnceNotBefore(invocation, before + 400);
        assert.equal(children.length, 1);
        await assertRanOnceNotBefore(children[0]!.invocation, children[0]!.dueAt);
        assert.deepEqual(
          [...runs.entries()].sort((a, b) => a[0] - b[0]),
          [...Array.from({ length: 20 }, (_, n) => [n, 1]), [100, 1]],
        );
        const ids = [...group].map((i) => i.id).concat(waiting.id, children[0]!.invocation.id);
        await assertValidHistories(apps[0]!, ids);
      } finally {
        for (const app of apps) await app.runner.stop().catch(() => {});
        await Promise.all(loops);
        for (const app of apps) await app.close();
        await shared.close();
      }
    },
  );
}
