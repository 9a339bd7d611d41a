/**
 * StopBudget: the one bound a runner's stop and app.close() give a store that may not answer (Redis
 * away). Waits share it; the wait for running tasks is not counted; once spent, later waits take only
 * what has settled already, and it warns once.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StopBudget } from "../../src/runner/stop-budget.js";
import { loggerToMemory } from "../logging/helpers.js";

const never = () => new Promise<void>(() => {});
const after = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

void describe("StopBudget", () => {
  void it("without a grace waits as long as it takes, and passes a rejection on", async () => {
    const { logger, chunks } = loggerToMemory({ name: "t", level: "debug" });
    const budget = new StopBudget(undefined, logger);
    assert.equal(budget.deadline, undefined);
    assert.equal(await budget.wait(after(50), "a slow answer"), true);
    await assert.rejects(budget.wait(Promise.reject(new Error("boom")), "a failing answer"), /boom/);
    assert.equal(await budget.wait(undefined, "nothing"), true);
    assert.deepEqual(chunks, []);
  });

  void it("shares one grace between its waits; spent, it takes only what has settled and warns once", async () => {
    const { logger, chunks } = loggerToMemory({ name: "t", level: "debug" });
    const budget = new StopBudget(200, logger);
    const start = performance.now();
    assert.equal(await budget.wait(after(20), "a quick answer"), true);
    assert.equal(await budget.wait(never(), "a claim under way"), false);
    const spentAfter = performance.now() - start;
    assert.ok(spentAfter >= 190, `the budget ran ${spentAfter.toFixed(0)} ms, not its 200`);
    // Spent: a further wait does not wait, but what has settled already still counts.
    const t = performance.now();
    assert.equal(await budget.wait(never(), "the registry"), false);
    assert.equal(await budget.wait(Promise.resolve(), "an answer already in"), true);
    assert.ok(performance.now() - t < 150, "a spent budget waited again");
    await assert.rejects(budget.wait(Promise.reject(new Error("gone")), "a failure already in"), /gone/);
    budget.resume(); // resuming a spent budget gives no new time
    assert.ok(budget.deadline! <= performance.now() + 1);
    const warnings = chunks.join("").split("\n").filter(Boolean);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, /WARN .*Not waiting longer for a claim under way: .*\(200 ms\)/);
  });

  void it("does not count the time it is paused (the wait for running tasks)", async () => {
    const { logger } = loggerToMemory({ name: "t", level: "debug" });
    const budget = new StopBudget(300, logger);
    budget.pause();
    await after(400); // longer than the whole budget
    budget.resume();
    assert.equal(await budget.wait(after(100), "an answer after the tasks"), true);
    assert.ok(budget.deadline! > performance.now(), "the pause was counted against the budget");
  });

  void it("starts spent when told the store is known not to answer; says when it runs out", async () => {
    const { logger, chunks } = loggerToMemory({ name: "t", level: "debug" });
    const known = new StopBudget(5000, logger, { spent: true });
    const t = performance.now();
    assert.equal(await known.wait(never(), "the registry"), false);
    assert.ok(performance.now() - t < 1000, "a budget that starts spent waited");
    assert.equal(await known.wait(Promise.resolve(), "an answer already in"), true);
    assert.deepEqual(chunks, [], "the caller says why it does not wait");
    let spent = 0;
    const budget = new StopBudget(50, logger, { onSpent: () => spent++ });
    await budget.wait(never(), "a claim under way");
    await budget.wait(never(), "the registry");
    assert.equal(spent, 1);
  });
});
