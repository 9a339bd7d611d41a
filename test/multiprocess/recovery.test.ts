/**
 * Recovery from dead runners, for real: a runner process killed with SIGKILL leaves what it owned in
 * the file; a runner in another process finds it dead once its heartbeat is older than
 * runnerDeadAfterMs, takes it back (PENDING_RECOVERY / RUNNING_RECOVERY, then REROUTED) and runs it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import {
  InvocationStatus as S,
  STATUS_TABLE,
  isFinal,
  type InvocationStatus,
  type Tynenc,
} from "../../src/index.js";
import { assertValidHistories, histories } from "../../src/testing/index.js";
import { tempDir } from "../sqlite-files.js";
import { fibValue, makeApp } from "./fixtures/app.js";
import { Processes, until, type Worker } from "./harness.js";

const ALL_STATUSES = Object.keys(STATUS_TABLE) as InvocationStatus[];
const HEARTBEAT_MS = 100;
const DEAD_AFTER_MS = 600;
/** Room for the survivor's next beat, the pass itself and a busy CI machine. */
const RECOVERY_SLACK_MS = 1000;
/** Generous bound on what is left of the tree after the recovery, run by one runner with one slot. */
const TREE_REST_MS = 15_000;
const RECOVERY_STATUSES: InvocationStatus[] = [S.PENDING_RECOVERY, S.RUNNING_RECOVERY];

const processes = new Processes();
afterEach(() => processes.cleanup());

/** A temp file, the test process's own app on it, and the settings of its runner processes. */
function setup() {
  const dir = tempDir();
  const sqlitePath = join(dir.path, "recovery.sqlite");
  const { app, fib, add } = makeApp({ sqlitePath });
  const env = {
    TYNENC__SQLITE_PATH: sqlitePath,
    TYNENC__MAX_PARALLEL_SLOTS: 1,
    TYNENC__HEARTBEAT_INTERVAL_MS: HEARTBEAT_MS,
    TYNENC__RUNNER_DEAD_AFTER_MS: DEAD_AFTER_MS,
    TYNENC__MAX_PENDING_MS: 600_000, // so what is recovered here is recovered because its runner died
  };
  const close = async () => {
    await app.close();
    dir.remove();
  };
  return { app, fib, add, env, close };
}

async function startRunner(env: Record<string, string | number>, name: string) {
  const worker = processes.start("runner.ts", env, name);
  const { runnerId } = await worker.message<{ type: string; runnerId: string }>("started");
  return { worker, runnerId };
}

/** SIGKILL, and resolves once the process is gone: from then on it changes nothing in the file. */
async function kill(worker: Worker): Promise<number> {
  worker.child.kill("SIGKILL");
  assert.equal((await worker.exit).signal, "SIGKILL");
  return Date.now();
}

/** True once both runners own part of the tree, well into it (more than 60 calls done). */
async function bothBusy(app: Tynenc, runnerIds: readonly string[]): Promise<boolean> {
  const store = app.backend.orchestratorStore;
  for (const id of runnerIds) if ((await store.ownedBy([id])).length === 0) return false;
  return (await store.findByStatus([S.SUCCESS])).length > 60;
}

/** Every id in the file once all of them are final, else undefined. */
async function allFinal(app: Tynenc): Promise<string[] | undefined> {
  const store = app.backend.orchestratorStore;
  const ids = await store.findByStatus(ALL_STATUSES);
  const statuses = await store.getStatuses(ids);
  return statuses.every((s) => s && isFinal(s.status)) ? ids : undefined;
}

describe("a runner process killed with SIGKILL", () => {
  it("in the middle of a fib tree: the other runner recovers its part and finishes the tree", async () => {
    const { app, fib, env, close } = setup();
    try {
      const slow = { ...env, MP_TASK_DELAY_MS: 3 }; // each fib call holds its slot a few ms
      const a = await startRunner(slow, "runner A");
      const b = await startRunner(slow, "runner B");
      const store = app.backend.orchestratorStore;
      const tree = fib(12);
      await until(() => bothBusy(app, [a.runnerId, b.runnerId]), "both runners to own part of the tree");
      const killedAt = await kill(a.worker);
      const left = await store.ownedBy([a.runnerId]);
      assert.ok(left.length > 0, "the dead runner left invocations behind");

      assert.equal(await tree.result, fibValue(12));
      // The rest of the tree (recovered calls rerun from the start, calling their children anew) runs
      // on one slot after the recovery: seconds at most.
      const treeDoneAfter = Date.now() - killedAt;
      assert.ok(treeDoneAfter < DEAD_AFTER_MS + TREE_REST_MS, `tree done ${treeDoneAfter} ms after the kill`);
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
      assert.ok(
        recoveries.every((e) => e.runnerId === b.runnerId),
        "recovered by the survivor",
      );

      // A recovered paused call reran and called its children again: wait for those strays too.
      const ids = await until(() => allFinal(app), "every invocation to be final");
      assert.deepEqual(await store.countByStatus(), { [S.SUCCESS]: ids.length });
      await assertValidHistories(app, ids);
      for (const h of await histories(app, left)) assert.equal(h.at(-1)!.runnerId, b.runnerId);
      await b.worker.stop();
    } finally {
      await close();
    }
  });

  it("while invocations it claimed are PENDING: the other runner recovers and runs them", async () => {
    const { app, add, env, close } = setup();
    try {
      const calls = [add(1, 2), add(3, 4), add(5, 6)];
      const claimer = processes.start("claimer.ts", { ...env, MP_CLAIM: calls.length }, "claimer");
      const { runnerId: dead, ids } = await claimer.message<{
        type: string;
        runnerId: string;
        ids: string[];
      }>("claimed");
      assert.deepEqual([...ids].sort(), calls.map((c) => c.id).sort());
      for (const call of calls) assert.equal(await call.status(), S.PENDING);
      const b = await startRunner(env, "runner B");
      const killedAt = await kill(claimer);

      assert.deepEqual(await Promise.all(calls.map((c) => c.result)), [3, 7, 11]);
      const finishedAt = Date.now();
      assert.ok(
        finishedAt - killedAt < DEAD_AFTER_MS + RECOVERY_SLACK_MS,
        `done ${finishedAt - killedAt} ms after the kill`,
      );
      await assertValidHistories(app, ids);
      for (const history of await histories(app, ids)) {
        assert.deepEqual(
          history.map((h) => [h.status, h.runnerId]),
          [
            [S.REGISTERED, null],
            [S.PENDING, dead],
            [S.PENDING_RECOVERY, b.runnerId],
            [S.REROUTED, b.runnerId],
            [S.PENDING, b.runnerId],
            [S.RUNNING, b.runnerId],
            [S.SUCCESS, b.runnerId],
          ],
        );
      }
      assert.deepEqual(
        (await app.backend.orchestratorStore.runners()).map((r) => r.runnerId),
        [b.runnerId],
        "the dead runner left the registry",
      );
      await b.worker.stop();
    } finally {
      await close();
    }
  });
});
