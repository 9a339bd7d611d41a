/**
 * `Orchestrator.finishAndClaim` once the store answered: whatever fails after the finish (holding back
 * what the claim found blocked), the waiters in this process are still woken.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Backend } from "../../src/backends/backend.js";
import { memoryBackend } from "../../src/index.js";
import { InvocationStatus as S } from "../../src/invocation/status.js";
import { testApp } from "../helpers.js";

describe("Orchestrator.finishAndClaim", () => {
  it("wakes the waiters here even when holding back what the claim found blocked fails", async () => {
    const base = memoryBackend();
    let readsFail = false;
    const stateBackend = new Proxy(base.stateBackend, {
      get(target, name) {
        if (name === "getInvocations" && readsFail) return () => Promise.reject(new Error("store down"));
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    // A store that finishes in one call and answers one claimed id as blocked (its key is held).
    const backend: Backend = {
      ...base,
      stateBackend,
      finishAndClaim: async (item) => {
        await base.stateBackend.setOutcome(item.id, item.outcome);
        await base.orchestratorStore.transition(item.id, item.status, item.runnerId, Date.now(), {
          clearWaits: true,
        });
        return { records: [], blocked: ["blocked-one"], more: false };
      },
    };
    const app = testApp({ backend });
    const task = app.task("t", async () => 1);
    const invocation = task();
    await invocation.registered;
    const [claimed] = await app.orchestrator.claim("r1", 1, true);
    assert.equal(claimed?.id, invocation.id);
    if ((await app.orchestrator.status(invocation.id))?.status === S.PENDING)
      await app.orchestrator.transition(invocation.id, S.RUNNING, "r1");
    let woken = 0;
    app.orchestrator.whenAllFinal([invocation.id], () => woken++);
    readsFail = true;
    const records = await app.orchestrator.finishAndClaim(
      invocation.id,
      { ok: true, value: "1" },
      "r1",
      1,
      true,
    );
    assert.deepEqual(records, []);
    assert.equal(woken, 1, "the waiter here was woken");
    assert.equal((await app.orchestrator.status(invocation.id))?.status, S.SUCCESS);
    await app.close();
  });
});
