import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CancelledError,
  ConfigError,
  InvocationStatus as S,
  type Backend,
  type Invocation,
  type Tynenc,
  type TynencOptions,
} from "../../src/index.js";
import type { OrchestratorStore } from "../../src/orchestrator/orchestrator-store.js";
import { assertValidHistories, trackInvocations, waitForStatus } from "../../src/testing/index.js";
import { captureLogger, separateRunningMove, testApp, testBackend, withRunner } from "../helpers.js";

/** Beats every 10 ms; a runner silent for 200 ms is dead; PENDING is never stale unless a test says so. */
const FAST = { heartbeatIntervalMs: 10, runnerDeadAfterMs: 200, maxPendingMs: 60_000 } as const;

/**
 * The stall tests' clock: FAST's at twice the intervals, so that a loaded machine (Redis under other test
 * processes) keeps the margins the tests reason about.
 */
const STALL_CLOCK = { ...FAST, heartbeatIntervalMs: 20, runnerDeadAfterMs: 400 } as const;

/** The runner id the tests pretend died: it claimed invocations, then stopped beating. */
const DEAD = "dead-runner";

/**
 * The test backend presented as shared across processes: runners then beat and recover on a timer,
 * which one process can exercise with tiny intervals.
 */
function shared(backend: Backend = testBackend()): Backend {
  return { ...backend, sharedAcrossProcesses: true };
}

function sharedApp(options: TynencOptions = {}): Tynenc {
  return testApp({ ...FAST, backend: shared(), ...options });
}

/** Registers `runnerId` in the registry with a heartbeat `ageMs` old. */
async function registerRunner(app: Tynenc, runnerId: string, ageMs: number): Promise<void> {
  const heartbeatAt = Date.now() - ageMs;
  const info = { runnerId, cls: "ThreadRunner", hostname: "gone", pid: 1, startedAt: heartbeatAt - 1000 };
  await app.backend.orchestratorStore.heartbeat({ ...info, heartbeatAt });
}

/**
 * `runnerId` beats every heartbeatIntervalMs until `stop()`, which waits for the beat under way: from
 * then on its last beat is the one the store holds.
 */
function beatAs(app: Tynenc, runnerId: string, intervalMs: number): { stop(): Promise<void> } {
  let last: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    last = last.then(() => registerRunner(app, runnerId, 0));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await last;
    },
  };
}

/** `runnerId` claims the next queued invocation (it must be `inv`) and moves it along `path`. */
async function takeAs(
  app: Tynenc,
  runnerId: string,
  inv: Invocation<unknown>,
  path: readonly S[] = [],
): Promise<void> {
  await app.registrar.settled(); // in the queue
  const claimed = await app.orchestrator.claim(runnerId, 1);
  assert.deepEqual(
    claimed.map((r) => r.id),
    [inv.id],
  );
  for (const to of path) await app.orchestrator.transition(inv.id, to, runnerId);
}

/** `runnerId` runs `inv` to SUCCESS with `value`, as if its code had returned it. */
async function succeedAs(app: Tynenc, runnerId: string, inv: Invocation<unknown>, value: unknown) {
  await takeAs(app, runnerId, inv, [S.RUNNING]);
  const outcome = await app.outcomeOf(inv.task.id, { ok: true, value });
  await app.orchestrator.finish(inv.id, outcome, runnerId);
}

const statuses = async (inv: Invocation<unknown>) => (await inv.history()).map((h) => h.status);

async function runnerIds(app: Tynenc): Promise<string[]> {
  return (await app.backend.orchestratorStore.runners()).map((r) => r.runnerId).sort();
}

/** Calls of one store method, recorded as they happen, with a way to wait for one that matches. */
class Calls<A extends unknown[], R> {
  readonly seen: { args: A; result: R }[] = [];
  private readonly waiters = new Set<() => void>();

