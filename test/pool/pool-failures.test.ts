/**
 * Pool runners when a task takes its worker down: process.exit, an uncaught exception outside the
 * task's promise, running out of memory, a native crash (process.abort), synchronous code stuck past
 * its timeoutMs. The invocation that ran there ends with a readable error (or retries), the paused
 * ones the worker held are rerouted, the worker is replaced and the pool carries on; every history
 * stays legal and no child process outlives its test.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import {
  InvocationStatus as S,
  TimeoutError,
  WorkerCrashedError,
  type HistoryEntry,
  type Invocation,
} from "../../src/index.js";
import { withPool as withPoolOf, type Pool, type PoolCls } from "./pool-helpers.js";

/**
 * A pool of `cls` (one worker, one slot unless told) with its logging silenced: the crashes here are
 * expected. pool-helpers' withPool checks every history and looks for surviving workers after.
 */
function withPool(
  cls: PoolCls,
  settings: { workers?: number; workerMaxOldSpaceMb?: number },
  body: (pool: Pool) => Promise<void>,
): Promise<void> {
  const { workers = 1, workerMaxOldSpaceMb = 0 } = settings;
  const config = { loggingLevel: "silent", workerMaxOldSpaceMb };
  return withPoolOf(cls, { workers, maxParallelSlots: 1, config }, body);
}

/** A path beside the pool's SQLite file, in the test's temp directory (removed after the test). */
function fileOf(pool: Pool, name: string): string {
  return join(dirname(pool.sqlitePath), name);
}

/** Awaiting `invocation` rejects with `cls` whose message matches `message`; returns that error. */
async function rejectsWith<E extends Error>(
  invocation: Invocation<unknown>,
  cls: new (...args: never[]) => E,
  message: RegExp,
): Promise<E> {
  let caught: unknown;
  await assert.rejects(invocation.result, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof cls, `expected a ${cls.name}, got ${String(caught)}`);
  assert.match(caught.message, message);
  return caught;
}

/** The runner ids that moved the invocation to RUNNING, in order. */
function runnersOf(history: readonly HistoryEntry[]): (string | null)[] {
  return history.filter((entry) => entry.status === S.RUNNING).map((entry) => entry.runnerId);
}

/**
 * The invocation ended FAILED in a worker that is gone: the pool removed it from the registry, and
 * add(1, 2) runs in a new worker.
 */
async function assertReplaced({ mod }: Pool, crashed: Invocation<unknown>): Promise<void> {
  const history = await crashed.history();
  assert.equal(history.at(-1)?.status, S.FAILED);
  const [dead] = runnersOf(history);
  const next = mod.add(1, 2);
  assert.equal(await next.result, 3);
  const [runner] = runnersOf(await next.history());
  assert.notEqual(runner, dead, "add ran in the worker that died");
  const registered = await mod.app.backend.orchestratorStore.runners();
  assert.ok(!registered.some((info) => info.runnerId === dead), "the dead worker is still registered");
}

