import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CancelRequestedError,
  InvocationNotFoundError,
  OwnershipError,
  StatusTransitionError,
} from "../../src/errors/errors.js";
import { InvocationStatus, type InvocationStatus as Status } from "../../src/invocation/status.js";
import type { OrchestratorStore } from "../../src/orchestrator/orchestrator-store.js";
import { historyOf, ids, sorted, statusOf, useBackend, type BackendFactory } from "./harness.js";

const S = InvocationStatus;

/**
 * The status half of the OrchestratorStore contract (src/orchestrator/orchestrator-store.ts): register,
 * transition, claim, reads and purge. The wait-graph methods are in wait-graph.case.ts.
 */
export function orchestratorStoreCases(name: string, makeBackend: BackendFactory): void {
  describe(`OrchestratorStore statuses (${name})`, () => {
    const backend = useBackend(makeBackend);
    const store = (): OrchestratorStore => backend().orchestratorStore;

    /** Registers `id` and walks it through `path`, each step by `runner`, at times 2, 3, 4... */
    async function walk(id: string, path: readonly Status[], runner: string | null = "r1"): Promise<void> {
      await store().register([{ id, taskId: "task" }], null, 1);
      let at = 2;
      for (const to of path) await store().transition(id, to, runner, at++);
    }

    describe("register", () => {
      it("puts each invocation in REGISTERED with no owner and one history entry", async () => {
        await store().register(
          [
            { id: "a", taskId: "t1" },
            { id: "b", taskId: "t2" },
          ],
          "client-1",
          1000,
        );
        for (const id of ["a", "b"]) {
          assert.deepEqual(statusOf(await store().getStatus(id)), {
            status: S.REGISTERED,
            owner: null,
            at: 1000,
          });
          assert.deepEqual(historyOf(await store().getHistory(id)), [
            { status: S.REGISTERED, runnerId: "client-1", at: 1000 },
          ]);
        }
      });

      it("records a null runner id in the first history entry", async () => {
        await store().register([{ id: "a", taskId: "t" }], null, 5);
        assert.deepEqual(historyOf(await store().getHistory("a")), [
          { status: S.REGISTERED, runnerId: null, at: 5 },
        ]);
      });

      it("accepts an empty list", async () => {
        await store().register([], null, 1);
        assert.deepEqual(await store().findByStatus([S.REGISTERED]), []);
      });

      it("knows nothing about unregistered ids", async () => {
        assert.equal(await store().getStatus("nope"), undefined);
        assert.deepEqual(await store().getHistory("nope"), []);
      });
    });

    describe("transition", () => {
      it("applies a legal change, returns the new record and appends one history entry", async () => {
        await store().register([{ id: "a", taskId: "t" }], null, 1);
        const pending = await store().transition("a", S.PENDING, "r1", 2);
        assert.deepEqual(statusOf(pending), { status: S.PENDING, owner: "r1", at: 2 });
        assert.deepEqual(statusOf(await store().getStatus("a")), statusOf(pending));
        assert.deepEqual(historyOf(await store().getHistory("a")), [
          { status: S.REGISTERED, runnerId: null, at: 1 },
          { status: S.PENDING, runnerId: "r1", at: 2 },
        ]);
      });

      it("records the whole life of an invocation, one entry per change", async () => {
        await walk("a", [S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED, S.RUNNING, S.SUCCESS]);
        assert.deepEqual(statusOf(await store().getStatus("a")), { status: S.SUCCESS, owner: null, at: 7 });
        assert.deepEqual(historyOf(await store().getHistory("a")), [
          { status: S.REGISTERED, runnerId: null, at: 1 },
          { status: S.PENDING, runnerId: "r1", at: 2 },
          { status: S.RUNNING, runnerId: "r1", at: 3 },
          { status: S.PAUSED, runnerId: "r1", at: 4 },
          { status: S.RESUMED, runnerId: "r1", at: 5 },
          { status: S.RUNNING, runnerId: "r1", at: 6 },
          { status: S.SUCCESS, runnerId: "r1", at: 7 },
        ]);
      });

      it("keeps the owner while it is required and clears it on release", async () => {
        await walk("a", [S.PENDING, S.RUNNING, S.PAUSED]);
        assert.equal((await store().getStatus("a"))?.owner, "r1");
        await walk("b", [S.PENDING, S.RUNNING, S.RETRY]);
        assert.equal((await store().getStatus("b"))?.owner, null);
        await walk("c", [S.PENDING, S.KILLED]);
        assert.equal((await store().getStatus("c"))?.owner, null);
        await walk("d", [S.PENDING, S.REROUTED]);
        assert.equal((await store().getStatus("d"))?.owner, null);
        await walk("e", [S.PENDING, S.RUNNING, S.FAILED]);
        assert.equal((await store().getStatus("e"))?.owner, null);
      });

      it("rejects a change the status table does not allow, changing nothing", async () => {
        await store().register([{ id: "a", taskId: "t" }], null, 1);
        await assert.rejects(async () => store().transition("a", S.RUNNING, "r1", 2), StatusTransitionError);
        await assert.rejects(async () => store().transition("a", S.SUCCESS, "r1", 2), StatusTransitionError);
        assert.deepEqual(statusOf(await store().getStatus("a")), {
          status: S.REGISTERED,
          owner: null,
          at: 1,
        });
        assert.equal((await store().getHistory("a")).length, 1);
      });

      it("rejects any change out of a final status", async () => {
        await walk("a", [S.PENDING, S.RUNNING, S.SUCCESS]);
        for (const to of [S.REGISTERED, S.PENDING, S.RUNNING, S.REROUTED, S.FAILED, S.RUNNING_RECOVERY]) {
          await assert.rejects(async () => store().transition("a", to, "r1", 10), StatusTransitionError);
        }
        assert.equal((await store().getStatus("a"))?.status, S.SUCCESS);
        assert.equal((await store().getHistory("a")).length, 4);
      });

      it("rejects a change by a runner that does not own the invocation, changing nothing", async () => {
        await walk("a", [S.PENDING, S.RUNNING]);
        await assert.rejects(async () => store().transition("a", S.SUCCESS, "r2", 10), OwnershipError);
        await assert.rejects(async () => store().transition("a", S.SUCCESS, null, 10), OwnershipError);
        await walk("b", [S.PENDING]);
        await assert.rejects(async () => store().transition("b", S.RUNNING, "r2", 10), OwnershipError);
        assert.deepEqual(statusOf(await store().getStatus("a")), { status: S.RUNNING, owner: "r1", at: 3 });
        assert.equal((await store().getHistory("a")).length, 3);
        assert.deepEqual(statusOf(await store().getStatus("b")), { status: S.PENDING, owner: "r1", at: 2 });
        assert.equal((await store().getHistory("b")).length, 2);
      });

      it("rejects taking ownership without a runner id", async () => {
        await store().register([{ id: "a", taskId: "t" }], null, 1);
        await assert.rejects(async () => store().transition("a", S.PENDING, null, 2), OwnershipError);
        assert.deepEqual(statusOf(await store().getStatus("a")), {
          status: S.REGISTERED,
          owner: null,
          at: 1,
        });
        assert.equal((await store().getHistory("a")).length, 1);
      });

      it("lets any runner move an owned invocation to a recovery status, clearing the owner", async () => {
        await walk("a", [S.PENDING]);
        const a = await store().transition("a", S.PENDING_RECOVERY, "monitor", 10);
        assert.deepEqual(statusOf(a), { status: S.PENDING_RECOVERY, owner: null, at: 10 });
        await walk("b", [S.PENDING, S.RUNNING, S.PAUSED]);
        const b = await store().transition("b", S.RUNNING_RECOVERY, null, 10);
        assert.deepEqual(statusOf(b), { status: S.RUNNING_RECOVERY, owner: null, at: 10 });
        await store().transition("b", S.REROUTED, "monitor", 11);
        assert.deepEqual(await store().claim(["b"], "r2", 12), ["b"]);
        assert.deepEqual(statusOf(await store().getStatus("b")), { status: S.PENDING, owner: "r2", at: 12 });
        assert.deepEqual(historyOf(await store().getHistory("b")).slice(-3), [
          { status: S.RUNNING_RECOVERY, runnerId: null, at: 10 },
          { status: S.REROUTED, runnerId: "monitor", at: 11 },
          { status: S.PENDING, runnerId: "r2", at: 12 },
        ]);
      });

      it("throws InvocationNotFoundError for an unknown id", async () => {
        await assert.rejects(
          async () => store().transition("nope", S.PENDING, "r1", 1),
          InvocationNotFoundError,
        );
        assert.equal(await store().getStatus("nope"), undefined);
      });

      it("lets exactly one of two racing runners take an invocation", async () => {
        await store().register([{ id: "a", taskId: "t" }], null, 1);
        const results = await Promise.allSettled([
          (async () => store().transition("a", S.PENDING, "r1", 2))(),
          (async () => store().transition("a", S.PENDING, "r2", 2))(),
        ]);
        const won = results.filter((r) => r.status === "fulfilled");
        assert.equal(won.length, 1, "both or neither runner took the invocation");
        const lost = results.find((r) => r.status === "rejected");
        assert.ok(lost?.reason instanceof StatusTransitionError);
        const owner = (await store().getStatus("a"))?.owner;
        assert.ok(owner === "r1" || owner === "r2");
        assert.equal((await store().getHistory("a")).length, 2);
      });

      it("leaves wait edges alone without clearWaits", async () => {
        await store().register(
          ["a", "b", "c"].map((id) => ({ id, taskId: "t" })),
          null,
          1,
        );
        await store().addWaits("a", ["b"]);
        await store().addWaits("c", ["a"]);
        await store().transition("a", S.PENDING, "r1", 2);
        assert.deepEqual((await store().waitingFor(["a"])).get("a"), ["b"]);
        assert.deepEqual((await store().waitersOf(["a"])).get("a"), ["c"]);
      });

      it("with clearWaits removes the wait edges leaving the invocation, not those pointing at it", async () => {
        await walk("a", [S.PENDING, S.RUNNING]);
        await store().register(
          ["b", "c", "d", "e"].map((id) => ({ id, taskId: "t" })),
          null,
          1,
        );
        await store().addWaits("a", ["b", "c"]);
        await store().addWaits("d", ["a", "e"]);
        await store().transition("a", S.KILLED, "r1", 10, { clearWaits: true });
        assert.deepEqual((await store().waitingFor(["a"])).get("a") ?? [], []);
        // d still waits for a: it runs again once rerouted, and d's edge is d's to drop.
        assert.deepEqual((await store().waitersOf(["a"])).get("a"), ["d"]);
        assert.deepEqual((await store().waitersOf(["b"])).get("b") ?? [], []);
        assert.deepEqual((await store().waitersOf(["c"])).get("c") ?? [], []);
        assert.deepEqual(sorted((await store().waitingFor(["d"])).get("d") ?? []), ["a", "e"]);
        assert.deepEqual((await store().waitersOf(["e"])).get("e"), ["d"]);
      });

      it("with clearWaits leaves the edges in place when the change is rejected", async () => {
        await walk("a", [S.PENDING, S.RUNNING]);
        await store().register([{ id: "b", taskId: "t" }], null, 1);
        await store().addWaits("a", ["b"]);
        await assert.rejects(
          async () => store().transition("a", S.SUCCESS, "r2", 10, { clearWaits: true }),
          OwnershipError,
        );
        assert.deepEqual((await store().waitingFor(["a"])).get("a"), ["b"]);
      });
    });

    describe("requestCancel", () => {
      it("marks a running invocation: its owner can no longer end it any other way than CANCELLED", async () => {
        await walk("a", [S.PENDING, S.RUNNING]);
        assert.equal((await store().requestCancel("a"))?.status, S.RUNNING);
        for (const to of [S.SUCCESS, S.FAILED, S.TIMED_OUT, S.RETRY]) {
          await assert.rejects(
            Promise.resolve().then(() => store().transition("a", to, "r1", 10)),
            (e: unknown) => e instanceof CancelRequestedError && e instanceof StatusTransitionError,
          );
        }
        assert.equal((await store().getStatus("a"))?.status, S.RUNNING, "a refused change changes nothing");
        await store().transition("a", S.PAUSED, "r1", 11); // waiting is still allowed
        await store().transition("a", S.CANCELLED, "r1", 12);
        assert.equal((await store().getStatus("a"))?.status, S.CANCELLED);
      });

      it("refuses a reroute after a kill, and lets an unowned cancel through", async () => {
        await walk("a", [S.PENDING, S.RUNNING]);
        await store().requestCancel("a");
        await store().transition("a", S.KILLED, "r1", 10);
        await assert.rejects(
          Promise.resolve().then(() => store().transition("a", S.REROUTED, "r1", 11)),
          CancelRequestedError,
        );
        await store().transition("a", S.CANCELLED, null, 12);
        assert.equal((await store().getStatus("a"))?.status, S.CANCELLED);
      });

      it("leaves a final invocation as it is, and answers undefined for an unknown one", async () => {
        await walk("a", [S.PENDING, S.RUNNING, S.SUCCESS]);
        assert.equal((await store().requestCancel("a"))?.status, S.SUCCESS);
        assert.equal(await store().requestCancel("nope"), undefined);
      });

      it("marks only the invocation named", async () => {
        await walk("a", [S.PENDING, S.RUNNING]);
        await store().requestCancel("a");
        await store().transition("a", S.CANCELLED, "r1", 10);
        await walk("b", [S.PENDING, S.RUNNING, S.SUCCESS]); // other ids are never affected
        assert.equal((await store().getStatus("b"))?.status, S.SUCCESS);
      });
    });

    describe("history order (seq)", () => {
      it("numbers the entries of one invocation in strictly increasing order", async () => {
        await walk("a", [S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED, S.RUNNING, S.SUCCESS]);
        const seqs = (await store().getHistory("a")).map((e) => e.seq);
        assert.equal(seqs.length, 7);
        for (let i = 1; i < seqs.length; i++) {
          assert.ok((seqs[i] ?? 0) > (seqs[i - 1] ?? 0), `seq does not increase: ${seqs.join(", ")}`);
        }
      });

      it("orders changes of different invocations made in the same millisecond by when they were made", async () => {
        await store().register([{ id: "a", taskId: "t" }], null, 100);
        await store().register([{ id: "b", taskId: "t" }], null, 100);
        await store().transition("b", S.PENDING, "r1", 100);
        await store().transition("a", S.PENDING, "r1", 100);
        await store().claim(["c-unknown"], "r1", 100);
        await store().transition("b", S.RUNNING, "r1", 100);
        const a = await store().getHistory("a");
        const b = await store().getHistory("b");
        // Made in this order: a REGISTERED, b REGISTERED, b PENDING, a PENDING, b RUNNING.
        const order = [a[0], b[0], b[1], a[1], b[2]].map((e) => e?.seq ?? Number.NaN);
        for (let i = 1; i < order.length; i++) {
          assert.ok(
            (order[i] ?? 0) > (order[i - 1] ?? 0),
            `seq not in the order of the changes: ${order.join(", ")}`,
          );
        }
      });

      it("gives every change its own seq, also in one register call, one claim and concurrent claims", async () => {
        const all = ids("s", 50);
        await store().register(
          all.map((id) => ({ id, taskId: "t" })),
          null,
          1,
        );
        await Promise.all([store().claim(all.slice(0, 30), "r1", 2), store().claim(all.slice(20), "r2", 2)]);
        const seqs = (await Promise.all(all.map(async (id) => store().getHistory(id))))
          .flat()
          .map((e) => e.seq);
        assert.equal(seqs.length, 100);
        assert.equal(new Set(seqs).size, seqs.length, "two changes share a seq");
        for (const seq of seqs) assert.ok(Number.isFinite(seq), `seq ${seq} is not a number`);
      });
    });

    describe("claim", () => {
      it("moves runnable ids to PENDING owned by the runner and returns them", async () => {
        await store().register(
          ["a", "b"].map((id) => ({ id, taskId: "t" })),
          null,
          1,
        );
        const claimed = await store().claim(["a", "b"], "r1", 5);
        assert.deepEqual(sorted(claimed), ["a", "b"]);
        for (const id of ["a", "b"]) {
          assert.deepEqual(statusOf(await store().getStatus(id)), { status: S.PENDING, owner: "r1", at: 5 });
          assert.deepEqual(historyOf(await store().getHistory(id)), [
            { status: S.REGISTERED, runnerId: null, at: 1 },
            { status: S.PENDING, runnerId: "r1", at: 5 },
          ]);
        }
      });

      it("claims every runnable status: REGISTERED, REROUTED and RETRY", async () => {
        await walk("registered", []);
        await walk("rerouted", [S.PENDING, S.REROUTED]);
        await walk("retry", [S.PENDING, S.RUNNING, S.RETRY]);
        const claimed = await store().claim(["registered", "rerouted", "retry"], "r2", 20);
        assert.deepEqual(sorted(claimed), ["registered", "rerouted", "retry"]);
        for (const id of claimed) {
          assert.deepEqual(statusOf(await store().getStatus(id)), { status: S.PENDING, owner: "r2", at: 20 });
        }
      });

      it("skips unknown and non-runnable ids without error and without touching them", async () => {
        await walk("free", []);
        await walk("pending", [S.PENDING], "r0");
        await walk("running", [S.PENDING, S.RUNNING], "r0");
        await walk("killed", [S.PENDING, S.KILLED], "r0");
        await walk("cc", [S.CONCURRENCY_CONTROLLED], "r0");
        await walk("done", [S.PENDING, S.RUNNING, S.SUCCESS], "r0");
        await walk("ccfinal", [S.CONCURRENCY_CONTROLLED_FINAL], "r0");
        const others = ["pending", "running", "killed", "cc", "done", "ccfinal"];
        const before = await Promise.all(others.map(async (id) => historyOf(await store().getHistory(id))));
        const claimed = await store().claim(["unknown-1", ...others, "free", "unknown-2"], "r1", 50);
        assert.deepEqual(claimed, ["free"]);
        const after = await Promise.all(others.map(async (id) => historyOf(await store().getHistory(id))));
        assert.deepEqual(after, before);
        assert.equal((await store().getStatus("pending"))?.owner, "r0");
        assert.equal(await store().getStatus("unknown-1"), undefined);
      });

      it("returns [] for an empty list and for only unknown ids", async () => {
        assert.deepEqual(await store().claim([], "r1", 1), []);
        assert.deepEqual(await store().claim(["x", "y"], "r1", 1), []);
        assert.equal(await store().getStatus("x"), undefined);
      });

      it("claims an id listed twice only once", async () => {
        await walk("a", []);
        assert.deepEqual(await store().claim(["a", "a"], "r1", 2), ["a"]);
        assert.equal((await store().getHistory("a")).length, 2);
      });

      it("never lets two runners claiming concurrently both get one id", async () => {
        const all = ids("inv", 300);
        await store().register(
          all.map((id) => ({ id, taskId: "t" })),
          null,
          1,
        );
        const runners = ["r1", "r2", "r3", "r4"];
        const orders = [all, [...all].reverse(), all.filter((_, i) => i % 2 === 0), all.slice(100)];
        const results = await Promise.all(runners.map(async (r, i) => store().claim(orders[i] ?? [], r, 2)));
        const flat = results.flat();
        assert.equal(new Set(flat).size, flat.length, "an id was claimed twice");
        assert.deepEqual(sorted(flat), all);
        const statuses = await store().getStatuses(all);
        results.forEach((claimed, i) => {
          for (const id of claimed) {
            assert.deepEqual(statusOf(statuses[all.indexOf(id)]), {
              status: S.PENDING,
              owner: runners[i],
              at: 2,
            });
          }
        });
        for (const id of all.slice(0, 20)) assert.equal((await store().getHistory(id)).length, 2);
      });

      it("never lets two runners both claim one id, over many rounds", async () => {
        for (let round = 0; round < 50; round++) {
          const id = `round-${round}`;
          await store().register([{ id, taskId: "t" }], null, 1);
          const [x, y] = await Promise.all([store().claim([id], "r1", 2), store().claim([id], "r2", 2)]);
          assert.equal((x?.length ?? 0) + (y?.length ?? 0), 1, `round ${round}: ${JSON.stringify([x, y])}`);
        }
      });
    });

    describe("reads", () => {
      it("getStatuses follows the order of the ids given, with undefined for unknown ones", async () => {
        await walk("a", []);
        await walk("b", [S.PENDING], "r1");
        const result = await store().getStatuses(["b", "nope", "a", "b"]);
        assert.equal(result.length, 4);
        assert.deepEqual(result.map(statusOf), [
          { status: S.PENDING, owner: "r1", at: 2 },
          undefined,
          { status: S.REGISTERED, owner: null, at: 1 },
          { status: S.PENDING, owner: "r1", at: 2 },
        ]);
        assert.deepEqual(await store().getStatuses([]), []);
      });

      it("findByStatus finds ids in any of the given statuses, optionally of one task", async () => {
        await store().register(
          [
            { id: "a1", taskId: "A" },
            { id: "a2", taskId: "A" },
            { id: "a3", taskId: "A" },
            { id: "b1", taskId: "B" },
            { id: "b2", taskId: "B" },
          ],
          null,
          1,
        );
        await store().claim(["a2", "b2"], "r1", 2);
        await store().transition("a3", S.CONCURRENCY_CONTROLLED, null, 2);
        assert.deepEqual(sorted(await store().findByStatus([S.REGISTERED])), ["a1", "b1"]);
        assert.deepEqual(sorted(await store().findByStatus([S.REGISTERED, S.PENDING])), [
          "a1",
          "a2",
          "b1",
          "b2",
        ]);
        assert.deepEqual(sorted(await store().findByStatus([S.PENDING], "A")), ["a2"]);
        assert.deepEqual(sorted(await store().findByStatus([S.REGISTERED, S.CONCURRENCY_CONTROLLED], "A")), [
          "a1",
          "a3",
        ]);
        assert.deepEqual(await store().findByStatus([S.RUNNING]), []);
        assert.deepEqual(await store().findByStatus([S.REGISTERED], "C"), []);
        assert.deepEqual(await store().findByStatus([]), []);
      });

      it("findByStatus follows status changes", async () => {
        await walk("a", [S.PENDING, S.RUNNING]);
        assert.deepEqual(await store().findByStatus([S.PENDING]), []);
        assert.deepEqual(await store().findByStatus([S.RUNNING], "task"), ["a"]);
        await store().transition("a", S.SUCCESS, "r1", 10);
        assert.deepEqual(await store().findByStatus([S.RUNNING]), []);
        assert.deepEqual(await store().findByStatus([S.SUCCESS, S.FAILED]), ["a"]);
      });
    });

    describe("purge", () => {
      it("forgets every status, history and wait edge, and the store works afterwards", async () => {
        await walk("a", [S.PENDING, S.RUNNING]);
        await walk("b", []);
        await store().addWaits("a", ["b"]);
        await store().purge();
        assert.equal(await store().getStatus("a"), undefined);
        assert.deepEqual(await store().getHistory("a"), []);
        assert.deepEqual(await store().getStatuses(["a", "b"]), [undefined, undefined]);
        assert.deepEqual(await store().findByStatus(Object.values(S)), []);
        assert.deepEqual((await store().waitingFor(["a"])).get("a") ?? [], []);
        assert.deepEqual((await store().waitersOf(["b"])).get("b") ?? [], []);
        assert.deepEqual(await store().waitedOnRunnable(10), []);
        await assert.rejects(
          async () => store().transition("a", S.SUCCESS, "r1", 10),
          InvocationNotFoundError,
        );

        await walk("a", []);
        assert.deepEqual(historyOf(await store().getHistory("a")), [
          { status: S.REGISTERED, runnerId: null, at: 1 },
        ]);
      });
    });
  });
}
