/**
 * Several runner processes on one Redis (the shared server, a key prefix of each test's own): a fib
 * tree spreads over them with one slot each, and a runner killed with SIGKILL in the middle of one
 * leaves its part to the survivors, which take it back through recovery and finish the tree. The runner
 * processes are test/multiprocess/fixtures/runner.ts, pointed at Redis through TYNENC__ variables.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import {
  InvocationStatus as S,
  STATUS_TABLE,
  isFinal,
  type HistoryEntry,
  type InvocationStatus,
  type Tynenc,
} from "../../src/index.js";
import { assertValidHistories, histories, maxConcurrentRunning } from "../../src/testing/index.js";
import { countsOtherThan } from "../multiprocess/checks.js";
import { fibCalls, fibValue, makeApp, type CodeRun } from "../multiprocess/fixtures/app.js";
import { Processes, until, type Worker } from "../multiprocess/harness.js";
import { needsRedis, tempRedisContext, TEST_REDIS_URL } from "../redis-context.js";

const ALL_STATUSES = Object.keys(STATUS_TABLE) as InvocationStatus[];
const RECOVERY_STATUSES: InvocationStatus[] = [S.PENDING_RECOVERY, S.RUNNING_RECOVERY];
const HEARTBEAT_MS = 100;
const DEAD_AFTER_MS = 600;
/** Room for the survivors' next beat, the pass itself and a busy CI machine. */
const RECOVERY_SLACK_MS = 1500;

const redis = await needsRedis();
const processes = new Processes();
afterEach(() => processes.cleanup());

/** A fresh key prefix on the shared Redis, the test process's own app on it, and its runners' settings. */
async function setup() {
  const context = await tempRedisContext();
  const { app, fib } = makeApp({
    backend: "redis",
    redisUrl: TEST_REDIS_URL,
    redisKeyPrefix: context.prefix,
  });
  const env = {
    TYNENC__BACKEND: "redis",
    TYNENC__REDIS_URL: TEST_REDIS_URL,
    TYNENC__REDIS_KEY_PREFIX: context.prefix,
    TYNENC__MAX_PARALLEL_SLOTS: 1,
  };
  const close = async () => {
    try {
      await app.close();
    } finally {
      await context.close(); // deletes every key under the prefix
    }
  };
  return { app, fib, env, close };
}

/** Starts `count` runner processes and waits until each one runs; returns them with their runner ids. */
async function startRunners(env: Record<string, string | number>, count: number) {
  const workers = Array.from({ length: count }, (_, i) =>
    processes.start("runner.ts", env, `runner ${i + 1}`),
  );
  const started = await Promise.all(
    workers.map((w) => w.message<{ type: string; runnerId: string }>("started")),
  );
  return workers.map((worker, i) => ({ worker, runnerId: started[i]!.runnerId }));
}

/** The code runs a runner reported when it stopped gracefully. */
function codeRunsOf(worker: Worker): CodeRun[] {
  return worker.messages.find((m) => m.type === "stopped")!["codeRuns"] as CodeRun[];
}

/** Every id under the prefix once all of them are final, else undefined. */
async function allFinal(app: Tynenc): Promise<string[] | undefined> {
  const store = app.backend.orchestratorStore;
  const ids = await store.findByStatus(ALL_STATUSES);
  const statuses = await store.getStatuses(ids);
  return statuses.every((s) => s && isFinal(s.status)) ? ids : undefined;
}

/** How many times each runner moved an invocation to RUNNING (a start or a resume). */
function runningEntriesByRunner(all: readonly (readonly HistoryEntry[])[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of all.flat())
    if (entry.status === S.RUNNING) counts.set(entry.runnerId!, (counts.get(entry.runnerId!) ?? 0) + 1);
  return counts;
}

/** True once every runner owns part of the tree and more than `done` calls of it succeeded. */
async function allBusy(app: Tynenc, runnerIds: readonly string[], done: number): Promise<boolean> {
  const store = app.backend.orchestratorStore;
  for (const id of runnerIds) if ((await store.ownedBy([id])).length === 0) return false;
  return (await store.findByStatus([S.SUCCESS])).length > done;
}

