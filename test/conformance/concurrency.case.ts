import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvocationNotFoundError, OwnershipError, StatusTransitionError } from "../../src/errors/errors.js";
import { InvocationStatus, type InvocationStatus as Status } from "../../src/invocation/status.js";
import type { NewStatus, OrchestratorStore } from "../../src/orchestrator/orchestrator-store.js";
import { historyOf, sorted, statusOf, useBackend, type BackendFactory } from "./harness.js";

const S = InvocationStatus;

/**
 * The concurrency half of the OrchestratorStore contract (src/orchestrator/orchestrator-store.ts):
 * registration keys in `register`, running keys in `claim`, `resume`, `runningKeyHolders`, `parkedOn`
 * and `cachedResult`. The rules that use them (hold back, re-queue, reuse) are the orchestrator's.
 */
export function concurrencyCases(name: string, makeBackend: BackendFactory): void {
  describe(`OrchestratorStore concurrency keys (${name})`, () => {
    const backend = useBackend(makeBackend);
    const store = (): OrchestratorStore => backend().orchestratorStore;
    let clock = 100;

    async function register(...items: NewStatus[]): Promise<(string | undefined)[]> {
      return store().register(items, null, clock++);
    }

    async function move(id: string, path: readonly Status[], runner = "r1"): Promise<void> {
      for (const to of path) await store().transition(id, to, runner, clock++);
    }

    describe("register with a registrationKey", () => {
      it("returns the existing id for a duplicate while the first is unfinished, and inserts nothing", async () => {
        assert.deepEqual(await register({ id: "a", taskId: "t", registrationKey: "k" }), [undefined]);
        assert.deepEqual(await register({ id: "b", taskId: "t", registrationKey: "k" }), ["a"]);
        assert.equal(await store().getStatus("b"), undefined);
        assert.deepEqual(await store().getHistory("b"), []);
        assert.equal((await store().getStatus("a"))?.status, S.REGISTERED);
      });

      it("answers per item, including duplicates within one call", async () => {
        const answer = await register(
          { id: "a", taskId: "t", registrationKey: "k1" },
          { id: "b", taskId: "t", registrationKey: "k1" },
          { id: "c", taskId: "t", registrationKey: "k2" },
          { id: "d", taskId: "t" },
        );
        assert.deepEqual(answer, [undefined, "a", undefined, undefined]);
        assert.deepEqual(sorted(await store().findByStatus([S.REGISTERED])), ["a", "c", "d"]);
      });

      it("keeps dedup through PENDING, RUNNING and PAUSED", async () => {
        await register({ id: "a", taskId: "t", registrationKey: "k" });
        let n = 0;
        for (const path of [[S.PENDING], [S.RUNNING], [S.PAUSED]] as const) {
          await move("a", path);
          assert.deepEqual(await register({ id: `dup-${n++}`, taskId: "t", registrationKey: "k" }), ["a"]);
        }
      });

      it("registers again once the first is final", async () => {
        await register({ id: "a", taskId: "t", registrationKey: "k" });
        await move("a", [S.PENDING, S.RUNNING, S.SUCCESS]);
        assert.deepEqual(await register({ id: "b", taskId: "t", registrationKey: "k" }), [undefined]);
        assert.equal((await store().getStatus("b"))?.status, S.REGISTERED);
        await move("b", [S.PENDING, S.RUNNING, S.FAILED]);
        assert.deepEqual(await register({ id: "c", taskId: "t", registrationKey: "k" }), [undefined]);
      });

      it("treats a dropped (CONCURRENCY_CONTROLLED_FINAL) one as finished", async () => {
        await register({ id: "a", taskId: "t", registrationKey: "k" });
        await store().transition("a", S.CONCURRENCY_CONTROLLED_FINAL, "r1", clock++);
        assert.deepEqual(await register({ id: "b", taskId: "t", registrationKey: "k" }), [undefined]);
      });
    });

    describe("claim with a runningKey", () => {
      it("skips an id whose runningKey a PENDING or RUNNING invocation holds; it stays runnable", async () => {
        await register(
          { id: "a", taskId: "t", runningKey: "rk" },
          { id: "b", taskId: "t", runningKey: "rk" },
        );
        assert.deepEqual(await store().claim(["a"], "r1", clock++), ["a"]);
        assert.deepEqual(await store().claim(["b"], "r2", clock++), []);
        assert.equal((await store().getStatus("b"))?.status, S.REGISTERED);
        await move("a", [S.RUNNING]);
        assert.deepEqual(await store().claim(["b"], "r2", clock++), []);
        assert.deepEqual(statusOf(await store().getStatus("b"))?.owner, null);
      });

      it("claims only the first of one key within one call, other keys freely, and lists the held-back ones in `blocked`", async () => {
        await register(
          { id: "a", taskId: "t", runningKey: "rk" },
          { id: "b", taskId: "t", runningKey: "rk" },
          { id: "c", taskId: "t", runningKey: "other" },
          { id: "d", taskId: "t" },
          { id: "e", taskId: "t", runningKey: "rk" },
        );
        await move("d", [S.PENDING, S.RUNNING]); // stale: not runnable, so not "blocked"
        const blocked: string[] = ["earlier"];
        const claimed = await store().claim(
          ["a", "b", "c", "d", "unknown", "e", "b"],
          "r1",
          clock++,
          blocked,
        );
        assert.deepEqual(claimed, ["a", "c"]);
        assert.deepEqual(blocked, ["earlier", "b", "e", "b"], "appended in the order offered");
        assert.deepEqual(await store().claim(["b"], "r2", clock++), [], "works without the list too");
      });

      it("allows it once the holder pauses", async () => {
        await register(
          { id: "a", taskId: "t", runningKey: "rk" },
          { id: "b", taskId: "t", runningKey: "rk" },
        );
        await store().claim(["a"], "r1", clock++);
        await move("a", [S.RUNNING, S.PAUSED]);
        assert.deepEqual(await store().claim(["b"], "r2", clock++), ["b"]);
      });

      it("allows it once the holder finishes", async () => {
        await register(
          { id: "a", taskId: "t", runningKey: "rk" },
          { id: "b", taskId: "t", runningKey: "rk" },
        );
        await store().claim(["a"], "r1", clock++);
        await move("a", [S.RUNNING, S.SUCCESS]);
        assert.deepEqual(await store().claim(["b"], "r2", clock++), ["b"]);
      });

      it("allows it once the holder is retrying or was rerouted", async () => {
        await register(
          { id: "a", taskId: "t", runningKey: "rk" },
          { id: "b", taskId: "t", runningKey: "rk" },
          { id: "c", taskId: "t", runningKey: "rk" },
        );
        await store().claim(["a"], "r1", clock++);
        await move("a", [S.RUNNING, S.RETRY]);
        assert.deepEqual(await store().claim(["b"], "r2", clock++), ["b"]);
        await move("b", [S.REROUTED], "r2");
        assert.deepEqual(await store().claim(["c"], "r3", clock++), ["c"]);
      });
    });

    describe("resume with a runningKey", () => {
      /** Registers `id` and takes it to RESUMED, owned by `runner`. */
      async function resumed(item: NewStatus, runner = "r1"): Promise<void> {
        await register(item);
        assert.deepEqual(await store().claim([item.id], runner, clock++), [item.id]);
        await move(item.id, [S.RUNNING, S.PAUSED, S.RESUMED], runner);
      }

      it("is refused while another invocation of the key is PENDING or RUNNING, with nothing changed", async () => {
        await resumed({ id: "a", taskId: "t", runningKey: "rk" });
        await register({ id: "b", taskId: "t", runningKey: "rk" });
        assert.deepEqual(await store().claim(["b"], "r2", clock++), ["b"]);
        const before = await store().getHistory("a");
        const record = statusOf(await store().getStatus("a"));
        assert.equal(await store().resume("a", "r1", clock++), undefined);
        await move("b", [S.RUNNING], "r2");
        assert.equal(await store().resume("a", "r1", clock++), undefined);
        assert.deepEqual(statusOf(await store().getStatus("a")), record);
        assert.equal(record?.status, S.RESUMED);
        assert.deepEqual(await store().getHistory("a"), before);
        assert.deepEqual(await store().runningKeyHolders("rk"), ["b"]);
      });

      it("is accepted once the holder finished: RESUMED -> RUNNING in the history, with the runner id", async () => {
        await resumed({ id: "a", taskId: "t", runningKey: "rk" });
        await register({ id: "b", taskId: "t", runningKey: "rk" });
        await store().claim(["b"], "r2", clock++);
        await move("b", [S.RUNNING], "r2");
        assert.equal(await store().resume("a", "r1", clock++), undefined);
        await move("b", [S.SUCCESS], "r2");
        const at = clock++;
        assert.deepEqual(statusOf(await store().resume("a", "r1", at)), {
          status: S.RUNNING,
          owner: "r1",
          at,
        });
        assert.deepEqual(statusOf(await store().getStatus("a")), { status: S.RUNNING, owner: "r1", at });
        const history = historyOf(await store().getHistory("a"));
        assert.deepEqual(
          history.map((h) => h.status),
          [S.REGISTERED, S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED, S.RUNNING],
        );
        assert.deepEqual(history.at(-1), { status: S.RUNNING, runnerId: "r1", at });
      });

      it("takes the key: a claim of the same key is skipped afterwards", async () => {
        await resumed({ id: "a", taskId: "t", runningKey: "rk" });
        await register({ id: "b", taskId: "t", runningKey: "rk" });
        assert.equal((await store().resume("a", "r1", clock++))?.status, S.RUNNING);
        assert.deepEqual(await store().runningKeyHolders("rk"), ["a"]);
        assert.deepEqual(await store().claim(["b"], "r2", clock++), []);
      });

      it("is not held back by a paused or resumed invocation of the key, nor by another key", async () => {
        await resumed({ id: "a", taskId: "t", runningKey: "rk" });
        await resumed({ id: "b", taskId: "t", runningKey: "rk" });
        await register({ id: "c", taskId: "t", runningKey: "other" });
        await store().claim(["c"], "r2", clock++);
        assert.equal((await store().resume("a", "r1", clock++))?.status, S.RUNNING);
        assert.equal(await store().resume("b", "r1", clock++), undefined);
      });

      it("always resumes an invocation without a runningKey", async () => {
        await register({ id: "busy", taskId: "t", runningKey: "rk" });
        await store().claim(["busy"], "r2", clock++);
        await resumed({ id: "a", taskId: "t" });
        const record = await store().resume("a", "r1", clock++);
        assert.equal(record?.status, S.RUNNING);
        assert.equal(record?.owner, "r1");
        assert.equal(historyOf(await store().getHistory("a")).at(-1)?.status, S.RUNNING);
      });

      it("throws as transition does, whether the key is held or not, and changes nothing", async () => {
        await resumed({ id: "a", taskId: "t", runningKey: "rk" });
        await register({ id: "b", taskId: "t", runningKey: "rk" });
        await register({ id: "c", taskId: "t" });
        await assert.rejects(async () => store().resume("a", "intruder", clock++), OwnershipError);
        await store().claim(["b"], "r2", clock++);
        await assert.rejects(async () => store().resume("a", "intruder", clock++), OwnershipError);
        assert.equal((await store().getStatus("a"))?.status, S.RESUMED);
        // Only RESUMED resumes: not a queued, claimed or running invocation, nor a final one.
        await assert.rejects(async () => store().resume("c", "r1", clock++), StatusTransitionError);
        await store().claim(["c"], "r1", clock++);
        await assert.rejects(async () => store().resume("c", "r1", clock++), StatusTransitionError);
        await move("c", [S.RUNNING, S.SUCCESS]);
        await assert.rejects(async () => store().resume("c", "r1", clock++), StatusTransitionError);
        await assert.rejects(async () => store().resume("b", "r2", clock++), StatusTransitionError);
        assert.equal((await store().getStatus("b"))?.status, S.PENDING);
        await assert.rejects(async () => store().resume("nope", "r1", clock++), InvocationNotFoundError);
      });
    });

    describe("runningKeyHolders", () => {
      it("lists the PENDING and RUNNING invocations of a key, not paused, queued or final ones", async () => {
        await register(
          { id: "a", taskId: "t", runningKey: "rk" },
          { id: "b", taskId: "t", runningKey: "rk" },
          { id: "c", taskId: "t", runningKey: "other" },
        );
        assert.deepEqual(await store().runningKeyHolders("rk"), []);
        await store().claim(["a", "c"], "r1", clock++);
        assert.deepEqual(await store().runningKeyHolders("rk"), ["a"]);
        assert.deepEqual(await store().runningKeyHolders("other"), ["c"]);
        await move("a", [S.RUNNING]);
        assert.deepEqual(await store().runningKeyHolders("rk"), ["a"]);
        await move("a", [S.PAUSED]);
        assert.deepEqual(await store().runningKeyHolders("rk"), []);
        await store().claim(["b"], "r2", clock++);
        assert.deepEqual(await store().runningKeyHolders("rk"), ["b"]);
        await move("b", [S.RUNNING, S.SUCCESS], "r2");
        assert.deepEqual(await store().runningKeyHolders("rk"), []);
        assert.deepEqual(await store().runningKeyHolders("unknown"), []);
      });
    });

    describe("parkedOn", () => {
      it("lists the CONCURRENCY_CONTROLLED invocations of a key until they move on", async () => {
        await register(
          { id: "a", taskId: "t", runningKey: "rk" },
          { id: "b", taskId: "t", runningKey: "rk" },
          { id: "c", taskId: "t", runningKey: "rk" },
          { id: "d", taskId: "t", runningKey: "other" },
        );
        await store().claim(["a"], "r1", clock++);
        for (const id of ["b", "c", "d"])
          await store().transition(id, S.CONCURRENCY_CONTROLLED, "r1", clock++);
        assert.deepEqual(sorted(await store().parkedOn("rk")), ["b", "c"]);
        assert.deepEqual(await store().parkedOn("other"), ["d"]);
        await store().transition("b", S.REROUTED, "r1", clock++);
        assert.deepEqual(await store().parkedOn("rk"), ["c"]);
        await store().transition("c", S.CANCELLED, null, clock++);
        assert.deepEqual(await store().parkedOn("rk"), []);
        assert.deepEqual(await store().parkedOn("unknown"), []);
      });
    });

    describe("cachedResult", () => {
      it("returns the latest SUCCESS of a cacheKey, nothing while unfinished", async () => {
        await register({ id: "a", taskId: "t", cacheKey: "ck" });
        assert.equal(await store().cachedResult("ck"), undefined);
        await store().claim(["a"], "r1", clock++);
        await move("a", [S.RUNNING]);
        assert.equal(await store().cachedResult("ck"), undefined);
        await move("a", [S.SUCCESS]);
        assert.equal(await store().cachedResult("ck"), "a");
        await register({ id: "b", taskId: "t", cacheKey: "ck" });
        await store().claim(["b"], "r1", clock++);
        await move("b", [S.RUNNING, S.SUCCESS]);
        assert.equal(await store().cachedResult("ck"), "b");
      });

      it("returns nothing for a FAILED call, and keeps an earlier success when a later one fails", async () => {
        await register({ id: "f", taskId: "t", cacheKey: "bad" });
        await store().claim(["f"], "r1", clock++);
        await move("f", [S.RUNNING, S.FAILED]);
        assert.equal(await store().cachedResult("bad"), undefined);
        await register({ id: "a", taskId: "t", cacheKey: "ck" }, { id: "b", taskId: "t", cacheKey: "ck" });
        await store().claim(["a", "b"], "r1", clock++);
        await move("a", [S.RUNNING, S.SUCCESS]);
        await move("b", [S.RUNNING, S.FAILED]);
        assert.equal(await store().cachedResult("ck"), "a");
        assert.equal(await store().cachedResult("unknown"), undefined);
      });
    });
  });
}
