/**
 * How the pool runners end, and how they refuse to start: runner.stop() ends every worker within
 * stopGraceMs, rerouting what still ran; a parent process stopped by SIGTERM exits 0 with its children,
 * and one killed by SIGKILL leaves no orphan and loses no invocation; a module without the app, or
 * whose app lacks a task of the parent's, fails run() naming it; a module may start its pool when
 * imported and serve as its workers' app too; and `tynenc runner start` runs the pools.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, it } from "node:test";
import { InvocationStatus as S, RunnerError, Tynenc, type Invocation } from "../../src/index.js";
import { assertValidHistories, withRunner } from "../../src/testing/index.js";
import { alive, Processes, type Worker } from "../multiprocess/harness.js";
import { tempDir } from "../sqlite-files.js";
import {
  POOL_CLASSES,
  freshPoolApp,
  liveWorkerProcesses,
  until,
  withPool,
  workerPids,
  type PoolApp,
  type PoolCls,
} from "./pool-helpers.js";

const GRACE_MS = 300;
/** A stop may take this much longer than stopGraceMs (recording the kills, exiting, on a busy machine). */
const STOP_MARGIN_MS = 1500;
/** Children of a dead parent must be gone within this (they stop at once when their channel closes). */
const ORPHAN_EXIT_MS = 5000;
const PROCESS_POOLS = ["PersistentProcessRunner", "ProcessRunner"] as const;
/** The kills and reroutes of a stop are warnings: expected here. */
const QUIET = { loggingLevel: "error" };
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const processes = new Processes();
afterEach(() => processes.cleanup());

/**
 * Two workers of one slot each, or a ProcessRunner's two slots in all. Once two invocations run, a
 * ProcessRunner has two spare children beside the two running ones: tests wait for them to register
 * (workersAtWork), so that a stop's timing does not include a child's boot.
 */
const slotsFor = (cls: PoolCls) => (cls === "ProcessRunner" ? 2 : 1);
const workersAtWork = (cls: PoolCls) => (cls === "ProcessRunner" ? 4 : 2);

/** Live OS threads of this process (worker_threads each add some). */
const threadCount = () => readdirSync("/proc/self/task").length;

async function allRunning(calls: readonly Invocation<unknown>[]): Promise<void> {
  const running = async () => (await Promise.all(calls.map((c) => c.status()))).every((s) => s === S.RUNNING);
  await until(running, "every call RUNNING");
}

/** The workers a pool runner holds (none once it stopped). */
const poolWorkers = (app: Tynenc) => (app.runner as unknown as { workers: Map<string, unknown> }).workers;

/** The statuses of each call's history, in order. */
async function historiesOf(app: Tynenc, calls: readonly Invocation<unknown>[]): Promise<string[][]> {
  return Promise.all(calls.map(async (c) => (await app.orchestrator.history(c.id)).map((h) => h.status)));
}

/** What a stop must leave: each call KILLED then REROUTED last, nothing owned, no worker registered. */
async function assertRerouted(app: Tynenc, calls: readonly Invocation<unknown>[]): Promise<void> {
  for (const history of await historiesOf(app, calls)) {
    assert.deepEqual(history.slice(-2), [S.KILLED, S.REROUTED], history.join(" > "));
  }
  const store = app.backend.orchestratorStore;
  assert.deepEqual(await store.findByStatus([S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED]), []);
  assert.deepEqual(await store.runners(), [], "a worker is still in the runner registry");
}

/** A client app (a copy of pool-app, running nothing) on a new SQLite file shared with child processes. */
async function withClient(body: (mod: PoolApp, sqlitePath: string) => Promise<void>): Promise<void> {
  const dir = tempDir("tynenc-lifecycle-");
  const mod = await freshPoolApp();
  const sqlitePath = join(dir.path, "pool.sqlite");
  mod.app.conf.set("sqlitePath", sqlitePath);
  try {
    await body(mod, sqlitePath);
  } finally {
    await mod.app.close();
    dir.remove();
  }
}

type Env = Record<string, string | number>;

/** A parent process running a pool of `cls` (two workers) on `sqlitePath`, once its pool started. */
async function startParent(
  script: string,
  cls: PoolCls,
  sqlitePath: string,
  more: Env = {},
): Promise<Worker> {
  const env = {
    TYNENC__SQLITE_PATH: sqlitePath,
    TYNENC__RUNNER_CLS: cls,
    TYNENC__WORKERS: 2,
    TYNENC__MAX_PARALLEL_SLOTS: slotsFor(cls),
    TYNENC__STOP_GRACE_MS: GRACE_MS,
    TYNENC__LOGGING_LEVEL: QUIET.loggingLevel,
    ...more,
  };
  const parent = processes.start(`../../pool/fixtures/${script}`, env, `${script} (${cls})`);
  await parent.message("started");
  return parent;
}