const CRASHES = [
  { how: "exit", cause: /which called process\.exit\(3\)$/ },
  { how: "throw", cause: /uncaught exception: Error: thrown outside the task's promise$/ },
] as const;

for (const cls of ["MultiThreadRunner", "PersistentProcessRunner"] as const) {
  describe(`${cls}: a task that takes its worker down`, () => {
    for (const { how, cause } of CRASHES) {
      it(`crash("${how}") fails with a WorkerCrashedError naming the cause; a new worker runs the next`, () =>
        withPool(cls, {}, async (pool) => {
          const crashed = pool.mod.crash(how);
          await rejectsWith(crashed, WorkerCrashedError, cause);
          await assertReplaced(pool, crashed);
        }));
    }

    it("out of memory (workerMaxOldSpaceMb 64) fails with a WorkerCrashedError saying so", () =>
      withPool(cls, { workerMaxOldSpaceMb: 64 }, async (pool) => {
        const crashed = pool.mod.crash("oom");
        const memory =
          cls === "MultiThreadRunner" ? /ran out of memory/ : /killed by SIGABRT \(out of memory/;
        await rejectsWith(crashed, WorkerCrashedError, memory);
        await assertReplaced(pool, crashed);
      }));

    it("a crash is retried under the task's retry policy, and the retry succeeds", () =>
      withPool(cls, {}, async (pool) => {
        const retried = pool.mod.crashOnceRetried(fileOf(pool, "marker"));
        assert.equal(await retried.result, "ran after a crash");
        const history = await retried.history();
        const statuses = history.map((entry) => entry.status);
        assert.deepEqual(statuses.slice(2), [S.RUNNING, S.RETRY, S.PENDING, S.RUNNING, S.SUCCESS]);
        const [first, second] = runnersOf(history);
        assert.notEqual(first, second, "the retry ran in the worker that died");
      }));

    it("the paused parent held by the crashed worker is rerouted and succeeds", () =>
      // One worker of one slot: the parent pauses in the worker its child then crashes.
      withPool(cls, { workers: 1 }, async (pool) => {
        const parent = pool.mod.awaitCrashOnce(fileOf(pool, "marker"));
        assert.equal(await parent.result, "ran after a crash");
        const history = await parent.history();
        const statuses = history.map((entry) => entry.status);
        const pausedAt = statuses.indexOf(S.PAUSED);
        assert.ok(pausedAt > 0, `never paused: ${statuses.join(" > ")}`);
        assert.ok(statuses.indexOf(S.REROUTED, pausedAt) > 0, `not rerouted: ${statuses.join(" > ")}`);
        assert.equal(statuses.at(-1), S.SUCCESS);
        const runners = runnersOf(history);
        assert.notEqual(runners[0], runners.at(-1), "the parent ended in the worker that died");
        const store = pool.app.backend.orchestratorStore;
        const [failedChild, ...others] = await store.findByStatus([S.FAILED], "crashOnce");
        assert.equal(others.length, 0);
        const child = await pool.app.getInvocation(failedChild!);
        await rejectsWith(child, WorkerCrashedError, /which called process\.exit\(5\)$/);
      }));
  });
}

describe("PersistentProcessRunner and ProcessRunner: a native crash", () => {
  for (const cls of ["PersistentProcessRunner", "ProcessRunner"] as const) {
    it(`${cls}: process.abort() fails with a WorkerCrashedError naming SIGABRT`, () =>
      withPool(cls, {}, async (pool) => {
        const crashed = pool.mod.crash("abort");
        await rejectsWith(
          crashed,
          WorkerCrashedError,
          /which was killed by SIGABRT \(out of memory, or a native crash\)$/,
        );
        await assertReplaced(pool, crashed);
      }));
  }
});

describe("ProcessRunner: a task that takes its process down", () => {
  it('crash("exit") fails with a WorkerCrashedError, and the next invocation gets the slot', () =>
    withPool("ProcessRunner", {}, async (pool) => {
      const crashed = pool.mod.crash("exit");
      await rejectsWith(crashed, WorkerCrashedError, /which called process\.exit\(3\)$/);
      await assertReplaced(pool, crashed);
    }));

  it("a crash is retried under the task's retry policy, and the retry succeeds", () =>
    withPool("ProcessRunner", {}, async (pool) => {
      const retried = pool.mod.crashOnceRetried(fileOf(pool, "marker"));
      assert.equal(await retried.result, "ran after a crash");
      const [first, second] = runnersOf(await retried.history());
      assert.notEqual(first, second, "the retry ran in the process that died");
    }));

  it("the paused parent, in a process of its own, gets its child's WorkerCrashedError", () =>
    withPool("ProcessRunner", {}, async (pool) => {
      const parent = pool.mod.awaitCrashOnce(fileOf(pool, "marker"));
      await rejectsWith(parent, WorkerCrashedError, /which called process\.exit\(5\)$/);
      const statuses = (await parent.history()).map((entry) => entry.status);
      assert.ok(!statuses.includes(S.REROUTED), `rerouted: ${statuses.join(" > ")}`);
    }));
});

for (const cls of ["MultiThreadRunner", "PersistentProcessRunner", "ProcessRunner"] as const) {
  describe(`${cls}: a worker stuck in synchronous code`, () => {
    it("past its timeoutMs is terminated: the invocation ends TIMED_OUT and the pool carries on", () =>
      withPool(cls, {}, async (pool) => {
        const stuck = pool.mod.stuck(5000);
        await rejectsWith(
          stuck,
          TimeoutError,
          /within timeoutMs 300 ms: its worker \(.+\) was stuck in synchronous code and was terminated$/,
        );
        const history = await stuck.history();
        assert.equal(history.at(-1)?.status, S.TIMED_OUT);
        const next = pool.mod.add(1, 2);
        assert.equal(await next.result, 3);
        assert.notEqual(runnersOf(await next.history())[0], runnersOf(history)[0]);
      }));

    it("within its timeoutMs is left alone and succeeds", () =>
      withPool(cls, {}, async ({ mod }) => {
        const quick = mod.stuck(100);
        assert.equal(await quick.result, 100);
        const after = mod.add(1, 2);
        assert.equal(await after.result, 3);
        if (cls === "ProcessRunner") return; // a process per invocation: the next one is always new
        const [worker] = runnersOf(await quick.history());
        assert.equal(runnersOf(await after.history())[0], worker, "the worker was replaced");
      }));
  });
}

describe("MultiThreadRunner: a synchronous stretch past timeoutMs", () => {
  // A synchronous stretch that ends before the pool's ping check (timeoutMs + 250 ms + 1 s) kept the
  // worker's own timer from firing: the runner still ends it TIMED_OUT when it returns.
  it("that ends before the pool's stuck check still ends TIMED_OUT", () =>
    withPool("MultiThreadRunner", {}, async ({ mod }) => {
      const late = mod.stuck(800);
      await rejectsWith(late, TimeoutError, /timeoutMs 300 ms/);
    }));
});

describe("MultiThreadRunner: a crash loop", () => {
  it("workers that die soon after they start are replaced later and later, not at once", () =>
    withPool("MultiThreadRunner", {}, async (pool) => {
      const crashes = [1, 2, 3, 4, 5].map(() => pool.mod.crash("exit"));
      for (const crashed of crashes) await rejectsWith(crashed, WorkerCrashedError, /process\.exit\(3\)$/);
      const starts: number[] = [];
      for (const crashed of crashes) {
        const running = (await crashed.history()).find((entry) => entry.status === S.RUNNING);
        starts.push(running!.at);
      }
      starts.sort((a, b) => a - b);
      const gaps = starts.slice(1).map((at, i) => at - starts[i]!);
      // Deaths 1 to 4 delay the next worker by 0, 250, 500 and 1000 ms (the 5th by 2 s: the pool stops first).
      const least = [0, 250, 500, 1000];
      assert.ok(
        gaps.every((gap, i) => gap >= least[i]!),
        `gaps ${gaps.join(", ")} ms`,
      );
    }));
});
