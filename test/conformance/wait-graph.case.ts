import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvocationStatus } from "../../src/invocation/status.js";
import type { OrchestratorStore } from "../../src/orchestrator/orchestrator-store.js";
import { sorted, useBackend, type BackendFactory } from "./harness.js";

const S = InvocationStatus;

/**
 * The wait-graph half of the OrchestratorStore contract: edges `waiter -> waited` and the query the
 * orchestrator uses to find waited-on work that can run now.
 */
export function waitGraphCases(name: string, makeBackend: BackendFactory): void {
  describe(`OrchestratorStore wait graph (${name})`, () => {
    const backend = useBackend(makeBackend);
    const store = (): OrchestratorStore => backend().orchestratorStore;

    /** The edges of `id` in a waitingFor/waitersOf answer, sorted; an id left out has none. */
    const edges = (map: Map<string, string[]>, id: string): string[] => sorted(map.get(id) ?? []);

    async function waitingFor(id: string): Promise<string[]> {
      return edges(await store().waitingFor([id]), id);
    }

    async function waitersOf(id: string): Promise<string[]> {
      return edges(await store().waitersOf([id]), id);
    }

    async function register(...list: string[]): Promise<void> {
      await store().register(
        list.map((id) => ({ id, taskId: "t" })),
        null,
        1,
      );
    }

    describe("edges", () => {
      it("starts with no edges", async () => {
        assert.deepEqual(await waitingFor("a"), []);
        assert.deepEqual(await waitersOf("a"), []);
        assert.deepEqual(await store().waitedOnRunnable(10), []);
      });

      it("addWaits records waiter -> waited edges, visible from both ends", async () => {
        await store().addWaits("a", ["b", "c"]);
        await store().addWaits("d", ["b"]);
        assert.deepEqual(await waitingFor("a"), ["b", "c"]);
        assert.deepEqual(await waitingFor("d"), ["b"]);
        assert.deepEqual(await waitingFor("b"), []);
        assert.deepEqual(await waitersOf("b"), ["a", "d"]);
        assert.deepEqual(await waitersOf("c"), ["a"]);
        assert.deepEqual(await waitersOf("a"), []);
      });

      it("answers for several ids at once", async () => {
        await store().addWaits("a", ["b"]);
        await store().addWaits("c", ["b", "d"]);
        const waiting = await store().waitingFor(["a", "c", "b", "unknown"]);
        assert.deepEqual(edges(waiting, "a"), ["b"]);
        assert.deepEqual(edges(waiting, "c"), ["b", "d"]);
        assert.deepEqual(edges(waiting, "b"), []);
        assert.deepEqual(edges(waiting, "unknown"), []);
        const waiters = await store().waitersOf(["b", "d", "a"]);
        assert.deepEqual(edges(waiters, "b"), ["a", "c"]);
        assert.deepEqual(edges(waiters, "d"), ["c"]);
        assert.deepEqual(edges(waiters, "a"), []);
        assert.equal((await store().waitingFor([])).size, 0);
      });

      it("adds to the edges of a waiter instead of replacing them, without duplicates", async () => {
        await store().addWaits("a", ["b"]);
        await store().addWaits("a", ["c", "b"]);
        await store().addWaits("a", ["c"]);
        assert.deepEqual(await waitingFor("a"), ["b", "c"]);
        assert.deepEqual(await waitersOf("b"), ["a"]);
        assert.deepEqual(await waitersOf("c"), ["a"]);
      });

      it("accepts an empty list of waited ids", async () => {
        await store().addWaits("a", []);
        assert.deepEqual(await waitingFor("a"), []);
      });

      it("removeWaitsOf removes every edge leaving the waiter, and only those", async () => {
        await store().addWaits("a", ["b", "c"]);
        await store().addWaits("d", ["b"]);
        await store().addWaits("b", ["e"]);
        await store().removeWaitsOf("a");
        assert.deepEqual(await waitingFor("a"), []);
        assert.deepEqual(await waitersOf("b"), ["d"]);
        assert.deepEqual(await waitersOf("c"), []);
        assert.deepEqual(await waitingFor("b"), ["e"]);
        assert.deepEqual(await waitingFor("d"), ["b"]);
      });

      it("removeWaitsOn removes every edge pointing at the waited id, and only those", async () => {
        await store().addWaits("a", ["b", "c"]);
        await store().addWaits("d", ["b"]);
        await store().addWaits("b", ["e"]);
        await store().removeWaitsOn("b");
        assert.deepEqual(await waitersOf("b"), []);
        assert.deepEqual(await waitingFor("a"), ["c"]);
        assert.deepEqual(await waitingFor("d"), []);
        assert.deepEqual(await waitingFor("b"), ["e"]);
        assert.deepEqual(await waitersOf("c"), ["a"]);
      });

      it("removing edges of ids without any is a no-op", async () => {
        await store().addWaits("a", ["b"]);
        await store().removeWaitsOf("x");
        await store().removeWaitsOn("y");
        await store().removeWaitsOf("b");
        await store().removeWaitsOn("a");
        assert.deepEqual(await waitingFor("a"), ["b"]);
        assert.deepEqual(await waitersOf("b"), ["a"]);
      });

      it("can record an edge again after it was removed", async () => {
        await store().addWaits("a", ["b"]);
        await store().removeWaitsOf("a");
        await store().addWaits("a", ["b"]);
        assert.deepEqual(await waitingFor("a"), ["b"]);
        await store().removeWaitsOn("b");
        await store().addWaits("c", ["b"]);
        assert.deepEqual(await waitersOf("b"), ["c"]);
      });
    });

    describe("waitedOnRunnable", () => {
      it("returns only ids that are waited on, wait for nothing and are runnable", async () => {
        await register("a", "b", "c", "d");
        await store().addWaits("a", ["b"]);
        await store().addWaits("b", ["c"]);
        // a: nobody waits for it; b: waits for c; c: the leaf; d: not in the graph.
        assert.deepEqual(await store().waitedOnRunnable(10), ["c"]);
      });

      it("returns waited-on ids in REGISTERED and REROUTED, never RETRY (its delayed route brings it)", async () => {
        await register("w", "registered", "rerouted", "retry");
        await store().transition("rerouted", S.PENDING, "r1", 2);
        await store().transition("rerouted", S.REROUTED, "r1", 3);
        await store().transition("retry", S.PENDING, "r1", 2);
        await store().transition("retry", S.RUNNING, "r1", 3);
        await store().transition("retry", S.RETRY, "r1", 4);
        await store().addWaits("w", ["registered", "rerouted", "retry"]);
        assert.deepEqual(sorted(await store().waitedOnRunnable(10)), ["registered", "rerouted"]);
      });

      it("leaves out waited-on ids that are not runnable or not registered at all", async () => {
        await register("w", "pending", "running", "killed", "cc", "done", "free");
        await store().transition("pending", S.PENDING, "r1", 2);
        await store().transition("running", S.PENDING, "r1", 2);
        await store().transition("running", S.RUNNING, "r1", 3);
        await store().transition("killed", S.PENDING, "r1", 2);
        await store().transition("killed", S.KILLED, "r1", 3);
        await store().transition("cc", S.CONCURRENCY_CONTROLLED, null, 2);
        await store().transition("done", S.CONCURRENCY_CONTROLLED_FINAL, null, 2);
        await store().addWaits("w", ["pending", "running", "killed", "cc", "done", "unregistered", "free"]);
        assert.deepEqual(await store().waitedOnRunnable(10), ["free"]);
      });

      it("respects the limit, and gives [] for a limit of 0", async () => {
        const waited = ["b1", "b2", "b3", "b4", "b5"];
        await register("a", ...waited);
        await store().addWaits("a", waited);
        assert.deepEqual(await store().waitedOnRunnable(0), []);
        const two = await store().waitedOnRunnable(2);
        assert.equal(two.length, 2);
        assert.equal(new Set(two).size, 2);
        for (const id of two) assert.ok(waited.includes(id), `${id} is not a waited-on id`);
        assert.deepEqual(sorted(await store().waitedOnRunnable(5)), waited);
        assert.deepEqual(sorted(await store().waitedOnRunnable(100)), waited);
      });

      it("returns an id once even when several invocations wait for it", async () => {
        await register("a", "b", "c");
        await store().addWaits("a", ["c"]);
        await store().addWaits("b", ["c"]);
        assert.deepEqual(await store().waitedOnRunnable(10), ["c"]);
      });

      it("stops returning an id once it is claimed, and returns it again when rerouted", async () => {
        await register("a", "b");
        await store().addWaits("a", ["b"]);
        assert.deepEqual(await store().claim(["b"], "r1", 2), ["b"]);
        assert.deepEqual(await store().waitedOnRunnable(10), []);
        await store().transition("b", S.REROUTED, "r1", 3);
        assert.deepEqual(await store().waitedOnRunnable(10), ["b"]);
      });

      it("stops returning an id once nobody waits for it", async () => {
        await register("a", "b", "c", "d");
        await store().addWaits("a", ["b"]);
        await store().addWaits("c", ["d"]);
        assert.deepEqual(sorted(await store().waitedOnRunnable(10)), ["b", "d"]);
        await store().removeWaitsOf("a");
        assert.deepEqual(await store().waitedOnRunnable(10), ["d"]);
        await store().removeWaitsOn("d");
        assert.deepEqual(await store().waitedOnRunnable(10), []);
      });

      it("returns a waiter once it stops waiting while others still wait for it", async () => {
        await register("a", "b", "c", "d");
        await store().addWaits("a", ["b"]);
        await store().addWaits("b", ["c", "d"]);
        assert.deepEqual(sorted(await store().waitedOnRunnable(10)), ["c", "d"]);
        // c finished: b still waits for d.
        await store().removeWaitsOn("c");
        assert.deepEqual(await store().waitedOnRunnable(10), ["d"]);
        // d finished: b waits for nothing now and a waits for it.
        await store().removeWaitsOn("d");
        assert.deepEqual(await store().waitedOnRunnable(10), ["b"]);
        // b waits again, then gives up waiting.
        await store().addWaits("b", ["c"]);
        assert.deepEqual(await store().waitedOnRunnable(10), ["c"]);
        await store().removeWaitsOf("b");
        assert.deepEqual(await store().waitedOnRunnable(10), ["b"]);
      });

      it("does not treat an invocation as waiting after an empty addWaits", async () => {
        await register("a", "b", "x");
        await store().addWaits("a", []);
        await store().addWaits("x", ["a"]);
        assert.deepEqual(await store().waitedOnRunnable(10), ["a"]);
        await store().addWaits("y", ["b"]);
        await store().addWaits("b", []);
        assert.deepEqual(sorted(await store().waitedOnRunnable(10)), ["a", "b"]);
      });

      it("follows transitions with clearWaits", async () => {
        await register("a", "b", "c");
        await store().addWaits("a", ["b"]);
        await store().addWaits("b", ["c"]);
        await store().claim(["c"], "r1", 2);
        await store().transition("c", S.RUNNING, "r1", 3);
        assert.deepEqual(await store().waitedOnRunnable(10), []);
        await store().transition("c", S.SUCCESS, "r1", 4, { clearWaits: true });
        // b's edge to the finished c stays until b drops it (it keeps c's result from retention).
        assert.deepEqual(await waitingFor("b"), ["c"]);
        assert.deepEqual(await store().waitedOnRunnable(10), []);
        await store().removeWaitsOf("b");
        assert.deepEqual(await store().waitedOnRunnable(10), ["b"]);
      });

      it("does not return a finished invocation that waiters still point at", async () => {
        await register("a", "b");
        await store().addWaits("a", ["b"]);
        await store().claim(["b"], "r1", 2);
        await store().transition("b", S.RUNNING, "r1", 3);
        await store().transition("b", S.SUCCESS, "r1", 4, { clearWaits: true });
        assert.deepEqual(await store().waitedOnRunnable(10), []);
        assert.deepEqual(await waitersOf("b"), ["a"]);
      });

      it("returns a killed invocation again for the waiters that kept their edges", async () => {
        await register("a", "b");
        await store().addWaits("a", ["b"]);
        await store().claim(["b"], "r1", 2);
        await store().transition("b", S.RUNNING, "r1", 3);
        await store().transition("b", S.KILLED, "r1", 4, { clearWaits: true });
        await store().transition("b", S.REROUTED, "r1", 5);
        assert.deepEqual(await store().waitedOnRunnable(10), ["b"]);
      });
    });
  });
}