  record(args: A, result: R): void {
    this.seen.push({ args, result });
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves once `predicate` holds for the calls seen so far. */
  async until(predicate: (seen: Calls<A, R>["seen"]) => boolean): Promise<void> {
    while (!predicate(this.seen)) await new Promise<void>((resolve) => this.waiters.add(resolve));
  }
}

/** The backend with `name` of its orchestrator store observed (each call recorded once answered). */
function observing<K extends "runners" | "acquireLease" | "removeRunner">(
  backend: Backend,
  name: K,
): { backend: Backend; calls: Calls<Parameters<OrchestratorStore[K]>, unknown> } {
  const calls = new Calls<Parameters<OrchestratorStore[K]>, unknown>();
  const store = backend.orchestratorStore;
  const original = store[name].bind(store) as (...args: Parameters<OrchestratorStore[K]>) => unknown;
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== name) return typeof value === "function" ? value.bind(target) : value;
      return (...args: Parameters<OrchestratorStore[K]>) => {
        const result = original(...args);
        void Promise.resolve(result).then((answer) => calls.record(args, answer));
        return result;
      };
    },
  });
  return { backend: { ...backend, orchestratorStore: wrapped }, calls };
}

/** The store, where a move of an invocation to RUNNING first awaits what `before` returns for its id. */
function beforeRunning(
  store: OrchestratorStore,
  before: (id: string) => Promise<unknown> | undefined,
): OrchestratorStore {
  const transition = store.transition.bind(store);
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== "transition") return typeof value === "function" ? value.bind(target) : value;
      return (...args: Parameters<OrchestratorStore["transition"]>) => {
        const first = args[1] === S.RUNNING ? before(args[0]) : undefined;
        return first ? first.then(() => transition(...args)) : transition(...args);
      };
    },
  });
}

