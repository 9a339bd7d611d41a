/**
 * A task that awaits many results at once on Redis. The pause records one edge per waited invocation
 * (added in slices: Lua's stack holds about 8,000 values, and one SADD of 10,000 failed with "too many
 * results to unpack"), and each child's finish tells whether the paused parent's waits are over from
 * the parent's `open` set in one step (store-pause-3.lua, include/resume.lua's waitsOver): read edge by
 * edge, 10,000 finishes cost about 10^8 reads and held Redis for minutes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Tynenc } from "../../src/index.js";
import { InvocationStatus } from "../../src/invocation/status.js";
import { historyProblems, withRunner } from "../../src/testing/index.js";
import { needsRedis, tempRedisBackend } from "../redis-context.js";

const S = InvocationStatus;
const redis = await needsRedis();
const WIDTH = 10_000;

void describe("Redis await of many results at once", { ...redis }, () => {
  void it(
    `a task awaiting ${WIDTH} children gets every result, once, in order`,
    { timeout: 120_000 },
    async () => {
      const app = new Tynenc({
        appId: "wide-await",
        loggingLevel: "error",
        maxParallelSlots: 4,
        backend: tempRedisBackend({ appId: "wide-await" }),
      });
      const leaf = app.task("leaf", async (i: number) => i * 2);
      const wide = app.task("wide", async (n: number) => {
        const values = await Promise.all(Array.from({ length: n }, (_, i) => leaf(i).result));
        return values.every((value, i) => value === i * 2) ? values.length : -1;
      });
      try {
        await withRunner(app, async () => {
          const top = wide(WIDTH);
          assert.equal(await top.result, WIDTH);
          const history = (await top.history()).map((h) => h.status);
          assert.deepEqual(history, [
            S.REGISTERED,
            S.PENDING,
            S.RUNNING,
            S.PAUSED,
            S.RESUMED,
            S.RUNNING,
            S.SUCCESS,
          ]);
          assert.deepEqual(historyProblems(await top.history()), []);
        });
        const counts = await app.backend.orchestratorStore.countByStatus();
        assert.deepEqual(counts, { [S.SUCCESS]: WIDTH + 1 });
        // Each child ran once: PENDING -> RUNNING once in every history.
        const ids = await app.backend.orchestratorStore.findByStatus([S.SUCCESS], "leaf");
        assert.equal(ids.length, WIDTH);
        const sample = ids.filter((_, i) => i % 500 === 0);
        for (const id of sample) {
          const history = await (await app.getInvocation(id)).history();
          assert.deepEqual(historyProblems(history), [], `history of ${id}`);
          assert.equal(history.filter((h) => h.status === S.RUNNING).length, 1, `${id} ran once`);
        }
      } finally {
        await app.close();
      }
    },
  );
});