/** Resolves once `count` workers (or more) are in the runner registry. */
async function workersUp(app: Tynenc, count = 2): Promise<void> {
  const store = app.backend.orchestratorStore;
  await until(async () => (await store.runners()).length >= count, `${count} workers registered`);
}

/** Pids of the registered runners other than `parentPid`: the pool's child processes. */
async function childPids(app: Tynenc, parentPid: number): Promise<number[]> {
  const pids = (await app.backend.orchestratorStore.runners()).map((runner) => runner.pid);
  return [...new Set(pids)].filter((pid) => pid !== parentPid);
}

describe("runner.stop() ends the whole pool within stopGraceMs", () => {
  for (const cls of POOL_CLASSES) {
    it(`${cls}: running invocations end KILLED -> REROUTED and every worker is gone`, async (t) => {
      const threadsBefore = threadCount();
      const options = { workers: 2, maxParallelSlots: slotsFor(cls), stopGraceMs: GRACE_MS, config: QUIET };
      await withPool(cls, options, async (pool) => {
        const calls = [pool.mod.sleep(10_000), pool.mod.sleep(10_000)];
        await allRunning(calls);
        await workersUp(pool.app, workersAtWork(cls));
        const pids = [...(await pool.workerRunners()).map((r) => r.pid), ...workerPids()];
        const started = performance.now();
        await pool.app.runner.stop();
        const stopMs = performance.now() - started;
        t.diagnostic(`stopped in ${stopMs.toFixed(0)} ms (stopGraceMs ${GRACE_MS})`);
        assert.equal(await pool.ended, undefined);
        assert.ok(stopMs < GRACE_MS + STOP_MARGIN_MS, `the stop took ${stopMs.toFixed(0)} ms`);
        await assertRerouted(pool.app, calls);
        assert.equal(poolWorkers(pool.app).size, 0);
        if (cls === "MultiThreadRunner") {
          await until(() => threadCount() <= threadsBefore, `threads back to ${threadsBefore}`, 2000);
        } else {
          const children = pids.filter((pid) => pid !== process.pid);
          assert.ok(children.length >= 2, "no worker process seen");
          assert.deepEqual(children.filter(alive), []);
          assert.deepEqual(liveWorkerProcesses(), []);
        }
      });
    });
  }

  it("MultiThreadRunner: a worker busy in synchronous code past stopGraceMs is ended, its invocation rerouted", async (t) => {
    await withPool("MultiThreadRunner", { stopGraceMs: GRACE_MS, config: QUIET }, async (pool) => {
      const call = pool.mod.hash(8000); // blocks its worker's event loop: the stop cannot reach it
      await allRunning([call]);
      const started = performance.now();
      await pool.app.runner.stop();
      const stopMs = performance.now() - started;
      const [history] = await historiesOf(pool.app, [call]);
      t.diagnostic(`stopped in ${stopMs.toFixed(0)} ms (stopGraceMs ${GRACE_MS}): ${history!.join(" > ")}`);
      // KILLED (as a stop kills) or RUNNING_RECOVERY (as for a dead worker), then back to the queue.
      const ends = [`${S.KILLED} > ${S.REROUTED}`, `${S.RUNNING_RECOVERY} > ${S.REROUTED}`];
      assert.ok(ends.includes(history!.slice(-2).join(" > ")), history!.join(" > "));
      // At the end of the grace period the pool gives a worker 1 s to answer a ping, then terminates it.
      assert.ok(stopMs < GRACE_MS + 1000 + STOP_MARGIN_MS, `the stop took ${stopMs.toFixed(0)} ms`);
    });
  });
});