describe("recovery from dead runners", () => {
  it("re-queues a PENDING invocation of a dead runner, and removes the dead runner", async () => {
    const logger = captureLogger();
    const observed = observing(shared(), "removeRunner");
    const app = testApp({ ...FAST, logger, loggingLevel: "debug", backend: observed.backend });
    let runs = 0;
    const work = app.task("work", async (n: number) => (runs++, n + 1));
    const tracked = trackInvocations(app);
    const inv = work(1);
    await registerRunner(app, DEAD, 10_000);
    await takeAs(app, DEAD, inv);
    await withRunner(app, async () => {
      assert.equal(await inv.result, 2);
      await observed.calls.until((seen) => seen.some((c) => c.args[0] === DEAD));
      assert.deepEqual(await runnerIds(app), [app.runner.id]);
    });
    assert.equal(runs, 1);
    assert.deepEqual(await statuses(inv), [
      S.REGISTERED,
      S.PENDING,
      S.PENDING_RECOVERY,
      S.REROUTED,
      S.PENDING,
      S.RUNNING,
      S.SUCCESS,
    ]);
    const dead = logger.lines.find((l) => l.level === "info" && l.msg.startsWith(`Runner ${DEAD} is dead`));
    assert.match(dead?.msg ?? "(none)", /last heartbeat \d+ ms ago\): recovering 1 invocation\(s\)$/);
    assert.ok(
      logger.lines.some((l) => l.level === "debug" && /PENDING_RECOVERY -> REROUTED/.test(l.msg)),
      "a debug line per recovered invocation",
    );
    await assertValidHistories(app, tracked.ids);
  });

  it("reruns a RUNNING invocation of a dead runner from the start", async () => {
    const app = sharedApp();
    let runs = 0;
    const work = app.task("work", async (n: number) => (runs++, n * 3));
    const tracked = trackInvocations(app);
    const inv = work(5);
    await registerRunner(app, DEAD, 10_000);
    await takeAs(app, DEAD, inv, [S.RUNNING]);
    await withRunner(app, async () => assert.equal(await inv.result, 15));
    assert.equal(runs, 1, "only the live runner ran its code");
    assert.deepEqual((await statuses(inv)).slice(2, 5), [S.RUNNING, S.RUNNING_RECOVERY, S.REROUTED]);
    await assertValidHistories(app, tracked.ids);
  });

  it("reruns a PAUSED invocation from the start; the child it saw finish keeps its result", async () => {
    const app = sharedApp();
    let parentRuns = 0;
    const child = app.task("child", async (n: number): Promise<number> => n * 10);
    const parent = app.task("parent", async (): Promise<number> => {
      parentRuns++;
      return (await child(1).result) + (await child(2).result);
    });
    const tracked = trackInvocations(app);
    const p = parent();
    const done = child(7);
    const open = child(8);
    await registerRunner(app, DEAD, 10_000);
    await takeAs(app, DEAD, p, [S.RUNNING]);
    await succeedAs(app, DEAD, done, 70);
    await app.orchestrator.recordWaits(p.id, [done.id, open.id]);
    await app.orchestrator.pause(p.id, [done.id, open.id], DEAD);
    assert.equal(await p.status(), S.PAUSED);
    await withRunner(app, async () => {
      assert.equal(await p.result, 30);
      assert.equal(await open.result, 80);
    });
    assert.equal(parentRuns, 1, "the continuation died with the dead runner: the parent reran once");
    assert.equal(await done.result, 70);
    assert.deepEqual(await statuses(done), [S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS]);
    assert.deepEqual((await statuses(p)).slice(3, 7), [S.PAUSED, S.RUNNING_RECOVERY, S.REROUTED, S.PENDING]);
    await assertValidHistories(app, tracked.ids);
  });

  it("reruns a RESUMED invocation from the start", async () => {
    const app = sharedApp();
    const child = app.task("child", async (n: number): Promise<number> => n * 10);
    const parent = app.task("parent", async (): Promise<number> => (await child(4).result) + 1);
    const tracked = trackInvocations(app);
    const p = parent();
    const done = child(9);
    await registerRunner(app, DEAD, 10_000);
    await takeAs(app, DEAD, p, [S.RUNNING]);
    await app.orchestrator.recordWaits(p.id, [done.id]);
    await app.orchestrator.pause(p.id, [done.id], DEAD);
    await succeedAs(app, DEAD, done, 90);
    await app.orchestrator.transition(p.id, S.RESUMED, DEAD);
    await withRunner(app, async () => assert.equal(await p.result, 41));
    assert.deepEqual((await statuses(p)).slice(4, 7), [S.RESUMED, S.RUNNING_RECOVERY, S.REROUTED]);
    assert.equal(await done.result, 90);
    await assertValidHistories(app, tracked.ids);
  });

  it("releases the running key a dead runner held: what was parked on it runs", async () => {
    const app = sharedApp();
    const keyed = app.task("keyed", async (n: number) => n, { runningConcurrency: "task" });
    const tracked = trackInvocations(app);
    const held = keyed(1);
    const parked = keyed(2);
    await registerRunner(app, DEAD, 10_000);
    await takeAs(app, DEAD, held, [S.RUNNING]);
    assert.deepEqual(await app.orchestrator.claim(DEAD, 1), [], "the key is held");
    assert.equal(await parked.status(), S.CONCURRENCY_CONTROLLED);
    await withRunner(app, async () => {
      assert.equal(await held.result, 1);
      assert.equal(await parked.result, 2);
    });
    await assertValidHistories(app, tracked.ids);
  });

  it("ends a recovered invocation whose cancel was requested CANCELLED", async () => {
    const app = sharedApp();
    let runs = 0;
    const work = app.task("work", async () => void runs++);
    const tracked = trackInvocations(app);
    const inv = work();
    await registerRunner(app, DEAD, 10_000);
    await takeAs(app, DEAD, inv, [S.RUNNING]);
    assert.equal(await inv.cancel(), true);
    await withRunner(app, async () => {
      await waitForStatus(app, inv, S.CANCELLED);
      await assert.rejects(inv.result, CancelledError);
    });
    assert.equal(runs, 0);
    assert.deepEqual((await statuses(inv)).slice(-2), [S.RUNNING_RECOVERY, S.CANCELLED]);
    await assertValidHistories(app, tracked.ids);
  });

  it("re-queues an invocation PENDING longer than maxPendingMs, whoever owns it", async () => {
    const logger = captureLogger();
    const app = sharedApp({ logger, loggingLevel: "info", runnerDeadAfterMs: 60_000, maxPendingMs: 50 });
    const work = app.task("work", async (n: number) => n);
    const tracked = trackInvocations(app);
    const inv = work(3);
    await registerRunner(app, "stuck-runner", 0); // alive, but its claim never starts
    await takeAs(app, "stuck-runner", inv);
    await withRunner(app, async () => assert.equal(await inv.result, 3));
    assert.deepEqual((await statuses(inv)).slice(1, 4), [S.PENDING, S.PENDING_RECOVERY, S.REROUTED]);
    assert.ok((await runnerIds(app)).includes("stuck-runner"), "a runner that beats is not dead");
    assert.ok(
      logger.lines.some((l) => l.level === "info" && /1 invocation\(s\) PENDING for more than/.test(l.msg)),
    );
    await assertValidHistories(app, tracked.ids);
  });

  it(
    "a live runner whose claim recovery took back does not run it then, frees its slot and runs it later",
    separateRunningMove(),
    async () => {
      const logger = captureLogger();
      const base = shared();
      let target: string | undefined;
      const limits = { runnerDeadAfterMs: 3_600_000, maxPendingMs: 1 };
      // Just before the runner moves its claim to RUNNING, another runner's pass finds it stale.
      const orchestratorStore = beforeRunning(base.orchestratorStore, (id) => {
        if (id !== target) return undefined;
        target = undefined;
        return app.orchestrator.recover("other", Date.now() + 10, limits);
      });
      const backend = { ...base, orchestratorStore };
      const app = testApp({ ...FAST, logger, loggingLevel: "warn", backend });
      let runs = 0;
      const work = app.task("work", async (n: number) => (runs++, n));
      const tracked = trackInvocations(app);
      const inv = work(8);
      target = inv.id;
      await withRunner(app, async () => assert.equal(await inv.result, 8));
      assert.equal(runs, 1);
      const me = app.runner.id;
      assert.deepEqual((await inv.history()).map((h) => `${h.status}:${h.runnerId ?? "-"}`).slice(1), [
        `PENDING:${me}`,
        "PENDING_RECOVERY:other",
        "REROUTED:other",
        `PENDING:${me}`,
        `RUNNING:${me}`,
        `SUCCESS:${me}`,
      ]);
      const warned = logger.lines.find((l) => l.level === "warn" && l.msg.startsWith("Not started"));
      assert.equal(warned?.fields.invocation, inv.id);
      await assertValidHistories(app, tracked.ids);
    },
  );

  it("leaves alone what a runner with a fresh heartbeat owns", async () => {
    const { backend, calls } = observing(shared(), "runners");
    const app = testApp({ ...FAST, backend, runnerDeadAfterMs: 60_000 });
    const work = app.task("work", async (n: number) => n);
    const inv = work(1);
    await registerRunner(app, "elsewhere", 0);
    await takeAs(app, "elsewhere", inv, [S.RUNNING]);
    await withRunner(app, async () => {
      // Two passes listed the runners: the first one has surely run to its end.
      await calls.until((seen) => seen.length >= 2);
    });
    assert.equal(await inv.status(), S.RUNNING);
    assert.equal((await app.orchestrator.status(inv.id))?.owner, "elsewhere");
    assert.deepEqual(await runnerIds(app), ["elsewhere"]);
  });

  /**
   * The store stalls once (Redis frozen) in its `stalled` method for 2 × runnerDeadAfterMs, once this
   * runner holds the lease, while another runner's beats queue up behind it; they get through again
   * `lateBeatsMs` after the store answers. The other runner is alive: nothing of it is recovered.
   */
  async function stallOnce(stalled: "acquireLease" | "runners", lateBeatsMs: number): Promise<void> {
    const { backend, calls } = observing(shared(), "runners");
    let stall: Promise<void> | undefined;
    let happened = false;
    const stalling = new Proxy(backend.orchestratorStore, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        const method = (value as (...args: unknown[]) => unknown).bind(target);
        if (property !== stalled) return method;
        return async (...args: unknown[]) => {
          if (stall && !happened) {
            happened = true;
            await stall;
          }
          return method(...args);
        };
      },
    });
    const logger = captureLogger();
    const app = testApp({
      ...STALL_CLOCK,
      logger,
      loggingLevel: "info",
      backend: { ...backend, orchestratorStore: stalling },
    });
    const work = app.task("work", async (n: number) => n);
    const inv = work(1);
    const began = Date.now();
    /** When each step of the test happened (ms since it began), for the message of a failure. */
    const steps: string[] = [];
    const step = (name: string) => steps.push(`${name} +${Date.now() - began}`);
    await registerRunner(app, "elsewhere", 0);
    await takeAs(app, "elsewhere", inv, [S.RUNNING]);
    // The other runner beats until the stall, as a live one does: however long this runner takes to
    // start (a loaded machine), its first passes find a fresh beat.
    let elsewhere = beatAs(app, "elsewhere", STALL_CLOCK.heartbeatIntervalMs);
    try {
      await withRunner(app, async () => {
        await calls.until((seen) => seen.length >= 1); // a pass ran: this runner holds the lease
        step("first pass");
        await elsewhere.stop();
        await registerRunner(app, "elsewhere", 0); // its last beat before the stall
        step("last beat, stall");
        stall = new Promise((resolve) => setTimeout(resolve, 2 * STALL_CLOCK.runnerDeadAfterMs));
        await stall;
        step("stall over");
        await new Promise((resolve) => setTimeout(resolve, lateBeatsMs));
        elsewhere = beatAs(app, "elsewhere", STALL_CLOCK.heartbeatIntervalMs);
        step("beats again");
        const before = calls.seen.length;
        // Passes past the quiet time that follows the stall (runnerDeadAfterMs).
        await new Promise((resolve) => setTimeout(resolve, 2 * STALL_CLOCK.runnerDeadAfterMs));
        await calls.until((seen) => seen.length >= before + 3);
        step("passes after");
      });
    } finally {
      await elsewhere.stop();
    }
    assert.ok(happened, `the store stalled in ${stalled}`);
    const found = logger.lines.filter((l) => l.level !== "debug").map((l) => l.msg);
    const history = (await inv.history()).map((h) => `${h.status}:${h.runnerId ?? "-"} +${h.at - began}`);
    const why = `steps ${steps.join(", ")}; history ${history.join(", ")}; log ${found.join(" | ")}`;
    assert.equal(await inv.status(), S.RUNNING, why);
    assert.equal((await app.orchestrator.status(inv.id))?.owner, "elsewhere");
  }

  it("takes nobody for dead after the store stalled between a beat and the pass", async () => {
    // The store answers this runner's beat, then stalls before it answers the lease. The other runner's
    // last beat is then older than runnerDeadAfterMs, though it beats again once the store answers.
    await stallOnce("acquireLease", 0);
  });

  it("takes nobody for dead after the store stalled during a pass (its beats skipped meanwhile)", async () => {
    // The store stalls while it reads the registry for a pass: this runner skips its beats meanwhile (the
    // pass is under way). Once the store answers, its next beat and lease are quick, but the other's
    // beats that queued behind the stall come later than its next pass.
    await stallOnce("runners", 5 * STALL_CLOCK.heartbeatIntervalMs);
  });

  it("lets only the holder of the recovery lease recover, once per invocation", async () => {
    const { backend, calls } = observing(shared(), "acquireLease");
    const apps = [testApp({ ...FAST, backend }), testApp({ ...FAST, backend })];
    const tasks = apps.map((app) => app.task("work", async (n: number) => n));
    const tracked = trackInvocations(apps[0]!);
    const invs = [1, 2, 3].map((n) => tasks[0]!(n));
    await registerRunner(apps[0]!, DEAD, 10_000);
    for (const inv of invs) await takeAs(apps[0]!, DEAD, inv, [S.RUNNING]);
    const loops = apps.map((app) => app.runner.run());
    // The lease's answers until both runners began to stop: once the holder hands the lease back (its
    // stop), the other, still running a pass, may take it (as it should), which is not a second holder.
    let beforeStop = 0;
    try {
      assert.deepEqual(await Promise.all(invs.map((inv) => inv.result)), [1, 2, 3]);
      const both = apps.map((app) => app.runner.id);
      await calls.until((seen) => both.every((id) => seen.some((c) => c.args[1] === id)));
    } finally {
      beforeStop = calls.seen.length;
      await Promise.all(apps.map((app) => app.runner.stop()));
      await Promise.all(loops);
    }
    // A stopping runner hands the lease back with an `until` of 0: not a recovery.
    const taken = calls.seen.slice(0, beforeStop).filter((c) => c.result === true && c.args[3] !== 0);
    const holders = new Set(taken.map((c) => c.args[1]));
    // Stopped, the holder handed the lease back: another runner may take it at once.
    const now = Date.now();
    assert.equal(
      await backend.orchestratorStore.acquireLease("recovery", "next-runner", now, now + 1000),
      true,
    );
    assert.equal(holders.size, 1, `lease held by ${[...holders].join(", ")}`);
    for (const inv of invs) {
      const recovered = (await inv.history()).filter((h) => h.status === S.RUNNING_RECOVERY);
      assert.equal(recovered.length, 1);
      assert.ok(holders.has(recovered[0]!.runnerId!), "recovered by the lease holder");
    }
    await assertValidHistories(apps[0]!, tracked.ids);
  });
});

