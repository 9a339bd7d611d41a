import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvocationStatus as S } from "../../src/invocation/status.js";
import { useBackend, type BackendFactory } from "./harness.js";

/** Retention: `OrchestratorStore.purgeFinished` and `StateBackend.deleteInvocations`. */
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