void describe("runner processes on one Redis", { ...redis }, () => {
  void it("fib(15) over 3 runners with 1 slot each: 610, spread over all 3, one RUNNING per runner at a time", async (t) => {
    const { app, fib, env, close } = await setup();
    try {
      const runners = await startRunners(env, 3);
      const started = performance.now();
      assert.equal(await fib(15).result, fibValue(15));
      const ms = performance.now() - started;
      await Promise.all(runners.map((r) => r.worker.stop()));

      const store = app.backend.orchestratorStore;
      const ids = await store.findByStatus(ALL_STATUSES);
      assert.equal(ids.length, fibCalls(15));
      assert.deepEqual(await store.countByStatus(), { [S.SUCCESS]: ids.length });
      await assertValidHistories(app, ids);
      const all = await histories(app, ids);

      const byRunner = runningEntriesByRunner(all);
      const runnerIds = runners.map((r) => r.runnerId);
      assert.deepEqual([...byRunner.keys()].sort(), [...runnerIds].sort(), "only these runners ran it");
      for (const id of runnerIds) {
        assert.ok(byRunner.get(id)! > ids.length / 10, `${id} ran ${byRunner.get(id)} of the tree's steps`);
        assert.equal(maxConcurrentRunning(all, id), 1, `${id} had more than one RUNNING at a time`);
      }
      // Each call's code started exactly once, by the runners' own account.
      const codeRuns = runners.flatMap((r) => codeRunsOf(r.worker));
      assert.deepEqual(
        countsOtherThan(
          codeRuns.map((r) => r.id),
          ids,
        ),
        [],
      );
      const spread = runners.map((r) => codeRunsOf(r.worker).length).join(" / ");
      t.diagnostic(`fib(15) in ${ms.toFixed(0)} ms; code runs per runner ${spread}`);
    } finally {
      await close();
    }
  });

  void it("kill -9 of a runner in the middle of fib(12): the 2 survivors recover its part and finish the tree", async () => {
    const { app, fib, env, close } = await setup();
    try {
      const recoveryEnv = {
        ...env,
        TYNENC__HEARTBEAT_INTERVAL_MS: HEARTBEAT_MS,
        TYNENC__RUNNER_DEAD_AFTER_MS: DEAD_AFTER_MS,
        TYNENC__MAX_PENDING_MS: 600_000, // what is recovered here is recovered because its runner died
        MP_TASK_DELAY_MS: 3, // each call holds its slot a few ms
      };
      const [victim, ...survivors] = await startRunners(recoveryEnv, 3);
      const store = app.backend.orchestratorStore;
      const tree = fib(12);
      const runnerIds = [victim!, ...survivors].map((r) => r.runnerId);
      await until(() => allBusy(app, runnerIds, 60), "every runner to own part of the tree");
      victim!.worker.child.kill("SIGKILL");
      assert.equal((await victim!.worker.exit).signal, "SIGKILL");
      const killedAt = Date.now();
      const left = await store.ownedBy([victim!.runnerId]);
      assert.ok(left.length > 0, "the dead runner left invocations behind");

      assert.equal(await tree.result, fibValue(12));
      const recoveries = (await histories(app, left)).map((h) =>
        h.find((e) => RECOVERY_STATUSES.includes(e.status)),
      );
      assert.ok(
        recoveries.every((e) => e !== undefined),
        "every invocation it owned went through recovery",
      );
      const latest = Math.max(...recoveries.map((e) => e.at));
      assert.ok(
        latest - killedAt < DEAD_AFTER_MS + RECOVERY_SLACK_MS,
        `recovered ${latest - killedAt} ms after the kill`,
      );
      const survivorIds = survivors.map((r) => r.runnerId);
      assert.ok(
        recoveries.every((e) => survivorIds.includes(e.runnerId!)),
        "recovered by a survivor",
      );

      // A recovered paused call reran and called its children again: wait for those strays too.
      const ids = await until(() => allFinal(app), "every invocation to be final");
      assert.deepEqual(await store.countByStatus(), { [S.SUCCESS]: ids.length });
      await assertValidHistories(app, ids);
      const all = await histories(app, ids);
      for (const id of survivorIds) assert.equal(maxConcurrentRunning(all, id), 1);
      for (const h of await histories(app, left)) assert.ok(survivorIds.includes(h.at(-1)!.runnerId!));
      assert.deepEqual(
        (await store.runners()).map((r) => r.runnerId).sort(),
        [...survivorIds].sort(),
        "the dead runner left the registry",
      );
      await Promise.all(survivors.map((r) => r.worker.stop()));
    } finally {
      await close();
    }
  });
});