/** An interval timer made while `spyIntervals` watched, and whether it was cleared since. */
interface SpiedInterval {
  readonly timer: NodeJS.Timeout;
  cleared: boolean;
}

/** Runs `body` with the global setInterval/clearInterval watched; returns the intervals made. */
async function spyIntervals(body: (made: SpiedInterval[]) => Promise<void>): Promise<SpiedInterval[]> {
  const made: SpiedInterval[] = [];
  const { setInterval: set, clearInterval: clear } = globalThis;
  globalThis.setInterval = (...args: Parameters<typeof set>) => {
    const timer = set(...args);
    made.push({ timer, cleared: false });
    return timer;
  };
  globalThis.clearInterval = ((timer?: NodeJS.Timeout) => {
    for (const spied of made) if (spied.timer === timer) spied.cleared = true;
    clear(timer);
  }) as typeof clear;
  try {
    await body(made);
  } finally {
    globalThis.setInterval = set;
    globalThis.clearInterval = clear;
  }
  return made;
}

describe("the runner registry", () => {
  it("lists a running runner and removes it on stop; no timer on an in-process backend", async () => {
    // In process only: nothing can die without this process, so nothing beats.
    const app = testApp({ backend: { ...testBackend(), sharedAcrossProcesses: false } });
    const work = app.task("work", async () => 1);
    const made = await spyIntervals(() =>
      withRunner(app, async () => {
        assert.equal(await work().result, 1); // it claims only once registered
        const [info] = await app.backend.orchestratorStore.runners();
        assert.equal(info?.runnerId, app.runner.id);
        assert.equal(info.cls, "ThreadRunner");
        assert.equal(info.pid, process.pid);
      }),
    );
    assert.deepEqual(made, []);
    assert.deepEqual(await runnerIds(app), []);
  });

  it("beats on an unref'd timer on a shared backend, cleared on stop", async () => {
    const { backend, calls } = observing(shared(), "acquireLease");
    const app = testApp({ ...FAST, backend });
    const made = await spyIntervals(() =>
      withRunner(app, async () => {
        await calls.until((seen) => seen.length >= 2);
        const [info] = await app.backend.orchestratorStore.runners();
        assert.ok(info && info.heartbeatAt > info.startedAt, "the heartbeat moved on");
      }),
    );
    assert.equal(made.length, 1);
    assert.equal(made[0]!.timer.hasRef(), false, "the timer never keeps the process alive");
    assert.equal(made[0]!.cleared, true);
    assert.deepEqual(await runnerIds(app), []);
  });

  it("logs a failed beat or pass and tries again on the next beat, the runner running on", async () => {
    const logger = captureLogger();
    const observed = observing(shared(), "acquireLease");
    const store = observed.backend.orchestratorStore;
    let beats = 0;
    let passes = 0;
    // The second heartbeat (the first beat after the registration) and the first pass fail.
    const flaky = new Proxy(store, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== "function") return value;
        const method = (value as (...args: unknown[]) => unknown).bind(target);
        if (property === "heartbeat")
          return (...args: unknown[]) =>
            ++beats === 2 ? Promise.reject(new Error("store away")) : method(...args);
        if (property === "runners")
          return (...args: unknown[]) =>
            ++passes === 1 ? Promise.reject(new Error("store away")) : method(...args);
        return method;
      },
    });
    const app = testApp({
      ...FAST,
      logger,
      loggingLevel: "warn",
      backend: { ...observed.backend, orchestratorStore: flaky },
    });
    const work = app.task("work", async (n: number) => n);
    await withRunner(app, async () => {
      await observed.calls.until(() => passes >= 3);
      assert.equal(await work(6).result, 6);
    });
    const warned = logger.lines.filter((l) => l.level === "warn").map((l) => l.msg);
    assert.ok(
      warned.some((m) => m.startsWith("Could not record this runner's heartbeat")),
      warned.join("\n"),
    );
    assert.ok(
      warned.some((m) => m.startsWith("Recovery pass failed")),
      warned.join("\n"),
    );
  });

  it("refuses to start when runnerDeadAfterMs is not well above heartbeatIntervalMs", async () => {
    const app = testApp({ heartbeatIntervalMs: 1000, runnerDeadAfterMs: 2000 });
    await assert.rejects(app.runner.run(), (error: unknown) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, /runnerDeadAfterMs \(2000 ms\).*heartbeatIntervalMs \(1000 ms\)/);
      return true;
    });
    assert.equal(app.runner.running, false);
    assert.deepEqual(await runnerIds(app), []);
  });
});
