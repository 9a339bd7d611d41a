/**
 * Triggers across processes on one SQLite file: events emitted by a client process fire exactly one
 * invocation each, run by one of three runner processes; a cron trigger kept by three runners fires
 * each tick once (the runner holding the recovery lease keeps the clock; claimCronTick decides).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { FINAL_STATUSES, STATUS_TABLE, type InvocationStatus } from "../../src/index.js";
import { tempDir } from "../sqlite-files.js";
import { makeTriggersApp, type TriggeredRun } from "./fixtures/triggers-app.js";
import { Processes, type Worker } from "./harness.js";
import { pollUntil } from "../helpers.js";

const ALL_STATUSES = Object.keys(STATUS_TABLE) as InvocationStatus[];
const RUNNERS = 3;

const processes = new Processes();
afterEach(() => processes.cleanup());

async function startRunners(env: Record<string, string | number>): Promise<Worker[]> {
  const runners = Array.from({ length: RUNNERS }, (_, i) =>
    processes.start("triggers-runner.ts", env, `runner ${i + 1}`),
  );
  await Promise.all(runners.map((r) => r.message("started")));
  return runners;
}

async function stopAndCollect(runners: readonly Worker[]): Promise<TriggeredRun[]> {
  await Promise.all(runners.map((r) => r.stop()));
  return runners.flatMap((r) => r.messages.find((m) => m.type === "stopped")!["runs"] as TriggeredRun[]);
}

void describe("triggers across processes (SQLite)", () => {
  void it("200 events emitted by a client fire 200 invocations, each run once by one of 3 runners", async () => {
    const dir = tempDir();
    const sqlitePath = join(dir.path, "triggers.sqlite");
    const client = makeTriggersApp({ sqlitePath, runnerCls: "DummyRunner" });
    try {
      const runners = await startRunners({ TYNENC__SQLITE_PATH: sqlitePath, TYNENC__MAX_PARALLEL_SLOTS: 4 });
      const eventIds = await Promise.all(
        Array.from({ length: 200 }, (_, i) => client.app.emitEvent("job", i)),
      );
      assert.equal(new Set(eventIds).size, 200);
      const ids = await client.app.backend.orchestratorStore.findByStatus(ALL_STATUSES);
      assert.equal(ids.length, 200, "one registration per event, before emitEvent resolved");
      const handles = await Promise.all(ids.map((id) => client.app.getInvocation(id)));
      await Promise.all(handles.map((h) => h.result));
      const runs = await stopAndCollect(runners);
      assert.equal(runs.length, 200, "200 task code runs in all");
      assert.deepEqual(
        runs.map((r) => r.arg).sort((a, b) => a - b),
        Array.from({ length: 200 }, (_, i) => i),
        "each event's invocation ran exactly once",
      );
      assert.equal(new Set(runs.map((r) => r.id)).size, 200);
      const firedBy = handles.map((h) => {
        const source = h.triggeredBy?.sources[0];
        return source?.kind === "event" ? source.eventId : undefined;
      });
      assert.deepEqual([...firedBy].sort(), [...eventIds].sort(), "each event fired one invocation");
    } finally {
      await client.app.close();
      dir.remove();
    }
  });

  void it("a cron trigger with 3 runners fires each tick once", async () => {
    const dir = tempDir();
    const sqlitePath = join(dir.path, "cron.sqlite");
    const client = makeTriggersApp({ sqlitePath, runnerCls: "DummyRunner" });
    try {
      const env = {
        TYNENC__SQLITE_PATH: sqlitePath,
        TYNENC__HEARTBEAT_INTERVAL_MS: 100,
        TYNENC__RUNNER_DEAD_AFTER_MS: 1000,
        MP_CRON: 1,
      };
      const runners = await startRunners(env);
      const store = client.app.backend.orchestratorStore;
      await pollUntil(
        "4 finished ticks",
        async () => (await store.findByStatus(FINAL_STATUSES)).length >= 4,
        {
          timeoutMs: 30_000,
        },
      );
      const runs = await stopAndCollect(runners);
      const ticks = runs.filter((r) => r.task === "ticked").map((r) => r.arg);
      assert.ok(ticks.length >= 4, `ticks ran: ${ticks.length}`);
      assert.equal(new Set(ticks).size, ticks.length, `no tick twice: ${ticks.join(", ")}`);
      const registered = await store.findByStatus(ALL_STATUSES);
      assert.equal(registered.length, ticks.length, "one invocation per tick, each run once");
      for (const at of ticks) assert.equal(at % 1000, 0);
    } finally {
      await client.app.close();
      dir.remove();
    }
  });
});
