/**
 * Redis going away under runner processes and a client: each test starts a redis-server of its own on
 * a free port (never the shared one), runner processes (test/multiprocess/fixtures/runner.ts, pointed at
 * it through TYNENC__ variables) and this process as the client. With an append-only file the server
 * comes back with everything it acknowledged: runners and client reconnect and carry on, work
 * registered before, during and after the outage completes, and nothing runs twice at once. Without
 * persistence it comes back empty: whoever awaits an invocation it no longer knows gets an
 * InvocationNotFoundError saying so, never a hang. Every await is bounded; running past the bound fails.
 */
import assert from "node:assert/strict";
import { setTimeout as sleepMs } from "node:timers/promises";
import { afterEach, describe, it } from "node:test";
import {
  InvocationNotFoundError,
  InvocationStatus as S,
  STATUS_TABLE,
  isFinal,
  type InvocationStatus,
  type Tynenc,
} from "../../src/index.js";
import { assertValidHistories, histories, maxConcurrentRunning } from "../../src/testing/index.js";
import { countsOtherThan, finishedOnceProblems } from "../multiprocess/checks.js";
import { fibCalls, fibValue, makeApp, type CodeRun } from "../multiprocess/fixtures/app.js";
import { Processes, until, type Worker } from "../multiprocess/harness.js";
import { within } from "../conformance/harness.js";
import { needsRedisServer, OwnRedisServer } from "./fixtures/redis-server.js";

const ALL_STATUSES = Object.keys(STATUS_TABLE) as InvocationStatus[];
const UNFINISHED = ALL_STATUSES.filter((s) => !isFinal(s));
const SLOTS = 2;
/** How long the server stays away: a few seconds, well under runnerDeadAfterMs (nobody is taken for dead). */
const OUTAGE_MS = 2000;
/** The bound on every await: past it, the test fails as a hang. */
const ANSWER_MS = 20_000;
/** Reconnecting (backoff up to 2 s) and looking the invocation up again fit well within this. */
const LOST_ANSWER_MS = 8000;

const redis = needsRedisServer();
const processes = new Processes();
afterEach(() => processes.cleanup());

/** Its own server, this process's app on it, 2 runner processes with SLOTS slots each (`overrides`: their settings). */
async function setup(persistent: boolean, overrides: Record<string, number> = {}) {
  const server = await OwnRedisServer.start({ persistent });
  const tasks = makeApp({ backend: "redis", redisUrl: server.url });
  const env = {
    TYNENC__BACKEND: "redis",
    TYNENC__REDIS_URL: server.url,
    TYNENC__MAX_PARALLEL_SLOTS: SLOTS,
    TYNENC__HEARTBEAT_INTERVAL_MS: 200,
    TYNENC__RUNNER_DEAD_AFTER_MS: 10_000,
    MP_TASK_DELAY_MS: 5, // each call holds its slot a while: the trees are still under way at the outage
    ...overrides,
  };
  const runners: Worker[] = [];
  const close = async () => {
    try {
      await within(tasks.app.close(), "closing the test's app", ANSWER_MS);
    } finally {
      await server.close();
    }
  };
  try {
    for (let i = 0; i < 2; i++) runners.push(processes.start("runner.ts", env, `runner ${i + 1}`));
    await Promise.all(runners.map((r) => r.message("started")));
  } catch (error) {
    await close();
    throw error;
  }
  return { ...tasks, server, runners, close };
}

/** Every id in the store once all of them are final, else undefined. */
async function allFinal(app: Tynenc): Promise<string[] | undefined> {
  const store = app.backend.orchestratorStore;
  const ids = await store.findByStatus(ALL_STATUSES);
  const statuses = await store.getStatuses(ids);
  return statuses.every((s) => s && isFinal(s.status)) ? ids : undefined;
}

/** Resolves once more than 40 calls succeeded and some are not final yet; says where it stands if not. */
async function underWay(app: Tynenc): Promise<void> {
  const store = app.backend.orchestratorStore;
  try {
    await until(async () => (await store.findByStatus([S.SUCCESS])).length > 40, "work to be under way");
  } catch (error) {
    const counts = JSON.stringify(await store.countByStatus());
    throw new Error(`${(error as Error).message}: ${counts}, ${await app.backend.broker.count()} queued`);
  }
  assert.ok((await store.findByStatus(UNFINISHED)).length > 0, "work under way when the server goes");
}

