/**
 * A task's await on Redis in one script call (`OrchestratorStore.recordAndPause`, store-pause-3.lua)
 * answers and leaves the store exactly as the generic path does (Waits.record + Waits.pause, five or
 * more calls): each scenario runs on two fresh Redis stores, one with the method hidden, and the answers,
 * errors, statuses, histories and wait graphs are compared.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import { RedisPause } from "../../src/backends/redis/redis-pause.js";
import { queueKeys } from "../../src/backends/redis/redis-broker.js";
import { key, type RedisContext } from "../../src/backends/redis/context.js";
import type { StoreKeys } from "../../src/backends/redis/redis-store-keys.js";
import { Tynenc, type Invocation, type Task } from "../../src/index.js";
import type { InvocationRecord } from "../../src/invocation/invocation-record.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import type { OrchestratorStore } from "../../src/orchestrator/orchestrator-store.js";
import type { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import { historyProblems, withRunner } from "../../src/testing/index.js";
import { deleteKeys, needsRedis, tempRedisBackend, TEST_REDIS_URL } from "../redis-context.js";
import { loadIoredis } from "../../src/backends/redis/driver.js";
import { redisBackend } from "../../src/backends/redis/index.js";
import { calledScript, loadScripts, scriptNames } from "../../src/backends/redis/scripts.js";
import { randomUUID } from "node:crypto";

const S = InvocationStatus;
const R = "runner-1";
const IDS = ["a", "b", "c", "d"];

type Mode = "generic" | "one-call" | "walk-limit";

function record(id: string): InvocationRecord {
  return { id, taskId: "t", argsId: id, serializedArgs: "[]", parentId: null, createdAt: 1 };
}

/** The store as `mode` wants it: the method hidden, as is, or with a cycle search that gives up at once. */
function storeFor(mode: Mode, store: OrchestratorStore): OrchestratorStore {
  if (mode === "one-call") return store;
  if (mode === "generic")
    return Object.create(store, { recordAndPause: { value: undefined } }) as OrchestratorStore;
  const redis = store as unknown as { context: RedisContext; keys: StoreKeys };
  const claims = { records: key(redis.context, "rec:"), queueKeys: queueKeys(redis.context) };
  const where = `prefix ${redis.context.prefix}`; // as the store names itself in its errors
  const tight = new RedisPause(redis.context.client, redis.keys, where, claims, 0);
  return Object.create(store, {
    recordAndPause: { value: tight.recordAndPause.bind(tight) },
  }) as OrchestratorStore;
}

interface Seen {
  answer?: unknown;
  error?: { name: string; message: string };
  statuses: unknown[];
  histories: string[][];
  edges: [string, string[]][];
  ready: string[];
}

/**
 * Registers a..d, runs `setup` (claims, moves, waits of others), then `act` (the pause under test), and
 * returns what came of it.
 */
async function observe(
  mode: Mode,
  setup: (o: Orchestrator) => Promise<void>,
  act: (o: Orchestrator) => unknown,
): Promise<Seen> {
  const base = tempRedisBackend();
  const backend: Backend = { ...base, orchestratorStore: storeFor(mode, base.orchestratorStore) };
  const app = new Tynenc({ appId: "pause-one-call", loggingLevel: "error", backend });
  const o = app.orchestrator;
  assert.equal(o.pausesInOneStep, mode !== "generic");
  try {
    await o.register(IDS.map(record), null);
    await setup(o);
    const seen: Partial<Seen> = {};
    try {
      seen.answer = await act(o);
    } catch (error) {
      const e = error as Error;
      seen.error = { name: e.name, message: e.message.replace(/\(prefix [^)]*\)/, "") };
    }
    const store = base.orchestratorStore;
    seen.statuses = (await store.getStatuses(IDS)).map((s) => s && { status: s.status, owner: s.owner });
    seen.histories = await Promise.all(
      IDS.map(async (id) => (await store.getHistory(id)).map((h) => h.status)),
    );
    seen.edges = [...(await store.waitingFor(IDS))]
      .map(([from, to]): [string, string[]] => [from, to.sort()])
      .sort();
    seen.ready = (await store.waitedOnRunnable(10)).sort();
    return seen as Seen;
  } finally {
    await app.close();
  }
}

/** Claims `ids` (in queue order they were registered) and moves them to RUNNING for runner R. */
async function running(o: Orchestrator, ...ids: string[]): Promise<void> {
  const claimed = await o.claim(R, IDS.length);
  for (const r of claimed) {
    if (ids.includes(r.id)) await o.transition(r.id, S.RUNNING, R);
    else await o.transition(r.id, S.REROUTED, R);
  }
}

