/** Two apps (appId) on one SQLite file, their runners in two processes: neither sees the other's work. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { InvocationNotFoundError, STATUS_TABLE, type InvocationStatus } from "../../src/index.js";
import { tempDir } from "../sqlite-files.js";
import { makeApp, type CodeRun } from "./fixtures/app.js";
import { Processes } from "./harness.js";

const ALL_STATUSES = Object.keys(STATUS_TABLE) as InvocationStatus[];

const processes = new Processes();
afterEach(() => processes.cleanup());

describe("two apps on one SQLite file", () => {
  it("run only their own invocations, in their own processes, and cannot read each other's", async () => {
    const dir = tempDir();
    const sqlitePath = join(dir.path, "shared.sqlite");
    const alpha = makeApp({ sqlitePath, appId: "alpha" });
    const beta = makeApp({ sqlitePath, appId: "beta" });
    try {
      const env = { TYNENC__SQLITE_PATH: sqlitePath };
      const runners = ["alpha", "beta"].map((appId) =>
        processes.start("runner.ts", { ...env, TYNENC__APP_ID: appId }, `${appId} runner`),
      );
      await Promise.all(runners.map((r) => r.message("started")));
      // The same calls in both apps: same task ids, same arguments.
      const alphaCalls = Array.from({ length: 50 }, (_, i) => alpha.add(i, 1));
      const betaCalls = [...Array.from({ length: 50 }, (_, i) => beta.add(i, 1)), beta.fib(6)];
      const results = await Promise.all([...alphaCalls, ...betaCalls].map((c) => c.result));
      assert.deepEqual(results, [...alphaCalls.map((_, i) => i + 1), ...alphaCalls.map((_, i) => i + 1), 8]);
      await Promise.all(runners.map((r) => r.stop()));

      const alphaIds = await alpha.app.backend.orchestratorStore.findByStatus(ALL_STATUSES);
      const betaIds = await beta.app.backend.orchestratorStore.findByStatus(ALL_STATUSES);
      assert.deepEqual([...alphaIds].sort(), alphaCalls.map((c) => c.id).sort(), "alpha lists only its own");
      assert.equal(betaIds.length, 50 + 25, "beta lists its adds and its fib(6) tree, nothing of alpha");
      assert.ok(betaCalls.every((c) => betaIds.includes(c.id)));
      for (const [app, foreign] of [
        [alpha.app, betaCalls[0]!.id],
        [beta.app, alphaCalls[0]!.id],
      ] as const) {
        await assert.rejects(app.getInvocation(foreign), InvocationNotFoundError);
        assert.equal(await app.orchestrator.status(foreign), undefined);
      }
      // Each runner process ran exactly its own app's invocations.
      const [alphaRuns, betaRuns] = runners.map((r) =>
        (r.messages.find((m) => m.type === "stopped")!["codeRuns"] as CodeRun[]).map((run) => run.id).sort(),
      );
      assert.deepEqual(alphaRuns, [...alphaIds].sort());
      assert.deepEqual(betaRuns, [...betaIds].sort());
    } finally {
      await alpha.app.close();
      await beta.app.close();
      dir.remove();
    }
  });
});