/** Stops the runners gracefully; returns every task code run they made. */
async function stopRunners(runners: readonly Worker[]): Promise<CodeRun[]> {
  await within(Promise.all(runners.map((r) => r.stop())), "stopping the runners", ANSWER_MS);
  return runners.flatMap((r) => r.messages.find((m) => m.type === "stopped")!["codeRuns"] as CodeRun[]);
}

/**
 * Everything in the store finished once, legally, with at most SLOTS running per runner, and each
 * invocation's code started exactly once (by the runners' account): nothing ran twice, at once or not.
 */
async function assertRanOnce(app: Tynenc, runners: readonly Worker[], expected: number): Promise<void> {
  const ids = await until(() => allFinal(app), "every invocation to be final");
  assert.equal(ids.length, expected);
  assert.deepEqual(await app.backend.orchestratorStore.countByStatus(), { [S.SUCCESS]: ids.length });
  await assertValidHistories(app, ids);
  const all = await histories(app, ids);
  const notOnce = all.flatMap((h, i) => finishedOnceProblems(h).map((p) => `${ids[i]}: ${p}`));
  assert.deepEqual(notOnce, [], "each invocation ran and finished exactly once");
  for (const runnerId of new Set(all.flat().flatMap((e) => e.runnerId ?? [])))
    assert.ok(maxConcurrentRunning(all, runnerId) <= SLOTS, `${runnerId} ran more than ${SLOTS} at once`);
  const codeRuns = await stopRunners(runners);
  assert.deepEqual(
    countsOtherThan(
      codeRuns.map((r) => r.id),
      ids,
    ),
    [],
    "each call's code started once",
  );
}

/** Awaits the checks of `batches`; past the bound, fails with what the runners warned of. */
async function results(batches: readonly { checked: Promise<unknown> }[], runners: readonly Worker[]) {
  try {
    await within(Promise.all(batches.map((b) => b.checked)), "the results", ANSWER_MS);
  } catch (error) {
    const warned = runners.flatMap((r) => r.stderr.split("\n").filter((l) => /WARN|ERROR/.test(l)));
    throw new Error(`${(error as Error).message}; the runners said:\n${warned.join("\n").slice(0, 3000)}`);
  }
}

/** Registers a batch of adds and one fib tree; returns its checks and how many invocations it makes. */
function someWork(tasks: ReturnType<typeof makeApp>, from: number, adds: number, n: number) {
  const calls = Array.from({ length: adds }, (_, i) => tasks.add(from + i, 1));
  const tree = tasks.fib(n);
  const checked = Promise.all([
    ...calls.map(async (call, i) => assert.equal(await call.result, from + i + 1)),
    tree.result.then((value) => assert.equal(value, fibValue(n), `fib(${n})`)),
  ]);
  checked.catch(() => {}); // awaited by the test, later
  return { checked, invocations: adds + fibCalls(n) };
}

