/**
 * Registration on Redis in one script call per chunk (`Backend.registerAndRoute`, store-register-3.lua):
 * each routed id has its status, history and record from the moment it is in the queue, chunks keep the
 * batch's order, a call sent again is harmless, and the orchestrator registers through it.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import { REGISTER_CHUNK } from "../../src/backends/redis/redis-register.js";
import type { InvocationRecord } from "../../src/invocation/invocation-record.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import type { NewStatus } from "../../src/orchestrator/orchestrator-store.js";
import { Tynenc } from "../../src/index.js";
import { loadIoredis } from "../../src/backends/redis/driver.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { calledScript } from "../../src/backends/redis/scripts.js";
import { withRunner } from "../../src/testing/index.js";
import { deleteKeys, needsRedis, tempRedisBackend, TEST_REDIS_URL } from "../redis-context.js";

const S = InvocationStatus;

function recordsOf(count: number, parentId: string | null = null): InvocationRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    taskId: "t",
    argsId: `a${i}`,
    serializedArgs: `[${i}]`,
    parentId,
    createdAt: 1000 + i,
  }));
}

function itemsOf(records: readonly InvocationRecord[]): NewStatus[] {
  return records.map((r) => ({ id: r.id, taskId: r.taskId }));
}

async function withBackend(run: (backend: Backend) => Promise<void>): Promise<void> {
  const backend = tempRedisBackend();
  try {
    await run(backend);
  } finally {
    await backend.close();
  }
}

/** Pops the whole queue through the broker, in order. */
async function drain(backend: Backend): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const got = await backend.broker.retrieve(1000);
    if (got.length === 0) return ids;
    ids.push(...got);
  }
}

const redis = await needsRedis();

void describe("Redis registration in one call", { ...redis }, () => {
  void it("stores status, history, record and children, and routes, in one step", async () => {
    await withBackend(async (backend) => {
      assert.equal(typeof backend.registerAndRoute, "function", "the redis bundle registers in one call");
      const [parent] = recordsOf(1);
      await backend.registerAndRoute!(itemsOf([parent!]), [parent!], null, 5, () => {});
      const kids = recordsOf(3, parent!.id);
      const items = itemsOf(kids);
      items[1] = { ...items[1]!, runningKey: "scope" };
      const calls: [number, number][] = [];
      await backend.registerAndRoute!(items, kids, "runner-1", 7, (from, to) => calls.push([from, to]));
      assert.deepEqual(calls, [[0, 3]]);
      assert.deepEqual(await drain(backend), [parent!.id, ...kids.map((k) => k.id)]);
      for (const kid of kids) {
        assert.deepEqual(await backend.orchestratorStore.getStatus(kid.id), {
          status: S.REGISTERED,
          owner: null,
          at: 7,
        });
        const history = await backend.orchestratorStore.getHistory(kid.id);
        assert.deepEqual(
          history.map((h) => [h.status, h.runnerId, h.at]),
          [[S.REGISTERED, "runner-1", 7]],
        );
        assert.deepEqual(await backend.stateBackend.getInvocation(kid.id), kid);
      }
      assert.deepEqual(
        await backend.stateBackend.getChildren(parent!.id),
        kids.map((k) => k.id),
      );
      // The running key is indexed as store-change-3's register does: claims see the scope.
      const claimed = await backend.orchestratorStore.claim([kids[1]!.id, kids[0]!.id], "r", 9);
      assert.deepEqual(claimed, [kids[1]!.id, kids[0]!.id]);
      assert.deepEqual(await backend.orchestratorStore.runningKeyHolders("scope"), [kids[1]!.id]);
    });
  });

  void it("never lets a reader pop an id whose status or record is not stored yet", async () => {
    await withBackend(async (backend) => {
      const records = recordsOf(3 * REGISTER_CHUNK + 17);
      let stop = false;
      const seen: string[] = [];
      const missing: string[] = [];
      const reader = (async () => {
        while (!stop || seen.length < records.length) {
          const ids = await backend.broker.retrieve(50);
          if (ids.length === 0) {
            if (stop) break;
            continue;
          }
          const [statuses, stored] = await Promise.all([
            backend.orchestratorStore.getStatuses(ids),
            backend.stateBackend.getInvocations(ids),
          ]);
          if (statuses.some((s) => s === undefined) || stored.length !== ids.length) missing.push(...ids);
          seen.push(...ids);
        }
      })();
      await backend.registerAndRoute!(itemsOf(records), records, null, 1, () => {});
      stop = true;
      await reader;
      assert.deepEqual(missing, []);
      assert.deepEqual(
        seen,
        records.map((r) => r.id),
        "FIFO across chunks",
      );
    });
  });

  void it("registers a large batch in chunks, announced in order, each routed before the next", async () => {
    await withBackend(async (backend) => {
      const records = recordsOf(2 * REGISTER_CHUNK + 5);
      const calls: [number, number][] = [];
      await backend.registerAndRoute!(itemsOf(records), records, null, 1, (from, to) =>
        calls.push([from, to]),
      );
      assert.deepEqual(calls, [
        [0, REGISTER_CHUNK],
        [REGISTER_CHUNK, 2 * REGISTER_CHUNK],
        [2 * REGISTER_CHUNK, 2 * REGISTER_CHUNK + 5],
      ]);
      assert.deepEqual(
        await drain(backend),
        records.map((r) => r.id),
      );
    });
  });

  void it("skips ids already registered, so a call sent again routes nothing twice", async () => {
    await withBackend(async (backend) => {
      const records = recordsOf(4);
      await backend.registerAndRoute!(itemsOf(records), records, null, 1, () => {});
      await backend.registerAndRoute!(itemsOf(records), records, null, 2, () => {});
      assert.deepEqual(
        await drain(backend),
        records.map((r) => r.id),
      );
      const history = await backend.orchestratorStore.getHistory(records[0]!.id);
      assert.equal(history.length, 1);
    });
  });

  void it("is what a task's call to a task costs: one command to register", async () => {
    const Redis = loadIoredis();
    const client = new Redis(TEST_REDIS_URL, {});
    const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
    const sent: string[] = [];
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
      const name = command.name.toLowerCase();
      sent.push(calledScript(name, command.args[0]) ?? name);
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    };
    const app = new Tynenc({
      appId: "register-one-call",
      loggingLevel: "error",
      backend: redisBackend({ client, appId: "register-one-call", keyPrefix }),
    });
    const add = app.task("add", async (a: number, b: number) => a + b);
    try {
      await withRunner(app, async () => {
        assert.equal(await add(1, 1).result, 2); // scripts loaded
        sent.length = 0;
        const invocation = add(2, 3);
        await invocation.registered;
        // The register script is the first command; no separate record save, route or status insert.
        assert.equal(sent[0], "store-register-3", sent.join(" "));
        assert.ok(!sent.includes("rpush"), sent.join(" "));
        assert.ok(!sent.includes("state-save-1"), sent.join(" "));
        assert.equal(await invocation.result, 5);
        const history = await invocation.history();
        assert.equal(history[0]?.status, S.REGISTERED);
      });
    } finally {
      await app.close();
      await deleteKeys(client, keyPrefix);
      client.disconnect();
    }
  });
});
