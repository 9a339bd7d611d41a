/**
 * samples/triggers/sample.ts end to end, as `npm run sample:triggers` runs it: every kind of trigger
 * fires its task (success, failure, filtered event, allOf of two events, a seconds cron twice), the
 * filtered-out event fires nothing, and the sample exits 0 leaving no process behind.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { noneLeft, startSample } from "./sample-process.js";

const SAMPLE = fileURLToPath(new URL("../../samples/triggers/sample.ts", import.meta.url));
const MARK = "TYNENC_TRIGGERS_SAMPLE_TEST_OWNER";

describe("samples/triggers", () => {
  it("fires each trigger as its README says, and exits 0", async () => {
    const run = startSample(SAMPLE, MARK);
    try {
      const [, counts] = await run.printed(/Triggered runs: (\{.*\})/);
      const ran = JSON.parse(counts!) as Record<string, number>;
      for (const task of ["report", "alert", "welcome", "ship"]) assert.equal(ran[task], 1, task);
      assert.ok((ran.heartbeat ?? 0) >= 2, "the cron ticked at least twice");
      assert.match(run.output(), /Welcome, u-1/);
      assert.doesNotMatch(run.output(), /Welcome, u-2/, "the trial signup is filtered out");
      assert.match(run.output(), /Shipping o-7/);
      assert.deepEqual(await run.exit, { code: 0, signal: null });
    } finally {
      run.child.kill("SIGKILL");
      await noneLeft(MARK);
    }
  });
});