async function sameEverywhere(
  setup: (o: Orchestrator) => Promise<void>,
  act: (o: Orchestrator) => unknown,
  expected: Partial<Seen>,
): Promise<void> {
  const generic = await observe("generic", setup, act);
  for (const key of Object.keys(expected) as (keyof Seen)[]) assert.deepEqual(generic[key], expected[key]);
  assert.deepEqual(await observe("one-call", setup, act), generic, "one call");
  assert.deepEqual(
    await observe("walk-limit", setup, act),
    generic,
    "one call, cycle search left to the caller",
  );
}

const pause =
  (waiter: string, ...waited: string[]) =>
  (o: Orchestrator) =>
    o.recordAndPause(waiter, waited, R);
const twoSteps =
  (waiter: string, ...waited: string[]) =>
  async (o: Orchestrator) => {
    await o.recordWaits(waiter, waited);
    return o.pause(waiter, waited, R);
  };

async function errorOf(run: () => unknown): Promise<Error | undefined> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

const redis = await needsRedis();

void describe("Redis pause in one call", { ...redis }, () => {
  void it("pauses on the unfinished ones, keeping edges to the finished ones too", async () => {
    await sameEverywhere(
      async (o) => {
        await running(o, "a", "c");
        await o.finish("c", { ok: true, value: "1" }, R);
      },
      (o) => (o.pausesInOneStep ? pause("a", "b", "c")(o) : twoSteps("a", "b", "c")(o)),
      { answer: { open: ["b"] }, edges: [["a", ["b", "c"]]] },
    );
  });

  void it("does not pause when every waited one is final already", async () => {
    await sameEverywhere(
      async (o) => {
        await running(o, "a", "b");
        await o.finish("b", { ok: true, value: "1" }, R);
      },
      (o) => (o.pausesInOneStep ? pause("a", "b")(o) : twoSteps("a", "b")(o)),
      { answer: { open: [] } },
    );
  });

  void it("refuses a wait that closes a cycle and removes its edges", async () => {
    await sameEverywhere(
      async (o) => {
        await running(o, "a", "b", "c");
        await twoSteps("a", "b")(o);
        await twoSteps("b", "c")(o);
      },
      (o) => (o.pausesInOneStep ? pause("c", "a", "d")(o) : twoSteps("c", "a", "d")(o)),
      { answer: { open: ["a", "d"], cycle: ["c", "a", "b", "c"] } },
    );
  });

  void it("refuses waiting for itself", async () => {
    await sameEverywhere(
      (o) => running(o, "a"),
      (o) => (o.pausesInOneStep ? pause("a", "a")(o) : twoSteps("a", "a")(o)),
      { answer: { open: ["a"], cycle: ["a", "a"] } },
    );
  });

  void it("replaces the edges of the waiter's previous wait", async () => {
    await sameEverywhere(
      async (o) => {
        await running(o, "a", "b");
        await o.finish("b", { ok: true, value: "1" }, R);
        await twoSteps("a", "b")(o); // read b's result: not paused, the edge stays until the next wait
      },
      (o) => (o.pausesInOneStep ? pause("a", "c")(o) : twoSteps("a", "c")(o)),
      { answer: { open: ["c"] }, edges: [["a", ["c"]]], ready: ["c"] },
    );
  });

  void it("throws the refused move's error and leaves no edge when the waiter ended meanwhile", async () => {
    await sameEverywhere(
      async (o) => {
        await running(o, "a");
        await o.finish("a", { ok: false, error: "{}" }, R); // a timeout or cancel ended it
      },
      (o) => (o.pausesInOneStep ? pause("a", "b")(o) : twoSteps("a", "b")(o)),
      { edges: [] },
    );
  });

  void it("pauses a waiter whose cancel was requested but not carried out yet", async () => {
    await sameEverywhere(
      async (o) => {
        await running(o, "a");
        await o.cancel("a");
      },
      (o) => (o.pausesInOneStep ? pause("a", "b")(o) : twoSteps("a", "b")(o)),
      { answer: { open: ["b"] } },
    );
  });

  void it("throws for a waiter another runner owns, and for an unknown one", async () => {
    await sameEverywhere(
      (o) => running(o, "a"),
      (o) => (o.pausesInOneStep ? o.recordAndPause("a", ["b"], "other") : twoStepsAs("other")(o)),
      { edges: [] },
    );
    await sameEverywhere(
      () => Promise.resolve(),
      (o) => (o.pausesInOneStep ? pause("zz", "b")(o) : twoSteps("zz", "b")(o)),
      { edges: [] },
    );
  });
});

