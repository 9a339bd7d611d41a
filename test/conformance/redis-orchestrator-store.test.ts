/**
 * The OrchestratorStore conformance suites on Redis: a memory bundle with the RedisOrchestratorStore
 * swapped in, on a key prefix of each test's own. The cases that also use the state backend
 * (retention's deleteInvocations) use the memory one: they only check what the store hands it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import { memoryBackend } from "../../src/backends/memory/index.js";
import { RedisOrchestratorStore } from "../../src/backends/redis/redis-orchestrator-store.js";
import { StoreKeys } from "../../src/backends/redis/redis-store-keys.js";
import { loadScripts } from "../../src/backends/redis/scripts.js";
import {
  InvocationStatus,
  STATUS_TABLE,
  ownerAfter,
  ownerAfterResume,
  refuseUnderCancel,
  type InvocationStatus as Status,
} from "../../src/invocation/status.js";
import { needsRedis, tempRedisContext } from "../redis-context.js";
import { concurrencyCases } from "./concurrency.case.js";
import { orchestratorStoreCases } from "./orchestrator-store.case.js";
import { recoveryCases } from "./recovery.case.js";
import { retentionCases } from "./retention.case.js";
import { waitGraphCases } from "./wait-graph.case.js";

async function redisStoreBackend(): Promise<Backend> {
  const context = await tempRedisContext();
  const base = memoryBackend();
  return {
    ...base,
    name: "redis-orchestrator-store",
    sharedAcrossProcesses: true,
    orchestratorStore: new RedisOrchestratorStore(context),
    close: async () => {
      try {
        await base.close();
      } finally {
        await context.close();
      }
    },
  };
}

const name = "redis orchestrator store";
describe(name, await needsRedis(), () => {
  orchestratorStoreCases(name, redisStoreBackend);
  waitGraphCases(name, redisStoreBackend);
  concurrencyCases(name, redisStoreBackend);
  retentionCases(name, redisStoreBackend);
  recoveryCases(name, redisStoreBackend);
});

const STATUSES = Object.keys(STATUS_TABLE) as Status[];

/** What status.ts says of a move: the owner after, or the error it throws. */
function expected(
  id: string,
  from: Status,
  owner: string | null,
  to: Status | "resume",
  runner: string | null,
  cancel: boolean,
): { owner: string | null } | Error {
  try {
    if (to === "resume") return { owner: ownerAfterResume(id, from, owner, runner ?? "") };
    const after = ownerAfter(id, from, owner, to, runner);
    if (cancel) refuseUnderCancel(id, to);
    return { owner: after };
  } catch (error) {
    return error as Error;
  }
}

