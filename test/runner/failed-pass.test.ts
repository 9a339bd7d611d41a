/**
 * A runner whose claim pass failed (its store away or refusing) makes another pass by itself after a
 * short wait, without waiting for an event: on Redis, a runner whose claim failed is not listed as
 * waiting for work, so new registrations may send it no message. The first failure in a row is logged
 * as an error, the rest at debug.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { captureLogger, testApp, withRunner } from "../helpers.js";

void describe("a runner whose claim pass failed", () => {
  void it(
    "claims again by itself and runs what was queued, logging the failures once as an error",
    { timeout: 20_000 },
    async () => {
      const logger = captureLogger();
      const app = testApp({ logger, loggingLevel: "debug" });
      const add = app.task("add", async (a: number, b: number) => a + b);
      const call = add(1, 2);
      await call.registered; // queued before the runner starts: no new work event after its first pass
      const orchestrator = app.orchestrator;
      const claim = orchestrator.claim.bind(orchestrator);
      let failures = 0;
      orchestrator.claim = (...args: Parameters<typeof claim>) => {
        if (failures < 2) {
          failures++;
          return Promise.reject(new Error("the store is away"));
        }
        return claim(...args);
      };
      await withRunner(app, async () => {
        assert.equal(await call.result, 3);
      });
      assert.equal(failures, 2);
      const failed = logger.lines.filter((l) => l.msg.startsWith("Runner loop iteration failed"));
      assert.deepEqual(
        failed.map((l) => l.level),
        ["error", "debug"],
      );
      assert.match(failed[0]!.msg, /retry on the next event, or in 1000 ms/);
    },
  );
});
