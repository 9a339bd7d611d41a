/**
 * What one process writes to the SQLite file outlives it: a client registers and exits before any
 * runner exists, a runner started later runs the work, a third process reads results and histories.
 * Retention applied by a runner process purges, for every process, what other processes registered.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { InvocationStatus as S, type HistoryEntry, type InvocationStatus } from "../../src/index.js";
import { historyProblems } from "../../src/testing/index.js";
import { tempDir } from "../sqlite-files.js";
import { fibCalls, fibValue, makeApp } from "./fixtures/app.js";
import { Processes, until } from "./harness.js";

const UNFINISHED: InvocationStatus[] = [S.REGISTERED, S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED, S.REROUTED];

const processes = new Processes();
afterEach(() => processes.cleanup());

interface Read {
  id: string;
  task?: string;
  args?: unknown[];
  status?: InvocationStatus;
  result?: unknown;
  history?: HistoryEntry[];
  error?: { name: string; message: string };
}

/** A temp file and the test process's own app on it. */
function setup() {
  const dir = tempDir();
  const sqlitePath = join(dir.path, "durable.sqlite");
  const { app } = makeApp({ sqlitePath });
  const close = async () => {
    await app.close();
    dir.remove();
  };
  return { app, env: { TYNENC__SQLITE_PATH: sqlitePath }, close };
}

/** Registers in a client process that exits at once; returns the ids it printed. */
async function registerAndExit(env: Record<string, string | number>): Promise<string[]> {
  const client = processes.start("client-register.ts", env, "client");
  const { ids } = await client.message<{ type: string; ids: string[] }>("registered");
  await client.exitedOk();
  return ids;
}

/** Reads the invocations in a process of its own, through app.getInvocation. */
async function readElsewhere(env: Record<string, string | number>, ids: readonly string[]): Promise<Read[]> {
  const reader = processes.start("reader.ts", { ...env, MP_IDS: ids.join(",") }, "reader");
  const { invocations } = await reader.message<{ type: string; invocations: Read[] }>("read");
  await reader.exitedOk();
  return invocations;
}

describe("a SQLite file shared by processes that come and go", () => {
  it("keeps what a client registered before it exited, for a runner started later and a reader after", async () => {
    const { app, env, close } = setup();
    try {
      const ids = await registerAndExit({ ...env, MP_ADDS: 20, MP_FIBS: "8" });
      assert.equal(ids.length, 21);
      const store = app.backend.orchestratorStore;
      assert.deepEqual(await store.countByStatus(), { [S.REGISTERED]: 21 }, "all there, nothing run yet");

      const runner = processes.start("runner.ts", env, "runner");
      const total = 20 + fibCalls(8);
      await until(async () => (await store.countByStatus())[S.SUCCESS] === total, "the runner to run it all");
      await runner.stop();

      const read = await readElsewhere(env, ids);
      assert.deepEqual(
        read.map((r) => [r.task, r.args, r.status, r.result]),
        [
          ...Array.from({ length: 20 }, (_, i) => ["add", [i, 1], S.SUCCESS, i + 1]),
          ["fib", [8], S.SUCCESS, fibValue(8)],
        ],
      );
      for (const r of read) {
        assert.deepEqual(historyProblems(r.history!), [], `history of ${r.id}`);
        assert.deepEqual(
          r.history!.map((h) => h.status),
          r.task === "add"
            ? [S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS]
            : [S.REGISTERED, S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED, S.RUNNING, S.SUCCESS],
        );
      }
    } finally {
      await close();
    }
  });

  it("purges, by a runner process's retention, what another process registered, for every process", async () => {
    const { app, env, close } = setup();
    try {
      const ids = await registerAndExit({ ...env, MP_ADDS: 1100 });
      // Retention runs every 1000th finish of a process: there it keeps only the newest 50.
      const runner = processes.start("runner.ts", { ...env, TYNENC__RETENTION_MAX_FINISHED: 50 }, "runner");
      const store = app.backend.orchestratorStore;
      await until(
        async () => (await store.findByStatus(UNFINISHED)).length === 0,
        "the runner to run it all",
      );
      await runner.stop();

      const kept = (await store.findByStatus([S.SUCCESS])).length;
      assert.ok(kept >= 50 && kept <= 200, `${kept} kept: 50 at the purge, plus those finished after it`);
      const [first, last] = await readElsewhere(env, [ids[0]!, ids.at(-1)!]);
      assert.equal(first!.error?.name, "InvocationNotFoundError");
      assert.match(first!.error.message, /retention/);
      assert.equal(last!.result, 1100);
      assert.deepEqual(await store.countByStatus(), { [S.SUCCESS]: kept });
    } finally {
      await close();
    }
  });
});