function twoStepsAs(runner: string) {
  return async (o: Orchestrator) => {
    await o.recordWaits("a", ["b"]);
    return o.pause("a", ["b"], runner);
  };
}

void describe("Redis resume from a pause in one call", { ...redis }, () => {
  /** a..e registered; a RUNNING (runner R) and paused on b. */
  async function pausedOnB(): Promise<{ o: Orchestrator; store: OrchestratorStore; app: Tynenc }> {
    const backend = tempRedisBackend();
    const app = new Tynenc({ appId: "resume-one-call", loggingLevel: "error", backend });
    const o = app.orchestrator;
    // a and e share a running key; e is registered last, so `running` does not claim it.
    const keyed = (id: string) => ({ ...record(id), runningKey: "k" });
    await o.register([...IDS.map((id) => (id === "a" ? keyed(id) : record(id))), keyed("e")], null);
    await running(o, "a", "b");
    assert.deepEqual(await o.recordAndPause("a", ["b"], R), { open: ["b"] });
    return { o, store: backend.orchestratorStore, app };
  }

  const statuses = async (store: OrchestratorStore, id: string) =>
    (await store.getHistory(id)).map((h) => [h.status, h.runnerId]);

  void it("moves PAUSED -> RESUMED -> RUNNING in one step, both in the history", async () => {
    const { o, store, app } = await pausedOnB();
    try {
      assert.equal(o.resumesInOneStep, true);
      await o.finish("b", { ok: true, value: "1" }, R);
      const record = await o.resumeFromPause("a", R);
      assert.equal(record?.status, S.RUNNING);
      assert.equal(record?.owner, R);
      assert.deepEqual((await statuses(store, "a")).slice(-3), [
        [S.PAUSED, R],
        [S.RESUMED, R],
        [S.RUNNING, R],
      ]);
    } finally {
      await app.close();
    }
  });

  void it("leaves it RESUMED while its running key is held, for the ordinary resume later", async () => {
    const { o, store, app } = await pausedOnB();
    try {
      // The paused a gave its key up: e takes it (another runner claims it), so a may not run.
      assert.deepEqual(await store.claim(["e"], "other", Date.now()), ["e"]);
      await o.finish("b", { ok: true, value: "1" }, R);
      assert.equal(await o.resumeFromPause("a", R), undefined);
      assert.equal((await store.getStatus("a"))?.status, S.RESUMED);
      await o.transition("e", S.RUNNING, "other");
      await o.finish("e", { ok: true, value: "1" }, "other");
      assert.equal((await o.resume("a", R))?.status, S.RUNNING);
    } finally {
      await app.close();
    }
  });

  void it("throws what the move to RESUMED throws, and changes nothing", async () => {
    const { o, store, app } = await pausedOnB();
    try {
      const generic = await errorOf(() => o.transition("b", S.RESUMED, R));
      const oneCall = await errorOf(() => o.resumeFromPause("b", R));
      assert.ok(generic && oneCall);
      assert.equal(oneCall.name, generic.name);
      assert.equal(oneCall.message, generic.message);
      const other = await errorOf(() => o.resumeFromPause("a", "other"));
      assert.equal(other?.name, "OwnershipError");
      assert.equal((await store.getStatus("a"))?.status, S.PAUSED);
    } finally {
      await app.close();
    }
  });
});

