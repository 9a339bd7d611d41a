/**
 * `Backend.finishFinal` on Redis (store-finish-5.lua): outcome and final move in one step, the finishes
 * of one turn in one call with an answer each, and a cancel request refusing the owner's end; and
 * `Backend.finishAndClaim`, which claims for the slot an accepted finish frees in the same call (a
 * turn's finishes that claim go as two calls, a turn apart).
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import type { RedisClient } from "../../src/backends/redis/driver.js";
import { calledScript } from "../../src/backends/redis/scripts.js";
import { CancelRequestedError, StatusTransitionError } from "../../src/errors/errors.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import { historyProblems } from "../../src/testing/index.js";
import { needsRedis, ownRedisBackend, queueOn, recordCalls, runningOn } from "../redis-context.js";

const S = InvocationStatus;
const redis = await needsRedis();

void describe("Redis finishFinal", { ...redis }, () => {
  let client: RedisClient;
  let prefix: string;
  let backend: Backend;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, prefix, backend, close } = await ownRedisBackend());
  });

  afterEach(() => close());

  /** Registered, stored and queued. */
  const queued = (ids: readonly string[]) => queueOn(backend, ids);

  /** Registered, stored, queued and claimed to RUNNING by r1. */
  const running = (ids: readonly string[]) => runningOn(backend, ids);

  /** r1 finishes `id` with SUCCESS and claims for the slot it frees (finishAndClaim), or resumes `resume`. */
  const finishAndClaim = (id: string, resume?: readonly string[]) =>
    backend.finishAndClaim!(
      { id, outcome: { ok: true, value: "1" }, runnerId: "r1", status: S.SUCCESS, unowned: false },
      { max: 1, window: 64, running: true, ...(resume ? { resume } : {}) },
    );

  /** `w` (claimed by r1) paused waiting for `waited`. */
  async function pausedOn(w: string, waited: readonly string[]): Promise<void> {
    await running([w]);
    const answer = await backend.orchestratorStore.recordAndPause!(w, waited, "r1", Date.now());
    assert.deepEqual([...answer.open].sort(), [...waited].sort());
  }

  void it("stores the outcome, moves to the final status and drops the edges leaving it", async () => {
    await running(["a", "b"]);
    await backend.orchestratorStore.addWaits("a", ["b"]);
    await backend.finishFinal!({
      id: "a",
      outcome: { ok: true, value: "42" },
      runnerId: "r1",
      status: S.SUCCESS,
      unowned: false,
    });
    assert.deepEqual(await backend.stateBackend.getOutcome("a"), { ok: true, value: "42" });
    const history = await backend.orchestratorStore.getHistory("a");
    assert.deepEqual(
      history.map((h) => h.status),
      [S.REGISTERED, S.PENDING, S.RUNNING, S.SUCCESS],
    );
    assert.deepEqual(historyProblems(history), []);
    assert.deepEqual(await backend.orchestratorStore.waitingFor(["a"]), new Map());
    assert.deepEqual(await backend.orchestratorStore.ownedBy(["r1"]), ["b"]);
  });

  void it("sends the finishes of one turn in one call, answering each on its own", async () => {
    await running(["a", "b", "c"]);
    await backend.orchestratorStore.requestCancel("b");
    const scripts: string[] = [];
    for (const name of ["call", "callBuffer"] as const) {
      const call = client[name].bind(client) as (command: string, args: unknown[]) => unknown;
      (client as unknown as Record<string, unknown>)[name] = (command: string, args: unknown[]) => {
        scripts.push(calledScript(command, args[0]) ?? command);
        return call(command, args);
      };
    }
    const finish = (id: string, runnerId: string) =>
      backend.finishFinal!({
        id,
        outcome: { ok: false, error: `{"e":"${id}"}` },
        runnerId,
        status: S.FAILED,
        unowned: false,
      });
    const answers = await Promise.allSettled([finish("a", "r1"), finish("b", "r1"), finish("c", "other")]);
    assert.deepEqual(scripts, ["store-finish-5"]);
    assert.equal(answers[0].status, "fulfilled");
    assert.ok(answers[1].status === "rejected" && answers[1].reason instanceof CancelRequestedError);
    assert.ok(answers[2].status === "rejected" && answers[2].reason instanceof StatusTransitionError);
    assert.equal((await backend.orchestratorStore.getStatus("a"))!.status, S.FAILED);
    // Refused under the cancel request: still RUNNING, the owner's outcome stored for the cancel to replace.
    assert.equal((await backend.orchestratorStore.getStatus("b"))!.status, S.RUNNING);
    assert.deepEqual(await backend.stateBackend.getOutcome("b"), { ok: false, error: '{"e":"b"}' });
    assert.equal((await backend.orchestratorStore.getStatus("c"))!.status, S.RUNNING);
  });

  void it("refuses a second end of one invocation in the same call (not taken for a resend)", async () => {
    await running(["a"]);
    const end = (status: InvocationStatus, runnerId: string | null, unowned: boolean) =>
      backend.finishFinal!({ id: "a", outcome: { ok: false, error: status }, runnerId, status, unowned });
    const [failed, cancelled] = await Promise.allSettled([
      end(S.FAILED, "r1", false),
      end(S.CANCELLED, null, true),
    ]);
    assert.equal(failed.status, "fulfilled");
    assert.ok(cancelled.status === "rejected" && cancelled.reason instanceof StatusTransitionError);
    const history = await backend.orchestratorStore.getHistory("a");
    assert.deepEqual(
      history.map((h) => h.status),
      [S.REGISTERED, S.PENDING, S.RUNNING, S.FAILED],
    );
    assert.deepEqual(await backend.stateBackend.getOutcome("a"), { ok: false, error: S.FAILED });
  });

  void it("from outside any owner, keeps an outcome stored unless only a cancel can end it", async () => {
    await running(["a"]);
    await backend.orchestratorStore.register([{ id: "q", taskId: "t" }], null, Date.now());
    for (const id of ["a", "q"]) await backend.stateBackend.setOutcome(id, { ok: true, value: "1" });
    // a: an attempt stored its outcome, then a stop killed and rerouted it.
    await backend.orchestratorStore.transition("a", S.KILLED, "r1", Date.now());
    await backend.orchestratorStore.transition("a", S.REROUTED, "r1", Date.now());
    const cancel = (id: string) =>
      backend.finishFinal!({
        id,
        outcome: { ok: false, error: "cancelled" },
        runnerId: null,
        status: S.CANCELLED,
        unowned: true,
      });
    await Promise.all([cancel("a"), cancel("q")]);
    assert.equal((await backend.orchestratorStore.getStatus("a"))!.status, S.CANCELLED);
    assert.deepEqual(await backend.stateBackend.getOutcome("a"), { ok: false, error: "cancelled" });
    assert.equal((await backend.orchestratorStore.getStatus("q"))!.status, S.CANCELLED);
    assert.deepEqual(await backend.stateBackend.getOutcome("q"), { ok: true, value: "1" });
  });

  void it("finishAndClaim finishes and claims the next to RUNNING in one call", async () => {
    await running(["a"]);
    await queued(["b", "c"]);
    const batch = await finishAndClaim("a");
    assert.deepEqual(
      batch.records.map((r) => r.id),
      ["b"],
    );
    assert.equal((await backend.orchestratorStore.getStatus("a"))!.status, S.SUCCESS);
    const history = await backend.orchestratorStore.getHistory("b");
    assert.deepEqual(
      history.map((h) => h.status),
      [S.REGISTERED, S.PENDING, S.RUNNING],
    );
    assert.deepEqual(historyProblems(history), []);
    assert.deepEqual((await backend.orchestratorStore.ownedBy(["r1"])).sort(), ["b"]);
    assert.equal(await backend.broker.count(), 1);
  });

  void it("sends a turn's finishes that claim as two calls, the second a turn after the first", async () => {
    // A runner at many slots whose work all ended in one turn: the first half's claims come back while
    // Redis runs the second half, so the runner and Redis work at once (redis-finish.ts, send).
    await running(["a", "b", "c", "d", "e"]);
    await queued(["f", "g", "h", "i", "j", "k"]);
    const sent: { script: string; at: number }[] = [];
    // Counts the loop's turns (one per setImmediate) until the finishes are answered.
    let turn = 0;
    let counting = true;
    const counter = () => {
      turn++;
      if (counting) setImmediate(counter);
    };
    for (const name of ["call", "callBuffer"] as const) {
      const call = client[name].bind(client) as (command: string, args: unknown[]) => unknown;
      (client as unknown as Record<string, unknown>)[name] = (command: string, args: unknown[]) => {
        sent.push({ script: calledScript(command, args[0]) ?? command, at: turn });
        return call(command, args);
      };
    }
    try {
      setImmediate(counter);
      const batches = await Promise.all(["a", "b", "c", "d", "e"].map((id) => finishAndClaim(id)));
      assert.deepEqual(
        sent.map((s) => s.script),
        ["store-finish-5", "store-finish-5"],
      );
      assert.ok(
        sent[1]!.at > sent[0]!.at,
        `the second call a turn later (turns ${sent[0]!.at}, ${sent[1]!.at})`,
      );
      // Each finish claimed for its slot, in queue order across the two calls.
      assert.deepEqual(
        batches.map((b) => b.records.map((r) => r.id)),
        [["f"], ["g"], ["h"], ["i"], ["j"]],
      );
    } finally {
      counting = false;
    }
    for (const id of ["a", "b", "c", "d", "e"])
      assert.equal((await backend.orchestratorStore.getStatus(id))!.status, S.SUCCESS);
    for (const id of ["f", "g", "h", "i", "j"]) {
      const history = await backend.orchestratorStore.getHistory(id);
      assert.deepEqual(
        history.map((h) => h.status),
        [S.REGISTERED, S.PENDING, S.RUNNING],
      );
      assert.deepEqual(historyProblems(history), []);
    }
    assert.equal((await backend.orchestratorStore.getStatus("k"))!.status, S.REGISTERED);
    assert.deepEqual((await backend.orchestratorStore.ownedBy(["r1"])).sort(), ["f", "g", "h", "i", "j"]);
  });

  void it("finishAndClaim claims nothing when the finish is refused under a cancel request", async () => {
    await running(["a"]);
    await queued(["b"]);
    await backend.orchestratorStore.requestCancel("a");
    await assert.rejects(finishAndClaim("a"), CancelRequestedError);
    assert.equal((await backend.orchestratorStore.getStatus("a"))!.status, S.RUNNING);
    assert.equal((await backend.orchestratorStore.getStatus("b"))!.status, S.REGISTERED);
    assert.equal(await backend.broker.count(), 1, "b still queued");
  });

  void it("finishAndClaim claims nothing when a paused waiter of the runner can resume now", async () => {
    // Not named (its runner has not seen its pause answered): the runner resumes it, in this slot.
    await running(["a"]);
    await pausedOn("w", ["a"]);
    await queued(["b"]);
    const batch = await finishAndClaim("a");
    assert.deepEqual(batch.records, []);
    assert.equal((await backend.orchestratorStore.getStatus("a"))!.status, S.SUCCESS);
    assert.equal((await backend.orchestratorStore.getStatus("w"))!.status, S.PAUSED);
    assert.equal((await backend.orchestratorStore.getStatus("b"))!.status, S.REGISTERED);
  });

  void it("finishAndClaim claims when the waiters still wait for more, or are not paused", async () => {
    // w waits for c too (a parent waiting for two children); v only recorded its wait (not paused).
    await running(["a", "c"]);
    await pausedOn("w", ["a", "c"]);
    await backend.orchestratorStore.register([{ id: "v", taskId: "t" }], null, Date.now());
    await backend.orchestratorStore.addWaits("v", ["a"]);
    await queued(["b"]);
    const batch = await finishAndClaim("a", ["w"]);
    assert.deepEqual(batch.resumed ?? [], []);
    assert.deepEqual(
      batch.records.map((r) => r.id),
      ["b"],
    );
    assert.equal((await backend.orchestratorStore.getStatus("w"))!.status, S.PAUSED);
    assert.equal((await backend.orchestratorStore.getStatus("b"))!.status, S.RUNNING);
  });

  void it("finishAndClaim sent again (after a reconnect) answers its finish and claim as first made", async () => {
    await running(["a"]);
    await queued(["b", "c"]);
    const { again, last } = recordCalls(client);
    const kept = await client.get(`${prefix}os:last:r1`);
    const first = await finishAndClaim("a");
    assert.deepEqual(
      first.records.map((r) => r.id),
      ["b"],
    );
    // Nothing kept for a resend: b records the claim's request (q), which finds it again.
    assert.equal(await client.get(`${prefix}os:last:r1`), kept, "the claim's answer is not kept apart");
    const resent = (await again(last("store-finish-5"))) as [Buffer[][], [Buffer[]]];
    assert.deepEqual(
      resent[0].map((answer) => answer.map(String)),
      [["OK", ""]],
    );
    assert.deepEqual(resent[1][0].map(String), ["b"], "the same claim");
    assert.equal((await backend.orchestratorStore.getStatus("c"))!.status, S.REGISTERED);
    for (const id of ["a", "b"]) {
      const history = await backend.orchestratorStore.getHistory(id);
      assert.deepEqual(historyProblems(history), []);
    }
    assert.equal((await backend.orchestratorStore.getHistory("b")).length, 3, "b claimed once");
  });

  void it("finishAndClaim and a claimNext of one runner, under way together and sent again, answer as first made", async () => {
    await running(["a"]);
    await queued(["b", "c", "d"]);
    const { sent, again } = recordCalls(client);
    const [finished, claimed] = await Promise.all([
      finishAndClaim("a"),
      backend.claimNext!("r1", 1, Date.now(), { window: 64, running: true }),
    ]);
    const firstIds = [finished, claimed].map((batch) => batch.records.map((r) => r.id));
    assert.deepEqual(firstIds.flat().sort(), ["b", "c"]);
    // Both answers lost: each call sent again, in the order first sent.
    const resent = new Map<string, unknown>();
    for (const [command, args] of sent)
      resent.set(calledScript(command, args[0])!, await again([command, args]));
    const finishAgain = resent.get("store-finish-5") as [Buffer[][], [Buffer[]]];
    const claimAgain = resent.get("claim-next-5") as [Buffer[]];
    assert.deepEqual(
      [finishAgain[1][0].map(String), claimAgain[0].map(String)],
      firstIds,
      "each answered with its own first claim",
    );
    assert.equal((await backend.orchestratorStore.getStatus("d"))!.status, S.REGISTERED);
    for (const id of ["b", "c"])
      assert.equal((await backend.orchestratorStore.getHistory(id)).length, 3, `${id} claimed once`);
  });

  void it("finishAndClaim sent again answers its claim, though a waiter's waits ended meanwhile", async () => {
    // w waits for a and b; a's finish claims c for its slot. Its answer lost, b ends before the resend:
    // the resend must not turn the claim into a resume of w (c would be left RUNNING, unrun).
    await running(["a", "b"]);
    await pausedOn("w", ["a", "b"]);
    await queued(["c"]);
    const { again, last } = recordCalls(client);
    const first = await finishAndClaim("a", ["w"]);
    assert.deepEqual([first.records.map((r) => r.id), first.resumed ?? []], [["c"], []]);
    const finishOfA = last("store-finish-5");
    const outcome = { ok: true as const, value: "1" };
    await backend.finishFinal!({ id: "b", outcome, runnerId: "r1", status: S.SUCCESS, unowned: false });
    const resent = (await again(finishOfA)) as [Buffer[][], [Buffer[]], unknown[]];
    assert.deepEqual(resent[1][0].map(String), ["c"], "the claim it made then");
    assert.deepEqual(resent[2], [], "no waiter resumed in the same slot");
    assert.equal((await backend.orchestratorStore.getStatus("w"))!.status, S.PAUSED, "left to its runner");
    assert.equal((await backend.orchestratorStore.getHistory("c")).length, 3, "c claimed once");
  });

  void it("a pause that claims, sent again, answers the claim it made then, found by the claimed one's request", async () => {
    await running(["w"]);
    await queued(["x", "c"]);
    const { again, last } = recordCalls(client);
    const kept = await client.get(`${prefix}os:last:r1`);
    const claim = { max: 1, window: 64, running: true };
    const paused = await backend.orchestratorStore.recordAndPause!("w", ["x"], "r1", Date.now(), { claim });
    assert.deepEqual(
      paused.claimed?.records.map((r) => r.id),
      ["x"],
      "the waited one first",
    );
    assert.equal(await client.get(`${prefix}os:last:r1`), kept, "the claim's answer is not kept apart");
    const resent = await again(last("store-pause-3"));
    const texts = (function flat(value: unknown): string[] {
      if (Array.isArray(value)) return value.flatMap(flat);
      return Buffer.isBuffer(value) || typeof value === "string" ? [String(value)] : [];
    })(resent);
    assert.ok(texts.includes("x") && !texts.includes("c"), `answered with x again: ${texts.join(" ")}`);
    assert.equal((await backend.orchestratorStore.getHistory("x")).length, 3, "x claimed once");
    assert.equal((await backend.orchestratorStore.getStatus("c"))!.status, S.REGISTERED);
    assert.equal((await backend.orchestratorStore.getStatus("w"))!.status, S.PAUSED);
  });

  void it("finishAndClaim resumes a named waiter whose waits it ended, in the slot it frees", async () => {
    await running(["a"]);
    await pausedOn("w", ["a"]);
    await queued(["b"]);
    const batch = await finishAndClaim("a", ["w"]);
    assert.deepEqual(batch.resumed, ["w"]);
    assert.deepEqual(batch.records, [], "the slot went to the waiter");
    const history = await backend.orchestratorStore.getHistory("w");
    assert.deepEqual(
      history.map((h) => h.status),
      [S.REGISTERED, S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED, S.RUNNING],
    );
    assert.deepEqual(historyProblems(history), []);
    assert.equal((await backend.orchestratorStore.getStatus("b"))!.status, S.REGISTERED);
  });

  void it("finishAndClaim leaves a waiter it may not resume as it is", async () => {
    // Not named (its runner has not seen its pause answered), waits for more, or under a cancel request.
    await running(["a", "c"]);
    await pausedOn("w", ["a"]);
    await pausedOn("v", ["a", "c"]);
    await pausedOn("x", ["a"]);
    await backend.orchestratorStore.requestCancel("x");
    const batch = await finishAndClaim("a", ["v", "x"]);
    assert.deepEqual(batch.resumed ?? [], []);
    for (const id of ["w", "v", "x"])
      assert.equal((await backend.orchestratorStore.getStatus(id))!.status, S.PAUSED, id);
  });
});