describe("RedisOrchestratorStore: status.ts, round trips, batches, purge", await needsRedis(), () => {
  it("allows and refuses every move exactly as status.ts does, with the same errors", async () => {
    const context = await tempRedisContext();
    try {
      const store = new RedisOrchestratorStore(context);
      const keys = new StoreKeys(context);
      const cases: Promise<void>[] = [];
      let n = 0;
      for (const from of STATUSES) {
        for (const to of [...STATUSES, "resume"] as const) {
          for (const owner of [null, "r1"]) {
            for (const runner of [null, "r1", "r2"]) {
              for (const cancel of [false, true]) {
                if (to === "resume" && runner === null) continue;
                const id = `m-${n++}`;
                cases.push(
                  (async () => {
                    // Put the invocation in `from` directly: most statuses take several moves to reach.
                    const fields = { s: from, o: owner ?? "", at: 1, t: "t", ...(cancel ? { x: "1" } : {}) };
                    await context.client.hset(keys.invocation(id), fields);
                    const want = expected(id, from, owner, to, runner, cancel);
                    const got = await (
                      to === "resume"
                        ? store.resume(id, runner ?? "", 2)
                        : store.transition(id, to, runner, 2)
                    ).then(
                      (record) => ({ owner: record?.owner ?? null }),
                      (error: Error) => error,
                    );
                    const label = `${from} -> ${to} owned by ${owner} moved by ${runner}${cancel ? " (cancel asked)" : ""}`;
                    if (want instanceof Error) {
                      assert.ok(got instanceof Error, `${label}: allowed, status.ts refuses it`);
                      assert.equal(got.constructor, want.constructor, label);
                      assert.equal(got.message, want.message, label);
                    } else {
                      assert.deepEqual(got, want, label);
                    }
                  })(),
                );
              }
            }
          }
        }
      }
      await Promise.all(cases);
    } finally {
      await context.close();
    }
  });

  it("answers every method in one round trip, whatever the number of ids", async () => {
    const context = await tempRedisContext();
    try {
      const store = new RedisOrchestratorStore(context);
      const S = InvocationStatus;
      await loadScripts(context.client, ["store-change-3", "store-read-1", "store-cancel-1"]);
      await loadScripts(context.client, ["store-pin-3", "store-purge-4", "store-lease-1"]);
      // Each write to the socket is one request; every call below is awaited alone.
      const stream = (context.client as unknown as { stream: { write: (...a: unknown[]) => boolean } })
        .stream;
      const write = stream.write.bind(stream);
      let writes = 0;
      stream.write = (...args: unknown[]) => {
        writes++;
        return write(...args);
      };
      const all = Array.from({ length: 200 }, (_, i) => `x${i}`);
      const items = all.map((id, i) => ({ id, taskId: "t", runningKey: `rk${i % 3}`, cacheKey: "c" }));
      const runner = { runnerId: "r1", cls: "T", hostname: "h", pid: 1, startedAt: 1, heartbeatAt: 1 };
      const calls: [string, () => Promise<unknown>][] = [
        ["register", () => store.register(items, null, 1)],
        ["addWaits", () => store.addWaits("w", all.slice(0, 100))],
        ["waitedOnRunnable", () => store.waitedOnRunnable(64)],
        ["countWaiters", () => store.countWaiters(all.slice(0, 64), 10_000)],
        ["claim", () => store.claim(all, "r1", 2, [])],
        ["transition", () => store.transition("x0", S.RUNNING, "r1", 3)],
        [
          "transition with clearWaits",
          () => store.transition("x0", S.SUCCESS, "r1", 4, { clearWaits: true }),
        ],
        ["requestCancel", () => store.requestCancel("x1")],
        ["getStatus", async () => store.getStatus("x1")],
        ["getStatuses", () => store.getStatuses(all)],
        ["getHistory", () => store.getHistory("x0")],
        ["findByStatus", () => store.findByStatus([S.PENDING, S.SUCCESS])],
        ["findByStatus of a task", () => store.findByStatus([S.PENDING, S.SUCCESS], "t")],
        ["waitingFor", () => store.waitingFor(all)],
        ["waitersOf", () => store.waitersOf(all)],
        ["removeWaitsOn", () => store.removeWaitsOn("x5")],
        ["removeWaitsOf", () => store.removeWaitsOf("w")],
        ["runningKeyHolders", () => store.runningKeyHolders("rk0")],
        ["parkedOn", () => store.parkedOn("rk0")],
        ["cachedResult", () => store.cachedResult("c")],
        ["pin", () => store.pin("x0")],
        ["unpin", () => store.unpin("x0")],
        ["purgeFinished", () => store.purgeFinished(10, 0, new Map([["x9", 1]]))],
        ["countByStatus", () => store.countByStatus()],
        ["heartbeat", () => store.heartbeat(runner)],
        ["runners", () => store.runners()],
        ["acquireLease", () => store.acquireLease("recovery", "r1", 1, 2)],
        ["ownedBy", () => store.ownedBy(["r1", "r2"])],
        ["removeRunner", () => store.removeRunner("r1")],
      ];
      const trips: Record<string, number> = {};
      for (const [name, call] of calls) {
        writes = 0;
        await call();
        trips[name] = writes;
      }
      assert.deepEqual(trips, Object.fromEntries(calls.map(([name]) => [name, 1])));
      // And the claim took one per running key: the rest were held back.
      assert.equal((await store.findByStatus([S.PENDING])).length, 2);
    } finally {
      await context.close();
    }
  });

  it("registers a batch larger than one script call takes, in order, deduplicating across calls", async () => {
    const context = await tempRedisContext();
    try {
      const store = new RedisOrchestratorStore(context);
      const all = Array.from({ length: 12_000 }, (_, i) => `big-${i}`);
      const items = all.map((id, i) => ({ id, taskId: "t", registrationKey: i === 11_000 ? "k0" : `k${i}` }));
      const answer = await store.register(items, null, 1);
      assert.equal(answer.length, all.length);
      assert.equal(answer[11_000], "big-0");
      assert.equal(answer.filter((a) => a !== undefined).length, 1);
      assert.equal((await store.claim(all, "r1", 2)).length, all.length - 1);
    } finally {
      await context.close();
    }
  });

  it("purges with a keep that can only answer has (the due ids read first)", async () => {
    const context = await tempRedisContext();
    try {
      const store = new RedisOrchestratorStore(context);
      const S = InvocationStatus;
      await store.register(
        ["a", "b"].map((id) => ({ id, taskId: "t" })),
        null,
        1,
      );
      for (const id of ["a", "b"]) {
        await store.claim([id], "r", 2);
        await store.transition(id, S.RUNNING, "r", 3);
        await store.transition(id, S.SUCCESS, "r", 4);
      }
      assert.deepEqual(await store.purgeFinished(1_000, 1_000, { has: (id) => id === "a" }), ["b"]);
      assert.deepEqual(await store.purgeFinished(0, 1_000, { has: () => false }), ["a"]);
    } finally {
      await context.close();
    }
  });

  it("purge leaves no key of the store behind, and only those", async () => {
    const context = await tempRedisContext();
    try {
      const store = new RedisOrchestratorStore(context);
      const S = InvocationStatus;
      await context.client.set(`${context.prefix}someone-else`, "1");
      await store.register(
        [{ id: "a", taskId: "t", registrationKey: "g", runningKey: "r", cacheKey: "c" }],
        null,
        1,
      );
      await store.register([{ id: "b", taskId: "t", runningKey: "r" }], null, 1);
      await store.addWaits("w", ["a", "b"]);
      await store.claim(["a"], "r1", 2);
      await store.transition("b", S.CONCURRENCY_CONTROLLED, null, 2);
      await store.pin("a");
      await store.heartbeat({
        runnerId: "r1",
        cls: "T",
        hostname: "h",
        pid: 1,
        startedAt: 1,
        heartbeatAt: 1,
      });
      await store.acquireLease("recovery", "r1", 1, 2);
      await store.purge();
      const left = await context.client.keys(`${context.prefix}*`);
      assert.deepEqual(left, [`${context.prefix}someone-else`]);
    } finally {
      await context.close();
    }
  });
});