void describe("Redis pause sent early, and claiming for the slot it frees", { ...redis }, () => {
  /** a..d registered, a RUNNING for runner R, b queued. */
  async function aRunning(): Promise<{ o: Orchestrator; store: OrchestratorStore; app: Tynenc }> {
    const backend = tempRedisBackend();
    const app = new Tynenc({ appId: "pause-early", loggingLevel: "error", backend });
    const o = app.orchestrator;
    await o.register(IDS.map(record), null);
    await running(o, "a");
    await o.register([record("e")], null); // queued, never claimed above
    return { o, store: backend.orchestratorStore, app };
  }

  void it("answers `unregistered` for a waited id not stored yet, and changes nothing", async () => {
    const { o, store, app } = await aRunning();
    try {
      const answer = await o.recordAndPause("a", ["e", "x"], R, { early: true });
      assert.deepEqual(answer, { open: [], unregistered: "x" });
      assert.equal((await store.getStatus("a"))?.status, S.RUNNING);
      assert.deepEqual(await store.waitingFor(["a"]), new Map(), "no edge recorded");
      // Without `early`, an unknown id is one retention purged: finished, nothing to wait for.
      assert.deepEqual(await o.recordAndPause("a", ["x"], R), { open: [] });
    } finally {
      await app.close();
    }
  });

  void it("claims the waited child to RUNNING in the call that pauses its parent", async () => {
    const { o, store, app } = await aRunning();
    try {
      const claim = { max: 1, running: true };
      const answer = await o.recordAndPause("a", ["e"], R, { claim, early: true });
      assert.deepEqual(answer.open, ["e"]);
      assert.deepEqual(
        answer.claimed?.map((r) => r.id),
        ["e"],
        "the child ranks first: its parent waits on it",
      );
      assert.equal((await store.getStatus("a"))?.status, S.PAUSED);
      assert.deepEqual(
        (await store.getHistory("e")).map((h) => h.status),
        [S.REGISTERED, S.PENDING, S.RUNNING],
      );
    } finally {
      await app.close();
    }
  });

  void it("claims nothing when nothing is open, or the wait closes a cycle", async () => {
    const { o, store, app } = await aRunning();
    try {
      const claim = { max: 1, running: true };
      await o.transition("e", S.CANCELLED, null);
      assert.deepEqual(await o.recordAndPause("a", ["e"], R, { claim }), { open: [] });
      assert.deepEqual((await o.recordAndPause("a", ["a"], R, { claim })).claimed, undefined);
      assert.equal((await store.getStatus("a"))?.status, S.RUNNING);
      assert.deepEqual(await store.ownedBy([R]), ["a"], "claimed nothing");
    } finally {
      await app.close();
    }
  });
});

void describe("Redis fib on one slot", { ...redis }, () => {
  void it("pauses each parent claiming its child, resumes it in the child's finish, histories in order, no read after it", async () => {
    await countedFib("one at a time", ({ count }) => {
      return () => {
        // fib(7) is 41 invocations, 20 of them calling two children: 40 pauses, each one call that also
        // claims the child for the slot it frees, and each parent resumed by its child's finish, in the
        // call of that finish (store-finish-5.lua): no claim, resume or status read of their own.
        assert.equal(count("store-pause-3"), 40);
        assert.equal(count("store-resume-2"), 0, "resumes of their own");
        // Claims of their own: the runner's first look at the queue, and the one that found the top call.
        assert.ok(count("claim-next-5") <= 2, "claims of their own");
        assert.equal(count("resume"), 0);
        assert.equal(count("store-register-3"), 41);
        assert.equal(count("store-finish-5"), 41);
        // Each resume answered with its children's outcomes and statuses: the parent's awaits read none.
        assert.equal(count("state-get-outcomes-1"), 0, "outcome reads");
        // Status reads: the caller's await of the top call only. A pause needs no check after it (its
        // finals were listened for from before it, Orchestrator.watchFinals), nor does a resume.
        assert.equal(count("store-watch-1") + count("hmget"), 1, "status reads");
      };
    });
  });

  void it("with both children awaited together, the first child's finish claims the second: two calls per invocation", async () => {
    await countedFib("both at once", async ({ count, app }) => {
      const all = await app.backend.orchestratorStore.countByStatus();
      assert.deepEqual(all, { [S.SUCCESS]: 41 });
      return () => {
        // 20 parents: one registration of both children, one pause claiming one of them; the finish of
        // that child claims its sibling (the parent still waits for it), the sibling's finish resumes
        // the parent. No claim of the runner's own beyond its first looks at the queue.
        assert.equal(count("store-register-3"), 21);
        assert.equal(count("store-pause-3"), 20);
        assert.equal(count("store-finish-5"), 41);
        assert.ok(count("claim-next-5") <= 2, "claims of their own");
        assert.equal(count("store-resume-2"), 0, "resumes of their own");
      };
    });
  });
});

interface FibRun {
  readonly app: Tynenc;
  readonly top: Invocation<number>;
  /** How many calls of `name` (a command, or a script by its file's name) the app's client sent so far. */
  readonly count: (name: string) => number;
}

/**
 * fib(7) on one slot, children awaited `shape`, with every command of the app's client counted. The top
 * call's result and history are checked (each parent pauses once per await, so twice one at a time and
 * once for both at once); `body` checks more inside the runner and returns the checks of the counts,
 * made once the runner stopped.
 */
