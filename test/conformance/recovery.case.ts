import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvocationStatus, type InvocationStatus as Status } from "../../src/invocation/status.js";
import type { OrchestratorStore, RunnerInfo } from "../../src/orchestrator/orchestrator-store.js";
import { sorted, useBackend, type BackendFactory } from "./harness.js";

const S = InvocationStatus;

function runner(runnerId: string, heartbeatAt: number, startedAt = 100): RunnerInfo {
  return { runnerId, cls: "ThreadRunner", hostname: "host-a", pid: 4242, startedAt, heartbeatAt };
}

/** Runners sorted by id, as plain objects (a backend may return richer ones, in any order). */
function listed(runners: readonly RunnerInfo[]): RunnerInfo[] {
  return [...runners]
    .map(({ runnerId, cls, hostname, pid, startedAt, heartbeatAt }) => ({
      runnerId,
      cls,
      hostname,
      pid,
      startedAt,
      heartbeatAt,
    }))
    .sort((a, b) => a.runnerId.localeCompare(b.runnerId));
}

/**
 * The runner registry, the leases and the monitoring reads of the OrchestratorStore contract, which
 * recovery from dead runners (src/orchestrator/recovery.ts) and `tynenc status` are built on.
 */
export function recoveryCases(name: string, makeBackend: BackendFactory): void {
  describe(`OrchestratorStore runner registry and recovery (${name})`, () => {
    const backend = useBackend(makeBackend);
    const store = (): OrchestratorStore => backend().orchestratorStore;

    /** Registers `id` and walks it through `path`, each step by `by`. */
    async function walk(id: string, path: readonly Status[], by: string | null = "r1"): Promise<void> {
      await store().register([{ id, taskId: "task" }], null, 1);
      let at = 2;
      for (const to of path) await store().transition(id, to, by, at++);
    }

    describe("heartbeat, runners, removeRunner", () => {
      it("lists no runner in a new store", async () => {
        assert.deepEqual(await store().runners(), []);
      });

      it("inserts a runner on its first heartbeat, with everything it was given", async () => {
        await store().heartbeat(runner("r1", 1000));
        assert.deepEqual(listed(await store().runners()), [runner("r1", 1000)]);
      });

      it("updates heartbeatAt on a later heartbeat and keeps startedAt", async () => {
        await store().heartbeat(runner("r1", 1000, 100));
        await store().heartbeat(runner("r1", 2500, 999));
        assert.deepEqual(listed(await store().runners()), [runner("r1", 2500, 100)]);
      });

      it("lists every runner that beat, each with its own latest heartbeat", async () => {
        await store().heartbeat(runner("r1", 1000));
        await store().heartbeat(runner("r2", 1100));
        await store().heartbeat(runner("r1", 1200));
        assert.deepEqual(listed(await store().runners()), [runner("r1", 1200), runner("r2", 1100)]);
      });

      it("forgets a removed runner only, and inserts it afresh if it beats again", async () => {
        await store().heartbeat(runner("r1", 1000, 100));
        await store().heartbeat(runner("r2", 1000));
        await store().removeRunner("r1");
        assert.deepEqual(listed(await store().runners()), [runner("r2", 1000)]);
        await store().heartbeat(runner("r1", 3000, 2900));
        assert.deepEqual(listed(await store().runners()), [runner("r1", 3000, 2900), runner("r2", 1000)]);
      });

      it("ignores the removal of a runner it does not know", async () => {
        await store().heartbeat(runner("r1", 1000));
        await store().removeRunner("nobody");
        assert.deepEqual(listed(await store().runners()), [runner("r1", 1000)]);
      });
    });

    describe("acquireLease", () => {
      it("grants a lease nobody holds", async () => {
        assert.equal(await store().acquireLease("recovery", "r1", 1000, 2000), true);
      });

      it("refuses a lease another holder has not let expire", async () => {
        assert.equal(await store().acquireLease("recovery", "r1", 1000, 2000), true);
        assert.equal(await store().acquireLease("recovery", "r2", 1500, 2500), false);
        assert.equal(await store().acquireLease("recovery", "r2", 1999, 2999), false);
      });

      it("lets another holder take over a lease that expired", async () => {
        assert.equal(await store().acquireLease("recovery", "r1", 1000, 2000), true);
        assert.equal(await store().acquireLease("recovery", "r2", 2001, 3001), true);
        // r2 holds it now: r1 is refused until r2's lease expires in turn.
        assert.equal(await store().acquireLease("recovery", "r1", 2500, 3500), false);
        assert.equal(await store().acquireLease("recovery", "r1", 3002, 4002), true);
      });

      it("renews the lease of its holder, until the new end", async () => {
        assert.equal(await store().acquireLease("recovery", "r1", 1000, 2000), true);
        assert.equal(await store().acquireLease("recovery", "r1", 1900, 2900), true);
        assert.equal(await store().acquireLease("recovery", "r2", 2500, 3500), false);
      });

      it("keeps leases of different names apart", async () => {
        assert.equal(await store().acquireLease("recovery", "r1", 1000, 2000), true);
        assert.equal(await store().acquireLease("other", "r2", 1000, 2000), true);
        assert.equal(await store().acquireLease("other", "r1", 1500, 2500), false);
      });
    });

    describe("ownedBy", () => {
      it("lists the unfinished invocations the given runners own, and nothing else", async () => {
        await walk("pending", [S.PENDING]);
        await walk("running", [S.PENDING, S.RUNNING]);
        await walk("paused", [S.PENDING, S.RUNNING, S.PAUSED]);
        await walk("resumed", [S.PENDING, S.RUNNING, S.PAUSED, S.RESUMED]);
        await walk("finished", [S.PENDING, S.RUNNING, S.SUCCESS]);
        await walk("retrying", [S.PENDING, S.RUNNING, S.RETRY]);
        await walk("queued", []);
        await walk("other", [S.PENDING, S.RUNNING], "r2");
        assert.deepEqual(sorted(await store().ownedBy(["r1"])), ["paused", "pending", "resumed", "running"]);
        assert.deepEqual(sorted(await store().ownedBy(["r2"])), ["other"]);
        assert.deepEqual(sorted(await store().ownedBy(["r1", "r2"])), [
          "other",
          "paused",
          "pending",
          "resumed",
          "running",
        ]);
        assert.deepEqual(await store().ownedBy(["nobody"]), []);
        assert.deepEqual(await store().ownedBy([]), []);
      });

      it("no longer lists an invocation recovery took over", async () => {
        await walk("a", [S.PENDING, S.RUNNING]);
        await walk("b", [S.PENDING]);
        await store().transition("a", S.RUNNING_RECOVERY, "r2", 10);
        assert.deepEqual(await store().ownedBy(["r1"]), ["b"]);
        await store().transition("b", S.PENDING_RECOVERY, null, 11);
        assert.deepEqual(await store().ownedBy(["r1"]), []);
      });
    });

    describe("countByStatus", () => {
      /** Only the statuses with invocations in them (a backend may list the others as 0 or not at all). */
      async function counts(): Promise<Record<string, number>> {
        const all = await store().countByStatus();
        return Object.fromEntries(Object.entries(all).filter(([, n]) => (n ?? 0) > 0));
      }

      it("counts nothing in a new store", async () => {
        assert.deepEqual(await counts(), {});
      });

      it("counts the invocations in each status, following their changes", async () => {
        await walk("a", []);
        await walk("b", []);
        await walk("c", [S.PENDING, S.RUNNING]);
        await walk("d", [S.PENDING, S.RUNNING, S.SUCCESS]);
        assert.deepEqual(await counts(), { REGISTERED: 2, RUNNING: 1, SUCCESS: 1 });
        await store().transition("c", S.FAILED, "r1", 20);
        await store().transition("a", S.PENDING, "r1", 21);
        assert.deepEqual(await counts(), { REGISTERED: 1, PENDING: 1, SUCCESS: 1, FAILED: 1 });
      });
    });
  });
}
