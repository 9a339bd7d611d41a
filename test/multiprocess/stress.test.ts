/**
 * Four runner processes and two client processes on one SQLite file: thousands of invocations
 * (independent calls, fib trees, a task with a running-concurrency key), each run and finished exactly
 * once, every history legal, none lost, and the key never held by two at once across processes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { InvocationStatus as S, STATUS_TABLE, type InvocationStatus } from "../../src/index.js";
import { assertValidHistories, histories } from "../../src/testing/index.js";
import { tempDir } from "../sqlite-files.js";
import { countsOtherThan, finishedOnceProblems, maxHoldersAtOnce, overlappingRuns } from "./checks.js";
import { fibCalls, makeApp, type CodeRun } from "./fixtures/app.js";
import { Processes } from "./harness.js";

const ALL_STATUSES = Object.keys(STATUS_TABLE) as InvocationStatus[];
const processes = new Processes();
afterEach(() => processes.cleanup());

/** What each client registers: independent adds, fib trees, calls of the one-at-a-time task. */
const CLIENTS = [
  { MP_ADDS: 1000, MP_FIBS: "11,9", MP_SERIALS: 100 },
  { MP_ADDS: 1000, MP_FIBS: "10,9", MP_SERIALS: 100 },
];

function expectedTotal(): number {
  const fibs = CLIENTS.flatMap((c) => c.MP_FIBS.split(",").map(Number));
  const calls = CLIENTS.reduce((sum, c) => sum + c.MP_ADDS + c.MP_SERIALS, 0);
  return calls + fibs.reduce((sum, n) => sum + fibCalls(n), 0);
}

/** Runs the stress on `sqlitePath`; returns the clients' top-level ids and the runners' code runs. */
async function runStress(sqlitePath: string): Promise<{ topLevel: string[]; codeRuns: CodeRun[] }> {
  const env = { TYNENC__SQLITE_PATH: sqlitePath, TYNENC__MAX_PARALLEL_SLOTS: 8, MP_TASK_DELAY_MS: 1 };
  const runners = [1, 2, 3, 4].map((i) => processes.start("runner.ts", env, `runner ${i}`));
  await Promise.all(runners.map((r) => r.message("started")));
  const clients = CLIENTS.map((c, i) =>
    processes.start("client-stress.ts", { ...env, ...c }, `client ${i + 1}`),
  );
  await Promise.all(clients.map((c) => c.message("checked", 90_000))); // each checked its results
  await Promise.all(clients.map((c) => c.exitedOk()));
  await Promise.all(runners.map((r) => r.stop()));
  return {
    topLevel: clients.flatMap((c) => c.messages.find((m) => m.type === "registered")!["ids"] as string[]),
    codeRuns: runners.flatMap((r) => r.messages.find((m) => m.type === "stopped")!["codeRuns"] as CodeRun[]),
  };
}

describe("4 runner processes and 2 client processes on one SQLite file", () => {
  it("run thousands of invocations exactly once each, none lost, the running key never shared", async () => {
    const dir = tempDir();
    const sqlitePath = join(dir.path, "stress.sqlite");
    const { app } = makeApp({ sqlitePath });
    try {
      const { topLevel, codeRuns } = await runStress(sqlitePath);
      const store = app.backend.orchestratorStore;

      // None lost: every call the clients made and every child the tasks made is there, and finished.
      const ids = await store.findByStatus(ALL_STATUSES);
      assert.equal(ids.length, expectedTotal());
      assert.deepEqual(
        topLevel.filter((id) => !ids.includes(id)),
        [],
      );
      assert.deepEqual(await store.countByStatus(), { [S.SUCCESS]: ids.length });

      // Exactly once: by the histories, and by the runners' own account of the code they ran.
      await assertValidHistories(app, ids);
      const all = await histories(app, ids);
      const notOnce = all.flatMap((h, i) => finishedOnceProblems(h).map((p) => `${ids[i]}: ${p}`));
      assert.deepEqual(notOnce, [], "each invocation ran and finished exactly once");
      const codeRunIds = codeRuns.map((r) => r.id);
      assert.deepEqual(countsOtherThan(codeRunIds, ids), [], "each invocation's code started once");
      assert.ok(new Set(codeRuns.map((r) => r.pid)).size > 1, "the work was spread over several runners");

      // The running key: one holder at a time in the store's order, and code runs that never overlap.
      const serialRuns = codeRuns.filter((r) => r.task === "serial");
      const serialIds = new Set(serialRuns.map((r) => r.id));
      const serialHistories = all.filter((_, i) => serialIds.has(ids[i]!));
      assert.equal(
        serialHistories.length,
        CLIENTS.reduce((sum, c) => sum + c.MP_SERIALS, 0),
      );
      assert.ok(new Set(serialRuns.map((r) => r.pid)).size > 1, "the key passed between processes");
      assert.equal(maxHoldersAtOnce(serialHistories), 1, "claimed or running: one at a time");
      assert.deepEqual(overlappingRuns(serialRuns), []);
    } finally {
      await app.close();
      dir.remove();
    }
  });
});