void describe("Redis restarted under runner processes and a client", { ...redis }, () => {
  // Recorded as a hang in about 1 run in 25 when the claim was several calls (an invocation claimed in
  // Redis whose answer the runner never got); since the claim is one script call whose resend after a
  // reconnect is answered as first made (claim-next-5.lua, store-finish-5.lua), 150 runs in a row passed.
  // Seen again about once in 30 runs under CPU load while a runner's claims kept only the latest answer:
  // two claims of one runner under way together, both answers lost, the first one, sent again, claimed
  // anew and left what it first took RUNNING unrun. Every answer that may not be back is kept now
  // (include/claim.lua; test/redis/claim-next.test.ts); 40 runs in a row under CPU load passed.
  void it("with an append-only file: all of it finishes (before, during and after the outage), each once", async () => {
    const tasks = await setup(true);
    const { app, server, runners, close } = tasks;
    try {
      const before = someWork(tasks, 0, 20, 11);
      await underWay(app);
      await server.stop("SIGKILL");
      const during = someWork(tasks, 100, 20, 8); // calls made while Redis is away
      await sleepMs(OUTAGE_MS);
      await server.restart();
      const after = someWork(tasks, 200, 20, 9);
      await results([before, during, after], runners);
      await assertRanOnce(app, runners, before.invocations + during.invocations + after.invocations);
    } finally {
      await close();
    }
  });

  void it("frozen for a few seconds (SIGSTOP, connections open): all of it finishes, each once", async () => {
    const tasks = await setup(false);
    const { app, server, runners, close } = tasks;
    try {
      const before = someWork(tasks, 0, 20, 11);
      await underWay(app);
      server.pause();
      const during = someWork(tasks, 100, 20, 8);
      await sleepMs(OUTAGE_MS);
      server.resume();
      await results([before, during], runners);
      await assertRanOnce(app, runners, before.invocations + during.invocations);
    } finally {
      await close();
    }
  });

  void it("frozen for longer than runnerDeadAfterMs: no runner is taken for dead, nothing runs twice", async () => {
    const tasks = await setup(false, {
      TYNENC__HEARTBEAT_INTERVAL_MS: 100,
      TYNENC__RUNNER_DEAD_AFTER_MS: 600,
    });
    const { app, server, runners, close } = tasks;
    try {
      const sleeps = Array.from({ length: 2 * SLOTS }, () => tasks.sleep(2500));
      await until(async () => {
        const statuses = await Promise.all(sleeps.map((s) => s.status()));
        return statuses.every((s) => s === S.RUNNING);
      }, "every slot of both runners to be running a sleep");
      server.pause();
      await sleepMs(OUTAGE_MS); // each runner missed beats for over 600 ms: so did every other one
      server.resume();
      await within(Promise.all(sleeps.map((s) => s.result)), "the sleeps", ANSWER_MS);
      await assertRanOnce(app, runners, sleeps.length);
    } finally {
      await close();
    }
  });

  void it("back empty (no persistence): a result awaited across it rejects with InvocationNotFoundError", async () => {
    const tasks = await setup(false);
    try {
      const lost = await lostInEmptyRestart(tasks, true);
      const outcomes = await within(
        Promise.all(lost.map((l) => settledOf(l.result))),
        "the lost results",
        LOST_ANSWER_MS,
      );
      outcomes.forEach((outcome, i) => assertNotFound(outcome, lost[i]!.id));
    } finally {
      await tasks.close();
    }
  });

  void it("back empty: status, history, a result awaited later and a lookup by id say it is not found", async () => {
    const tasks = await setup(false);
    try {
      const lost = await lostInEmptyRestart(tasks, false);
      for (const invocation of lost) {
        const asked = [
          invocation.status(),
          invocation.history(),
          invocation.result,
          tasks.app.getInvocation(invocation.id),
        ];
        for (const answer of await within(
          Promise.all(asked.map(settledOf)),
          "the lost invocation",
          LOST_ANSWER_MS,
        ))
          assertNotFound(answer, invocation.id);
      }
    } finally {
      await tasks.close();
    }
  });

  void it("back empty: the runners and the client carry on with new work, and stop cleanly", async () => {
    const tasks = await setup(false);
    try {
      await lostInEmptyRestart(tasks, false);
      const after = someWork(tasks, 0, 10, 8);
      await within(after.checked, "work registered after the restart", ANSWER_MS);
      // What the runners held when the server emptied is gone with it: what is left ran to its end.
      const ids = await until(() => allFinal(tasks.app), "every invocation to be final");
      await assertValidHistories(tasks.app, ids);
      await stopRunners(tasks.runners);
    } finally {
      await tasks.close();
    }
  });
});

/**
 * Two sleeps running on the runners and a fib tree under way, the server killed and started again
 * empty; returns those three (their results awaited before the kill when `awaited`).
 */
async function lostInEmptyRestart(tasks: Awaited<ReturnType<typeof setup>>, awaited: boolean) {
  const sleeps = [tasks.sleep(1500), tasks.sleep(1500)];
  const lost = [...sleeps, tasks.fib(10)];
  if (awaited) for (const invocation of lost) invocation.result.catch(() => {}); // watched from now on
  await until(async () => {
    const statuses = await Promise.all(sleeps.map((s) => s.status()));
    return statuses.every((s) => s === S.RUNNING);
  }, "both sleeps to run");
  await tasks.server.stop("SIGKILL");
  await tasks.server.restart();
  return lost;
}

/** The value, or the error, `promise` settles with. */
function settledOf(promise: Promise<unknown>): Promise<{ value: unknown } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/** Settled with an InvocationNotFoundError that names `id`. */
function assertNotFound(outcome: { value: unknown } | { error: unknown }, id: string): void {
  assert.ok("error" in outcome, `${id}: answered ${JSON.stringify(outcome)}`);
  const { error } = outcome;
  assert.ok(error instanceof InvocationNotFoundError, `${id}: ${String(error)}`);
  assert.match(error.message, new RegExp(id));
}
