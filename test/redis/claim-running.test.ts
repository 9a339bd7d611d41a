/**
 * A ThreadRunner on Redis claims straight to RUNNING (Backend.claimNext, and Backend.finishAndClaim for
 * the slot a finish frees): histories stay legal, and a stop that comes between the claim and the start
 * kills and reroutes what the claim moved to RUNNING.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { Tynenc, type Invocation } from "../../src/index.js";
import type { Backend } from "../../src/backends/backend.js";
import { loadIoredis } from "../../src/backends/redis/driver.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import { historyProblems, waitUntil, withRunner } from "../../src/testing/index.js";
import { deleteKeys, needsRedis, TEST_REDIS_URL } from "../redis-context.js";

const S = InvocationStatus;
const redis = await needsRedis();

async function withApp(
  body: (app: Tynenc, backend: Backend) => Promise<void>,
  maxParallelSlots = 2,
  stopGraceMs?: number,
): Promise<void> {
  const client = new (loadIoredis())(TEST_REDIS_URL, {});
  const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
  const backend = redisBackend({ client, appId: "claim-running", keyPrefix });
  const app = new Tynenc({
    appId: "claim-running",
    loggingLevel: "error",
    maxParallelSlots,
    backend,
    stopGraceMs,
  });
  try {
    await body(app, backend);
  } finally {
    await app.close();
    await deleteKeys(client, keyPrefix);
    client.disconnect();
  }
}

/** Killed and rerouted by the stop, with a legal history, and back in the queue for another runner. */
async function assertRerouted(invocation: Invocation<unknown>, backend: Backend): Promise<void> {
  const history = await invocation.history();
  assert.deepEqual(
    history.map((h) => h.status),
    [S.REGISTERED, S.PENDING, S.RUNNING, S.KILLED, S.REROUTED],
  );
  assert.deepEqual(historyProblems(history), []);
  assert.equal(await backend.broker.count(), 1, "back in the queue for another runner");
}

void describe("ThreadRunner on Redis, RUNNING at claim", { ...redis }, () => {
  void it("runs with the history REGISTERED PENDING RUNNING SUCCESS", async () => {
    await withApp(async (app) => {
      const add = app.task("add", async (a: number, b: number) => a + b);
      await withRunner(app, async () => {
        const invocation = add(1, 2);
        assert.equal(await invocation.result, 3);
        const history = await invocation.history();
        assert.deepEqual(
          history.map((h) => h.status),
          [S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS],
        );
        assert.deepEqual(historyProblems(history), []);
      });
    });
  });

  void it("a stop between the claim and the start kills and reroutes what was claimed", async () => {
    await withApp(async (app, backend) => {
      let ran = 0;
      const add = app.task("add", async (a: number, b: number) => {
        ran++;
        return a + b;
      });
      const claimNext = backend.claimNext!.bind(backend);
      let stopping: Promise<void> | undefined;
      let stopStarted!: () => void;
      const stopCalled = new Promise<void>((resolve) => (stopStarted = resolve));
      backend.claimNext = async (...args) => {
        const batch = await claimNext(...args);
        // The runner stops while this claim is on its way back: it must not start what it claimed.
        if (batch.records.length > 0 && !stopping) {
          stopping = app.runner.stop();
          stopStarted();
        }
        return batch;
      };
      const loop = app.runner.run();
      const invocation = add(1, 2);
      await invocation.registered;
      await stopCalled;
      await stopping;
      await loop;
      assert.equal(ran, 0);
      await assertRerouted(invocation, backend);
    });
  });

  void it("a stop while a claimed one is still being prepared reroutes it before stop() resolves", async () => {
    // Prepared through the store (its parent ran and finished, so the runner reads the parent's
    // handle): claimed RUNNING already, but not an execution yet. Found by the engine stress: a stop
    // that did not wait for it reset the slots, and the next run() ran another one beside it.
    await withApp(
      async (app) => {
        const child = app.task("child", async (n: number) => n * 2);
        const parent = app.task("parent", async (n: number) => {
          const invocation = child(n);
          await invocation.registered;
          return invocation.id;
        });
        const getInvocation = app.getInvocation.bind(app);
        let parentId = "";
        let held: Promise<void> | undefined;
        let stopping: Promise<void> | undefined;
        // Each invocation's last status as announced, and a copy taken when stop() resolved.
        const last = new Map<string, string>();
        app.events.on("invocation:status", ({ invocationId, status }) => {
          last.set(invocationId, status);
        });
        let atStop = new Map<string, string>();
        app.getInvocation = (id: string) => {
          if (id === parentId && !stopping) {
            // The child is being prepared: stop now, and answer the read well after.
            stopping = app.runner.stop().then(() => {
              atStop = new Map(last);
            });
            held = new Promise((resolve) => setTimeout(resolve, 300));
            return held.then(() => getInvocation(id));
          }
          return getInvocation(id);
        };
        app.runner.run().catch(() => undefined);
        const first = parent(1);
        parentId = (await first.registered).id;
        const childId = await first.result;
        await waitUntil(app, () => stopping !== undefined, "the child being prepared");
        await stopping;
        assert.equal(atStop.get(childId), S.REROUTED, "rerouted before stop() resolved, not left RUNNING");
        const history = await (await getInvocation(childId)).history();
        assert.deepEqual(
          history.map((h) => h.status),
          [S.REGISTERED, S.PENDING, S.RUNNING, S.KILLED, S.REROUTED],
        );
        assert.ok(held);
        await withRunner(app, async () =>
          assert.equal(await (await getInvocation<number>(childId)).result, 2),
        );
        // One slot: the parent is done before its child is claimed, so the child reads its handle. No
        // grace: the stop does not wait for what is in flight.
      },
      1,
      0,
    );
  });

  void it("a stop while a finish claims the next hands what that finish claimed back", async () => {
    await withApp(async (app, backend) => {
      const ran: number[] = [];
      const add = app.task("add", async (a: number, b: number) => {
        ran.push(a);
        return a + b;
      });
      const first = add(1, 2);
      const second = add(3, 4);
      await Promise.all([first.registered, second.registered]);
      const finishAndClaim = backend.finishAndClaim!.bind(backend);
      let stopping: Promise<void> | undefined;
      backend.finishAndClaim = async (...args) => {
        const batch = await finishAndClaim(...args);
        // The runner stops while this answer is on its way back: what it claimed must not start.
        if (batch.records.length > 0 && !stopping) stopping = app.runner.stop();
        return batch;
      };
      const loop = app.runner.run();
      const result = await first.result;
      const claimedOnFinish = stopping !== undefined;
      stopping ??= app.runner.stop(); // without a claim on the finish, nothing stopped it
      await stopping;
      await loop;
      assert.equal(result, 3);
      assert.ok(claimedOnFinish, "the first one's finish claimed the second one");
      assert.deepEqual(ran, [1]);
      await assertRerouted(second, backend);
    }, 1);
  });
});
