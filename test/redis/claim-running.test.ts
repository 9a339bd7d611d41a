/**
 * A ThreadRunner on Redis claims straight to RUNNING (Backend.claimNext): histories stay legal, and a
 * stop that comes between the claim and the start kills and reroutes what the claim moved to RUNNING.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import { Tynenc } from "../../src/index.js";
import type { Backend } from "../../src/backends/backend.js";
import { loadIoredis } from "../../src/backends/redis/driver.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import { historyProblems, withRunner } from "../../src/testing/index.js";
import { deleteKeys, needsRedis, TEST_REDIS_URL } from "../redis-context.js";

const S = InvocationStatus;
const redis = await needsRedis();

async function withApp(body: (app: Tynenc, backend: Backend) => Promise<void>): Promise<void> {
  const client = new (loadIoredis())(TEST_REDIS_URL, {});
  const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
  const backend = redisBackend({ client, appId: "claim-running", keyPrefix });
  const app = new Tynenc({ appId: "claim-running", loggingLevel: "error", maxParallelSlots: 2, backend });
  try {
    await body(app, backend);
  } finally {
    await app.close();
    await deleteKeys(client, keyPrefix);
    client.disconnect();
  }
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
      const history = await invocation.history();
      assert.deepEqual(
        history.map((h) => h.status),
        [S.REGISTERED, S.PENDING, S.RUNNING, S.KILLED, S.REROUTED],
      );
      assert.deepEqual(historyProblems(history), []);
      assert.equal(await backend.broker.count(), 1, "back in the queue for another runner");
    });
  });
});