describe("the parent process of a pool", { timeout: 60_000 }, () => {
  for (const cls of PROCESS_POOLS) {
    it(`${cls}: killed with SIGKILL, its children exit and what they ran runs again`, async (t) => {
      await withClient(async ({ app, sleep }, sqlitePath) => {
        const parent = await startParent("lifecycle-parent.ts", cls, sqlitePath);
        const calls = [sleep(2000), sleep(2000)];
        await allRunning(calls);
        const pids = await childPids(app, parent.pid);
        assert.ok(pids.length >= 2, `worker pids: ${pids.join(", ")}`);
        const killed = performance.now();
        parent.child.kill("SIGKILL");
        assert.equal((await parent.exit).signal, "SIGKILL");
        await until(() => !pids.some(alive), "the dead parent's children to exit", ORPHAN_EXIT_MS);
        t.diagnostic(`children exited ${(performance.now() - killed).toFixed(0)} ms after the SIGKILL`);
        await assertRerouted(app, calls); // they stopped at once, rerouting before they exited

        assert.deepEqual(await withRunner(app, () => Promise.all(calls.map((c) => c.result))), [2000, 2000]);
        for (const history of await historiesOf(app, calls)) {
          assert.deepEqual(history.slice(-3), [S.PENDING, S.RUNNING, S.SUCCESS], history.join(" > "));
        }
        await assertValidHistories(app, await allIds(app));
      });
    });

    it(`${cls}: SIGTERM stops it gracefully, exit code 0, its children gone`, async (t) => {
      await withClient(async ({ app, sleep }, sqlitePath) => {
        const parent = await startParent("lifecycle-parent.ts", cls, sqlitePath);
        const calls = [sleep(10_000), sleep(10_000)];
        await allRunning(calls);
        await workersUp(app, workersAtWork(cls));
        const pids = await childPids(app, parent.pid);
        const signalled = performance.now();
        parent.child.kill("SIGTERM");
        await parent.exitedOk();
        const exitMs = performance.now() - signalled;
        t.diagnostic(`exited ${exitMs.toFixed(0)} ms after the SIGTERM (stopGraceMs ${GRACE_MS})`);
        await parent.message("stopped");
        assert.ok(exitMs < GRACE_MS + 2 * STOP_MARGIN_MS, `the stop took ${exitMs.toFixed(0)} ms`);
        assert.deepEqual(pids.filter(alive), []);
        await assertRerouted(app, calls);
        await assertValidHistories(app, await allIds(app));
      });
    });
  }

  it("PersistentProcessRunner: a second SIGTERM cuts the grace period short (exit code 143)", async (t) => {
    await withClient(async ({ app, sleep }, sqlitePath) => {
      const graceMs = 20_000;
      const parent = await startParent("lifecycle-parent.ts", "PersistentProcessRunner", sqlitePath, {
        TYNENC__STOP_GRACE_MS: graceMs,
        TYNENC__LOGGING_LEVEL: "info", // to see the first signal handled: a second sent at once may merge with it
      });
      const calls = [sleep(30_000), sleep(30_000)];
      await allRunning(calls);
      const signalled = performance.now();
      parent.child.kill("SIGTERM");
      await until(() => parent.stderr.includes("SIGTERM received"), "the first SIGTERM handled");
      parent.child.kill("SIGTERM");
      assert.deepEqual(await parent.exit, { code: 143, signal: null }, parent.stderr);
      const exitMs = performance.now() - signalled;
      t.diagnostic(`exited ${exitMs.toFixed(0)} ms after the first SIGTERM (stopGraceMs ${graceMs})`);
      assert.ok(exitMs < 2 * STOP_MARGIN_MS, `the stop took ${exitMs.toFixed(0)} ms`);
      await assertRerouted(app, calls);
    });
  });
});

describe("start-up failures reject run() with a RunnerError naming the module", () => {
  for (const cls of ["MultiThreadRunner", "ProcessRunner"] as const) {
    it(`${cls}: a module that exports no app`, async () => {
      const module = fixture("lifecycle-no-app.ts");
      await withPool(cls, { module }, async (pool) => {
        const error = await pool.ended;
        assert.ok(error instanceof RunnerError, String(error));
        assert.match(error.message, /could not start a worker/);
        assert.ok(error.message.includes(`${module} must export \`app\``), error.message);
        assert.deepEqual(liveWorkerProcesses(), []);
      });
    });
  }

  for (const cls of ["MultiThreadRunner", "PersistentProcessRunner"] as const) {
    it(`${cls}: a module whose app in the worker lacks a task of the parent's`, async () => {
      const module = fixture("lifecycle-missing-task.ts");
      process.env["LIFECYCLE_PARENT_PID"] = String(process.pid); // the parent registers "parentOnly"
      const { app } = (await import(
        `${pathToFileURL(module).href}?cls=${cls}`
      )) as typeof import("./fixtures/lifecycle-missing-task.js");
      const dir = tempDir("tynenc-lifecycle-");
      try {
        app.conf.set("sqlitePath", join(dir.path, "pool.sqlite"));
        app.conf.set("runnerCls", cls);
        app.conf.set("workers", 2);
        const error = await app.runner.run({ module }).then(
          () => assert.fail("run() resolved"),
          (error: unknown) => error,
        );
        assert.ok(error instanceof RunnerError, String(error));
        assert.ok(error.message.includes(`task "parentOnly" of the parent's app`), error.message);
        assert.ok(error.message.includes(module), error.message);
        assert.ok(!error.message.includes("everywhere"), error.message);
        assert.equal(poolWorkers(app).size, 0);
        assert.deepEqual(liveWorkerProcesses(), []);
      } finally {
        await app.close();
        dir.remove();
      }
    });
  }
});

