import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvocationStatus as S } from "../../src/invocation/status.js";
import { useBackend, type BackendFactory } from "./harness.js";

/**
 * Retention: `OrchestratorStore.purgeFinished` and `StateBackend.deleteInvocations`. The rule every
 * backend keeps: a result somebody will still read (a waiter's edge points at it, or it is pinned by a
 * reader outside any invocation) is never forgotten, so a `.result` awaited before its invocation
 * finished is always delivered.
 */
export function retentionCases(name: string, makeBackend: BackendFactory): void {
  describe(`retention (${name})`, () => {
    const backend = useBackend(makeBackend);

    /** Registers ids and finishes each (SUCCESS) at time `at + index`. */
    async function finish(ids: readonly string[], at: number): Promise<void> {
      const { orchestratorStore: store, stateBackend: state } = backend();
      await state.saveInvocations(
        ids.map((id) => ({
          id,
          taskId: "t",
          argsId: "no_args",
          serializedArgs: "[]",
          parentId: null,
          createdAt: at,
        })),
      );
      await store.register(
        ids.map((id) => ({ id, taskId: "t" })),
        null,
        at,
      );
      for (const [i, id] of ids.entries()) {
        await store.claim([id], "r", at + i);
        await store.transition(id, S.RUNNING, "r", at + i);
        await state.setOutcome(id, { ok: true, value: "1" });
        await store.transition(id, S.SUCCESS, "r", at + i);
      }
    }

    it("forgets the oldest finished beyond keepNewest, and only finished ones", async () => {
      const { orchestratorStore: store } = backend();
      await finish(["a", "b", "c", "d"], 100);
      await store.register([{ id: "queued", taskId: "t" }], null, 50);
      const purged = await store.purgeFinished(0, 2);
      assert.deepEqual([...purged].sort(), ["a", "b"]);
      assert.equal(await store.getStatus("a"), undefined);
      assert.deepEqual(await store.getHistory("b"), []);
      assert.equal((await store.getStatus("c"))?.status, S.SUCCESS);
      assert.equal((await store.getStatus("queued"))?.status, S.REGISTERED);
    });

    it("forgets those finished before olderThan", async () => {
      const { orchestratorStore: store } = backend();
      await finish(["a", "b", "c"], 100); // finished at 100, 101, 102
      assert.deepEqual([...(await store.purgeFinished(102, 1_000))].sort(), ["a", "b"]);
      assert.deepEqual(await store.purgeFinished(102, 1_000), []);
      assert.equal((await store.getStatus("c"))?.status, S.SUCCESS);
    });

    it("keeps a finished invocation a waiter's edge points at until the waiter drops it", async () => {
      const { orchestratorStore: store } = backend();
      await store.register([{ id: "w", taskId: "t" }], null, 1);
      await finish(["a", "b"], 100);
      await store.addWaits("w", ["a"]); // w waits for a: it has not read a's result yet
      assert.deepEqual(await store.purgeFinished(1_000, 1_000), ["b"]);
      assert.equal((await store.getStatus("a"))?.status, S.SUCCESS);
      await store.removeWaitsOf("w"); // the waiter read it
      // Due since the first purge, it goes at the next one, even when nothing else is due.
      assert.deepEqual(await store.purgeFinished(0, 1_000), ["a"]);
      assert.equal(await store.getStatus("a"), undefined);
    });

    it("keeps the ids named in keep (awaited here, wait not recorded yet) until a purge without them", async () => {
      const { orchestratorStore: store } = backend();
      await finish(["a", "b"], 100);
      assert.deepEqual(await store.purgeFinished(1_000, 1_000, new Set(["a"])), ["b"]);
      assert.equal((await store.getStatus("a"))?.status, S.SUCCESS);
      assert.deepEqual(await store.purgeFinished(0, 1_000, new Map<string, number>()), ["a"]);
    });

    it("keeps the edges pointing at an invocation when it finishes with clearWaits", async () => {
      const { orchestratorStore: store } = backend();
      await store.register(
        ["a", "w", "x"].map((id) => ({ id, taskId: "t" })),
        null,
        1,
      );
      await store.claim(["a"], "r", 2);
      await store.transition("a", S.RUNNING, "r", 3);
      await store.addWaits("w", ["a"]);
      await store.addWaits("a", ["x"]);
      await store.transition("a", S.SUCCESS, "r", 4, { clearWaits: true });
      assert.deepEqual((await store.waitersOf(["a"])).get("a"), ["w"]);
      assert.deepEqual((await store.waitingFor(["a"])).get("a") ?? [], []);
      assert.deepEqual(await store.purgeFinished(1_000, 0), []);
      await store.transition("w", S.PENDING, "r", 5);
      await store.transition("w", S.RUNNING, "r", 6);
      await store.transition("w", S.SUCCESS, "r", 7, { clearWaits: true }); // the waiter's end drops it
      assert.deepEqual([...(await store.purgeFinished(1_000, 0))].sort(), ["a", "w"]);
    });

    it("keeps a pinned invocation until it is unpinned as often as it was pinned", async () => {
      const { orchestratorStore: store } = backend();
      await store.register([{ id: "a", taskId: "t" }], null, 1);
      await store.pin("a"); // pinned before it finished, as a reader outside any invocation does
      await store.pin("a");
      await finish(["b"], 100);
      await store.claim(["a"], "r", 100);
      await store.transition("a", S.RUNNING, "r", 100);
      await store.transition("a", S.SUCCESS, "r", 101, { clearWaits: true });
      assert.deepEqual(await store.purgeFinished(1_000, 0), ["b"]);
      await store.unpin("a");
      assert.deepEqual(await store.purgeFinished(1_000, 0), []);
      await store.unpin("a");
      assert.deepEqual(await store.purgeFinished(1_000, 0), ["a"]);
      await store.unpin("a"); // one unpin too many is harmless
    });

    it("deleteInvocations drops records and outcomes", async () => {
      const { orchestratorStore: store, stateBackend: state } = backend();
      await finish(["a", "b"], 1);
      const purged = await store.purgeFinished(1_000, 1_000);
      await state.deleteInvocations(purged);
      assert.equal(await state.getInvocation("a"), undefined);
      assert.equal(await state.getOutcome("b"), undefined);
    });
  });
}
