/**
 * A task's await on Redis in one script call (`OrchestratorStore.recordAndPause`, store-pause-2.lua)
 * answers and leaves the store exactly as the generic path does (Waits.record + Waits.pause, five or
 * more calls): each scenario runs on two fresh Redis stores, one with the method hidden, and the answers,
 * errors, statuses, histories and wait graphs are compared.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import { RedisPause } from "../../src/backends/redis/redis-pause.js";
import type { RedisClient } from "../../src/backends/redis/driver.js";
import type { StoreKeys } from "../../src/backends/redis/redis-store-keys.js";
import { Tynenc } from "../../src/index.js";
import type { InvocationRecord } from "../../src/invocation/invocation-record.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import type { OrchestratorStore } from "../../src/orchestrator/orchestrator-store.js";
import type { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import { needsRedis, tempRedisBackend } from "../redis-context.js";

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
  const redis = store as unknown as { context: { client: RedisClient }; keys: StoreKeys };
  const tight = new RedisPause(redis.context.client, redis.keys, "test", 0);
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