async function countedFib(
  shape: "one at a time" | "both at once",
  body: (run: FibRun) => (() => void) | Promise<() => void>,
): Promise<void> {
  const Redis = loadIoredis();
  const client = new Redis(TEST_REDIS_URL, {});
  const keyPrefix = `tynenc-test:{${randomUUID()}}:`;
  await client.ping(); // connected: commands queued before would be counted twice
  // Loaded before the commands are counted: a first call on a server without them loads them too.
  await loadScripts(client, scriptNames());
  const calls: string[] = [];
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command: { name: string; args: unknown[] }, ...rest: unknown[]) => {
    const name = command.name.toLowerCase();
    const called = calledScript(name, command.args[0]);
    if (called === "store-change-3") calls.push(String(command.args[Number(command.args[1]) + 3]));
    else calls.push(called ?? name);
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  };
  const backend = redisBackend({ client, appId: "fib-one-slot", keyPrefix });
  const app = new Tynenc({ appId: "fib-one-slot", loggingLevel: "error", maxParallelSlots: 1, backend });
  const fib: Task<[number], number> = app.task("fib", async (n: number): Promise<number> => {
    if (n <= 1) return n;
    if (shape === "one at a time") return (await fib(n - 1).result) + (await fib(n - 2).result);
    const [a, b] = await Promise.all([fib(n - 1).result, fib(n - 2).result]);
    return a + b;
  });
  const count = (name: string) => calls.filter((c) => c === name).length;
  try {
    let checks!: () => void;
    await withRunner(app, async () => {
      const top = fib(7);
      assert.equal(await top.result, 13);
      const pause = [S.PAUSED, S.RESUMED, S.RUNNING];
      const pauses = shape === "one at a time" ? [...pause, ...pause] : pause;
      const history = (await top.history()).map((h) => h.status);
      assert.deepEqual(history, [S.REGISTERED, S.PENDING, S.RUNNING, ...pauses, S.SUCCESS]);
      checks = await body({ app, top, count });
    });
    checks();
    const ids = await app.backend.orchestratorStore.findByStatus([S.SUCCESS]);
    assert.equal(ids.length, 41);
    for (const id of ids) {
      const history = await (await app.getInvocation(id)).history();
      assert.deepEqual(historyProblems(history), [], `history of ${id}`);
    }
  } finally {
    await app.close();
    await deleteKeys(client, keyPrefix);
    client.disconnect();
  }
}

void describe("Redis resume with no free slot", { ...redis }, () => {
  void it(
    "moves a waiter to RESUMED within a turn, and runs it once a slot frees",
    { timeout: 30_000 },
    async () => {
      const backend = tempRedisBackend();
      const app = new Tynenc({
        appId: "resume-no-slot",
        loggingLevel: "error",
        maxParallelSlots: 2,
        backend,
      });
      let openHolder!: () => void;
      let openLong!: () => void;
      const holderGate = new Promise<void>((resolve) => (openHolder = resolve));
      const longGate = new Promise<void>((resolve) => (openLong = resolve));
      let started!: (id: string) => void;
      const childRegistered = new Promise<string>((resolve) => (started = resolve));
      // Running concurrency per task: while `holder` runs, `child` cannot, so it never takes a slot.
      const child = app.task("child", async (gated: boolean) => (gated ? await holderGate : undefined), {
        runningConcurrency: "task",
      });
      const long = app.task("long", async () => {
        await longGate;
      });
      const parent = app.task("parent", async (): Promise<string> => {
        const c = child(false);
        void long();
        started((await c.registered).id);
        try {
          await c.result;
          return "child done";
        } catch (error) {
          return (error as Error).name;
        }
      });
      try {
        await withRunner(app, async () => {
          const holder = child(true);
          while ((await holder.status()) !== S.RUNNING) await new Promise((r) => setTimeout(r, 5));
          const p = parent();
          const childId = await childRegistered;
          // parent paused, its slot taken by `long`: both slots busy (holder, long).
          while ((await p.status()) !== S.PAUSED) await new Promise((r) => setTimeout(r, 5));
          assert.equal(await (await app.getInvocation(childId)).cancel(), true);
          // Its wait is over with no slot free: RESUMED in the store within a turn, not left PAUSED.
          while ((await p.status()) !== S.RESUMED) await new Promise((r) => setTimeout(r, 5));
          openLong();
          assert.equal(await p.result, "CancelledError");
          const history = (await p.history()).map((h) => h.status);
          assert.deepEqual(history.slice(-4), [S.PAUSED, S.RESUMED, S.RUNNING, S.SUCCESS]);
          openHolder();
          await holder.result;
        });
      } finally {
        openHolder();
        openLong();
        await app.close();
      }
    },
  );
});
