/**
 * A record's triggeredBy on Redis through every path that writes or returns records: saveInvocations
 * (state-save-1.lua), Backend.registerAndRoute (store-register-3.lua) and the records Backend.claimNext
 * returns (claim-next-5.lua). The meta JSON of a record without it stays as it was (no extra bytes).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import { recordValue } from "../../src/backends/redis/redis-state-backend.js";
import type { InvocationRecord } from "../../src/invocation/invocation-record.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import type { TriggeredBy } from "../../src/triggers/trigger-store.js";
import { needsRedis, tempRedisBackend } from "../redis-context.js";

const TRIGGERED_BY: TriggeredBy = {
  triggerId: "tasks.report#onSuccess:0",
  sources: [
    { kind: "status", invocationId: "inv-1", status: InvocationStatus.SUCCESS },
    { kind: "event", eventId: "ev-9", name: "order.placed" },
  ],
};

function recordOf(triggeredBy?: TriggeredBy, extra: Partial<InvocationRecord> = {}): InvocationRecord {
  const id = randomUUID();
  const record = {
    id,
    taskId: "t",
    argsId: id,
    serializedArgs: "[1]",
    parentId: null,
    createdAt: 1,
    ...extra,
  };
  return triggeredBy ? { ...record, triggeredBy } : record;
}

async function withBackend(run: (backend: Backend) => Promise<void>): Promise<void> {
  const backend = tempRedisBackend();
  try {
    await backend.ready;
    await run(backend);
  } finally {
    await backend.close();
  }
}

const redis = await needsRedis();

void describe("Redis records keep triggeredBy", { ...redis }, () => {
  void it("through saveInvocations, with and without the other optional fields", async () => {
    await withBackend(async (backend) => {
      const plain = recordOf(TRIGGERED_BY);
      const full = recordOf(TRIGGERED_BY, { runningKey: "rk", largeValueKeys: ["k"], dueAt: 9 });
      const none = recordOf();
      await backend.stateBackend.saveInvocations([plain, full, none]);
      assert.deepEqual(await backend.stateBackend.getInvocations([plain.id, full.id, none.id]), [
        plain,
        full,
        none,
      ]);
      assert.deepEqual(await backend.stateBackend.getInvocation(full.id), full);
    });
  });

  void it("through registerAndRoute and the records claimNext returns", async () => {
    await withBackend(async (backend) => {
      const triggered = recordOf(TRIGGERED_BY);
      const plain = recordOf();
      const records = [triggered, plain];
      await backend.registerAndRoute!(
        records.map((r) => ({ id: r.id, taskId: r.taskId })),
        records,
        null,
        Date.now(),
        () => {},
      );
      assert.deepEqual(await backend.stateBackend.getInvocations([triggered.id, plain.id]), records);
      const batch = await backend.claimNext!("runner-1", 10, Date.now(), { window: 64, running: true });
      assert.deepEqual(batch.records, records);
      assert.equal(
        (await backend.orchestratorStore.getStatus(triggered.id))?.status,
        InvocationStatus.RUNNING,
        "claimed",
      );
    });
  });

  void it("keeps the stored string of a record without triggeredBy as before", () => {
    const delayed = recordOf(undefined, { dueAt: 5 });
    assert.ok(recordValue(delayed).includes(`:["t","${delayed.id}",null,1,null,null,5][1]`));
    const plain = recordOf();
    assert.ok(recordValue(plain).includes(`:["t","${plain.id}",null,1][1]`), "no field trails it");
  });
});
