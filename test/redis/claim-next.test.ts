/**
 * `Backend.claimNext` on Redis (claim-next-5.lua): the claim order of DESIGN section 3 in one call,
 * stale queue entries dropped, held running keys reported, RUNNING at claim with a legal history, and
 * a call sent again (as ioredis does after a reconnect) answered as first made.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { Backend, ClaimOptions } from "../../src/backends/backend.js";
import type { RedisClient } from "../../src/backends/redis/driver.js";
import { runScript } from "../../src/backends/redis/scripts.js";
import type { InvocationRecord } from "../../src/invocation/invocation-record.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import { historyProblems } from "../../src/testing/index.js";
import { needsRedis, ownRedisBackend, recordCalls } from "../redis-context.js";

const S = InvocationStatus;
const PENDING_ONLY: ClaimOptions = { window: 64, running: false };

function recordOf(id: string, runningKey?: string): InvocationRecord {
  const record = { id, taskId: "t", argsId: id, serializedArgs: `["${id}"]`, parentId: null, createdAt: 1 };
  return runningKey === undefined ? record : { ...record, runningKey };
}

const redis = await needsRedis();

void describe("Redis claimNext", { ...redis }, () => {
  let client: RedisClient;
  let prefix: string;
  let backend: Backend;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, prefix, backend, close } = await ownRedisBackend());
  });

  afterEach(() => close());

  /** Registered, stored and queued in this order. */
  async function queued(ids: readonly string[], runningKey?: string): Promise<void> {
    const items = ids.map((id) => ({ id, taskId: "t", ...(runningKey ? { runningKey } : {}) }));
    await backend.orchestratorStore.register(items, null, Date.now());
    await backend.stateBackend.saveInvocations(ids.map((id) => recordOf(id, runningKey)));
    await backend.broker.route(ids);
  }

  async function claim(max: number, options = PENDING_ONLY, runner = "r1"): Promise<string[]> {
    const batch = await backend.claimNext!(runner, max, Date.now(), options);
    assert.deepEqual(batch.blocked, []);
    return batch.records.map((r) => r.id);
  }

  void it("claims the waited-on ones first, most waiters first, then the queue in order", async () => {
    await queued(["a", "b", "c", "d", "w1", "w2", "w3"]);
    // c is waited on first (first in the ready set), but b has more waiters.
    await backend.orchestratorStore.addWaits("w1", ["c"]);
    await backend.orchestratorStore.addWaits("w2", ["b"]);
    await backend.orchestratorStore.addWaits("w3", ["b"]);
    assert.deepEqual(await claim(1), ["b"]);
    assert.deepEqual(await claim(2), ["c", "a"]);
    // The queue's entries of b and c were stale: popped and dropped on the way to d.
    assert.deepEqual(await claim(2), ["d", "w1"]);
    assert.deepEqual(await claim(5), ["w2", "w3"]);
    assert.deepEqual(await claim(5), []);
    assert.equal(await client.llen(`${prefix}queue`), 0);
  });

  void it("counts transitive waiters exactly along chains of single waiters and across shared ones", async () => {
    // A chain r -> a -> b -> c (r waits for a, ...), a fan-in: y1 and y2 wait for x, z waits for both
    // (z counts once for x), and d, waited on by c's chain head through two paths.
    await queued(["r", "a", "b", "c", "x", "y1", "y2", "z", "d", "e"]);
    const store = backend.orchestratorStore;
    await store.addWaits("r", ["a"]);
    await store.addWaits("a", ["b"]);
    await store.addWaits("z", ["y1", "y2"]);
    await store.addWaits("y1", ["x"]);
    await store.addWaits("y2", ["x"]);
    await store.addWaits("b", ["c", "d"]);
    await store.addWaits("x", ["e"]);
    // Counted over one ranking (shared chains) and one id at a time: the same exact counts.
    const ids = ["c", "d", "b", "a", "x", "e", "y1", "r"];
    const expected = [3, 3, 2, 1, 3, 4, 1, 0];
    assert.deepEqual(await store.countWaiters!(ids, 10_000), expected);
    for (const [i, id] of ids.entries())
      assert.deepEqual(await store.countWaiters!([id], 10_000), [expected[i]]);
    assert.deepEqual(await store.countWaiters!(["c"], 2), [2], "capped");
    // The ready ones are c, d and e (waiting for nothing): e (4 waiters) first, then c and d (3 each)
    // in ready order.
    assert.deepEqual(await claim(1), ["e"]);
    assert.deepEqual(await claim(2), ["c", "d"]);
  });

  void it("orders by the counts of now: waiters added above a waiting one, and gone again", async () => {
    await queued(["a", "b", "c", "d", "e", "f", "g", "h", "x", "y"]);
    const store = backend.orchestratorStore;
    await store.addWaits("c", ["d"]); // d ready first, 1 waiter
    await queued(["later"]); // a status change: what is ready from here comes after d
    await store.addWaits("a", ["b"]); // b ready after d, 1 waiter
    await store.addWaits("e", ["f"]); // f too
    await store.addWaits("x", ["a"]); // above a, which waits for b: b has 3 now
    await store.addWaits("y", ["a"]);
    assert.deepEqual(await store.countWaiters!(["b", "d", "f"], 10_000), [3, 1, 1]);
    assert.deepEqual(await claim(1), ["b"]);
    // g, waited on by h, which y waits for too: 2 waiters, ahead of d (1, ready longer).
    await store.addWaits("h", ["g"]);
    await store.addWaits("y", ["h"]);
    assert.deepEqual(await store.countWaiters!(["g"], 10_000), [2]);
    // y stops waiting (for a and h): g has 1 again, and d, ready longer, goes first; then f, then g.
    await store.removeWaitsOf("y");
    assert.deepEqual(await claim(3), ["d", "f", "g"]);
  });

  void it("counts again for a wait on 10,000 ids and its removal (no Lua stack limit)", async () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `wide${i}`);
    await queued(["w", ...ids]);
    const store = backend.orchestratorStore;
    await store.addWaits("w", ids);
    assert.deepEqual(await store.countWaiters!(["wide0", "wide9999"], 10_000), [1, 1]);
    await store.removeWaitsOf("w");
    assert.deepEqual(await store.waitedOnRunnable(10), []);
  });

  void it("leaves a waited-on one whose record is not stored yet (its registration routes it)", async () => {
    await backend.orchestratorStore.register([{ id: "early", taskId: "t" }], null, Date.now());
    await queued(["w"]);
    await backend.orchestratorStore.addWaits("w", ["early"]);
    assert.deepEqual(await claim(2), ["w"]);
    assert.equal((await backend.orchestratorStore.getStatus("early"))!.status, S.REGISTERED);
    await backend.stateBackend.saveInvocations([recordOf("early")]);
    assert.deepEqual(await claim(2), ["early"]);
  });

  void it("returns the claimed ones' records and drops queue entries that are not runnable", async () => {
    await queued(["a", "b"]);
    await backend.broker.route(["unknown", "a"]); // a stale id and a duplicate
    const batch = await backend.claimNext!("r1", 10, Date.now(), PENDING_ONLY);
    assert.deepEqual(batch.records, [recordOf("a"), recordOf("b")]);
    assert.equal(batch.more, false);
    assert.equal(await client.llen(`${prefix}queue`), 0);
    assert.deepEqual(await backend.orchestratorStore.getStatus("a"), {
      status: S.PENDING,
      owner: "r1",
      at: (await backend.orchestratorStore.getStatus("a"))!.at,
    });
  });

  void it("reports the ones whose running key is held, popped from the queue", async () => {
    await queued(["k1", "k2", "k3"], "key");
    assert.deepEqual(await claim(1), ["k1"]);
    const batch = await backend.claimNext!("r1", 2, Date.now(), PENDING_ONLY);
    assert.deepEqual(batch.records, []);
    assert.deepEqual(batch.blocked, ["k2", "k3"]);
    assert.equal((await backend.orchestratorStore.getStatus("k2"))!.status, S.REGISTERED);
    assert.equal(await client.llen(`${prefix}queue`), 0);
  });

  void it("moves on to RUNNING at once when asked, with both history entries", async () => {
    await queued(["a"]);
    assert.deepEqual(await claim(1, { window: 64, running: true }), ["a"]);
    const history = await backend.orchestratorStore.getHistory("a");
    assert.deepEqual(
      history.map((h) => [h.status, h.runnerId]),
      [
        [S.REGISTERED, null],
        [S.PENDING, "r1"],
        [S.RUNNING, "r1"],
      ],
    );
    assert.deepEqual(historyProblems(history), []);
    assert.deepEqual(await backend.orchestratorStore.findByStatus([S.RUNNING]), ["a"]);
    assert.deepEqual(await backend.orchestratorStore.ownedBy(["r1"]), ["a"]);
  });

  void it("moves due delayed ids to the queue before popping it", async () => {
    await queued(["a"]);
    await client.lpop(`${prefix}queue`);
    const due = Date.now() + 60_000;
    await backend.broker.routeAt(["a"], due);
    assert.deepEqual(await claim(1), []);
    // A claim at its due time (the claim's time is the script's "now").
    const batch = await backend.claimNext!("r1", 1, due, PENDING_ONLY);
    assert.deepEqual(
      batch.records.map((r) => r.id),
      ["a"],
    );
  });

  void it("dates the claim of an id another process moved when due no earlier than that move", async () => {
    // The race the many-runners test met: one process's timer moves a due id to the queue by its clock;
    // another's claim, whose time was read just before, pops it. Its history must not show a claim (or
    // a start) before the due time: the claim is dated by the later of the two clocks.
    await queued(["a"]);
    await client.lpop(`${prefix}queue`);
    const due = Date.now() + 60_000;
    await backend.broker.routeAt(["a"], due);
    // The mover's clock: past the due time (broker-retrieve-2.lua, as a broker's timer runs it).
    await runScript(client, "broker-retrieve-2", [`${prefix}queue`, `${prefix}delayed`], [0, due + 5]);
    assert.equal(await client.llen(`${prefix}queue`), 1, "moved");
    const batch = await backend.claimNext!("r1", 1, due - 3, { window: 64, running: true });
    assert.deepEqual(
      batch.records.map((r) => r.id),
      ["a"],
    );
    const history = await backend.orchestratorStore.getHistory("a");
    const dated = history.filter((h) => h.status === S.PENDING || h.status === S.RUNNING).map((h) => h.at);
    assert.deepEqual(dated, [due + 5, due + 5]);
    assert.deepEqual(historyProblems(history), []);
    // A claim dated later than that move keeps its own time; ids moved by the claim itself too.
    await queued(["b"]);
    const later = await backend.claimNext!("r1", 1, due + 50, PENDING_ONLY);
    assert.deepEqual(
      later.records.map((r) => r.id),
      ["b"],
    );
    const pending = (await backend.orchestratorStore.getHistory("b")).find((h) => h.status === S.PENDING);
    assert.equal(pending?.at, due + 50);
    // Purged with the broker's keys.
    await backend.broker.purge();
    assert.equal(await client.exists(`${prefix}delayed-moved`), 0);
  });

  void it("answers a call sent again (after a reconnect) as first made, claiming nothing more", async () => {
    await queued(["k1", "k2"], "key");
    await queued(["a", "b", "c"]);
    await backend.orchestratorStore.transition("k1", S.PENDING, "other", Date.now());
    const { sent, again: callAgain } = recordCalls(client);
    const first = await backend.claimNext!("r1", 2, Date.now(), PENDING_ONLY);
    assert.deepEqual(
      first.records.map((r) => r.id),
      ["a", "b"],
    );
    assert.deepEqual(first.blocked, ["k2"]);
    const again = (await callAgain(sent[0]!)) as [Buffer[], Buffer[], (Buffer | null)[]];
    assert.deepEqual(again[0].map(String), ["a", "b"]);
    assert.deepEqual(again[1].map(String), ["k2"]);
    assert.deepEqual(
      again[2].map((v) => v !== null),
      [true, true],
    );
    assert.equal((await backend.orchestratorStore.getStatus("c"))!.status, S.REGISTERED);
    assert.deepEqual(await client.lrange(`${prefix}queue`, 0, -1), ["c"]);
    for (const id of ["a", "b"]) {
      assert.equal((await backend.orchestratorStore.getHistory(id)).length, 2, `${id} claimed once`);
    }
  });

  void it("answers each of two calls sent again as first made, when both were applied before the reconnect", async () => {
    // Two claims of one runner in flight together (a finish's and a pause's, say), both applied, both
    // answers lost: ioredis sends both again in order. Each must get its own first answer; were only the
    // runner's latest answer kept, the first would claim anew and leave what it took RUNNING unrun.
    await queued(["a", "b", "c", "d", "e"]);
    const { sent, again: callAgain } = recordCalls(client);
    // Both sent before either answer is back, as when they are under way together.
    const [first, second] = await Promise.all([
      backend.claimNext!("r1", 2, Date.now(), PENDING_ONLY),
      backend.claimNext!("r1", 1, Date.now(), PENDING_ONLY),
    ]);
    assert.deepEqual([first.records.map((r) => r.id), second.records.map((r) => r.id)], [["a", "b"], ["c"]]);
    const again = [(await callAgain(sent[0]!)) as Buffer[][], (await callAgain(sent[1]!)) as Buffer[][]];
    assert.deepEqual(
      again.map((reply) => reply[0]!.map(String)),
      [["a", "b"], ["c"]],
    );
    assert.deepEqual(await client.lrange(`${prefix}queue`, 0, -1), ["d", "e"]);
    for (const id of ["d", "e"])
      assert.equal((await backend.orchestratorStore.getStatus(id))!.status, S.REGISTERED);
    // A call sent once both answers are back forgets them: only its own answer is kept.
    const third = await backend.claimNext!("r1", 1, Date.now(), PENDING_ONLY);
    assert.deepEqual(
      third.records.map((r) => r.id),
      ["d"],
    );
    const kept = (await client.get(`${prefix}os:last:r1`))!.split("\r");
    assert.deepEqual(
      kept.map((entry) => entry.split("\n").slice(1)),
      [["d", ""]],
    );
    assert.ok(
      (await client.pttl(`${prefix}os:last:r1`)) > 3_600_000,
      "kept for a day, however long the outage",
    );
    // A claim that gets less than it asked for lists the runner as waiting for work.
    await backend.claimNext!("r1", 2, Date.now(), PENDING_ONLY);
    assert.deepEqual(await client.smembers(`${prefix}os:idle`), ["r1"]);
    await backend.orchestratorStore.removeRunner("r1");
    assert.equal(await client.exists(`${prefix}os:last:r1`), 0, "gone with the runner");
    assert.equal(await client.exists(`${prefix}os:idle`), 0, "no longer listed idle");
  });
});