describe("a module that starts its pool when imported", { timeout: 60_000 }, () => {
  for (const cls of ["MultiThreadRunner", "PersistentProcessRunner"] as const) {
    it(`${cls}: is the pool's entry and its workers' app; SIGTERM stops it with exit 0`, async () => {
      const dir = tempDir("tynenc-lifecycle-");
      const sqlitePath = join(dir.path, "pool.sqlite");
      // A client registers by task id: the body runs in the pool, never here.
      const client = new Tynenc({ appId: "lifecycle", backend: "sqlite", sqlitePath, loggingLevel: "warn" });
      const where = client.task("where", async () => ({ pid: 0, threadId: 0 }));
      try {
        const entry = await startParent("lifecycle-runs-at-import.ts", cls, sqlitePath);
        await workersUp(client);
        const places = await Promise.all([where(), where(), where(), where()].map((c) => c.result));
        const pids = await childPids(client, entry.pid);
        for (const place of places) {
          if (cls === "MultiThreadRunner") assert.ok(place.pid === entry.pid && place.threadId > 0);
          else assert.ok(pids.includes(place.pid), `ran in ${place.pid}, workers ${pids.join(", ")}`);
        }
        const workers = await client.backend.orchestratorStore.runners();
        assert.deepEqual(
          workers.map((w) => w.cls),
          [cls, cls],
        );
        entry.child.kill("SIGTERM");
        await entry.exitedOk();
        await entry.message("stopped");
        assert.deepEqual(await client.backend.orchestratorStore.runners(), []);
        assert.deepEqual(pids.filter(alive), []);
      } finally {
        await client.close();
        dir.remove();
      }
    });
  }
});

describe("tynenc runner start", { timeout: 60_000 }, () => {
  const cli = (args: readonly string[]) =>
    processes.start("../../pool/fixtures/lifecycle-cli.ts", { LIFECYCLE_CLI_ARGS: JSON.stringify(args) });

  it("--runner MultiThreadRunner runs what a client registers; SIGTERM exits 0", async (t) => {
    await withClient(async ({ app, where, add }, sqlitePath) => {
      const runner = cli([
        ...["runner", "start", "--app", "test/pool/fixtures/pool-app.ts", "--runner", "MultiThreadRunner"],
        ..."--workers 2 --max-parallel-slots 1 --backend sqlite --sqlite-path".split(" "),
        sqlitePath,
      ]);
      const started = performance.now();
      assert.equal(await add(2, 3).result, 5);
      t.diagnostic(`first result ${(performance.now() - started).toFixed(0)} ms after the start`);
      await workersUp(app);
      const places = await Promise.all([where(), where(), where(), where()].map((c) => c.result));
      for (const place of places) assert.ok(place.pid === runner.pid && place.threadId > 0);
      const workers = await app.backend.orchestratorStore.runners();
      const expected = { cls: "MultiThreadRunner", pid: runner.pid };
      assert.deepEqual(
        workers.map(({ cls, pid }) => ({ cls, pid })),
        [expected, expected],
      );
      await runner.stop(); // SIGTERM, and it must exit 0
      assert.deepEqual(await app.backend.orchestratorStore.runners(), []);
    });
  });

  it("--runner ProcessRunner --backend memory fails with exit code 1, naming the backends that work", async () => {
    const runner = cli([
      ...["runner", "start", "--app", "test/pool/fixtures/pool-app.ts"],
      ...["--runner", "ProcessRunner", "--backend", "memory"],
    ]);
    assert.deepEqual(await runner.exit, { code: 1, signal: null }, runner.stderr);
    assert.match(runner.stderr, /backend is "memory", which lives inside one process/);
    assert.match(runner.stderr, /--backend sqlite/);
  });
});

async function allIds(app: Tynenc): Promise<string[]> {
  return app.backend.orchestratorStore.findByStatus(Object.values(S));
}
