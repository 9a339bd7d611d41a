import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  comparisonLines,
  rateRatio,
  reportLines,
  tableLines,
  timeRatio,
  warmUpText,
} from "../bench/redis/compare.js";
import { quantile, type Figures } from "../bench/redis/system.js";

const bullmq: Figures = {
  independent: { 1: 3600, 8: 7900, 50: 10_000 },
  fib15Ms: 860,
  latency: { p50: 0.71, p99: 3.2 },
};
const tynenc: Figures = {
  independent: { 1: 4500.4, 8: 7900, 50: 9_000 },
  fib15Ms: 215,
  latency: { p50: 0.42, p99: 1.9 },
};

/** The form issue #11 gives scripts; numbers whole, ratios with two decimals. */
const INDEPENDENT_LINE =
  /^vs BullMQ c=(1|8|50): tynenc (\d+) jobs\/s, BullMQ (\d+) jobs\/s, ratio (\d+\.\d\d)$/;
const FIB_LINE = /^vs BullMQ fib\(15\): tynenc (\d+) ms, BullMQ (\d+) ms, ratio (\d+\.\d\d)$/;

void describe("bench:redis report", () => {
  void it("prints one script line per comparison, ratio = tynenc's speed over BullMQ's", () => {
    assert.deepEqual(comparisonLines(tynenc, bullmq), [
      "vs BullMQ c=1: tynenc 4500 jobs/s, BullMQ 3600 jobs/s, ratio 1.25",
      "vs BullMQ c=8: tynenc 7900 jobs/s, BullMQ 7900 jobs/s, ratio 1.00",
      "vs BullMQ c=50: tynenc 9000 jobs/s, BullMQ 10000 jobs/s, ratio 0.90",
      "vs BullMQ fib(15): tynenc 215 ms, BullMQ 860 ms, ratio 4.00",
    ]);
    assert.equal(rateRatio(2, 1), 2);
    assert.equal(timeRatio(100, 300), 3, "a third of BullMQ's time is three times its speed");
  });

  void it("ends the full report with the script lines, which scripts can parse", () => {
    const lines = reportLines({ bullmq, tynenc });
    const scripted = lines.filter((line) => line.startsWith("vs BullMQ"));
    assert.equal(scripted.length, 4);
    assert.deepEqual(lines.slice(-4), scripted);
    assert.deepEqual(
      scripted.slice(0, 3).map((line) => INDEPENDENT_LINE.exec(line)?.[1]),
      ["1", "8", "50"],
    );
    assert.match(scripted[3]!, FIB_LINE);
    assert.ok(!lines.some((line) => line.includes("not available")));
  });

  void it("marks each target met or not in the table", () => {
    const table = tableLines({ bullmq, tynenc });
    const verdicts = table.slice(1, 5).map((line) => /(NOT met|met)/.exec(line)?.[1]);
    assert.deepEqual(verdicts, ["met", "met", "NOT met", "met"]);
    assert.ok(table.some((line) => line.includes("tynenc  p50 0.42 ms, p99 1.90 ms")));
  });

  void it("without tynenc, prints BullMQ's figures and says why tynenc has none", () => {
    const lines = reportLines({ bullmq, tynenc: { unavailable: "the redis backend is not built" } });
    assert.equal(lines.at(-1), "tynenc: not available yet (the redis backend is not built)");
    assert.ok(!lines.some((line) => line.startsWith("vs BullMQ")));
    assert.ok(lines.some((line) => /c=50\s+-\s+10000 jobs\/s/.test(line)));
    assert.ok(lines.some((line) => line.includes("BullMQ  p50 0.71 ms, p99 3.20 ms")));
    assert.ok(!lines.some((line) => line.includes("tynenc  p50")));
  });

  void it("prints a measurement's warm-up: jobs/s of the jobs, or each fib run's ms", () => {
    assert.equal(warmUpText([2493.4]), "; warm-up 2493 jobs/s");
    assert.equal(warmUpText([1937.2, 1052, 710.6, 617]), "; warm-up runs 1937, 1052, 711, 617 ms");
    assert.equal(warmUpText([]), "");
  });

  void it("takes quantiles by nearest rank", () => {
    const values = Array.from({ length: 300 }, (_, i) => 300 - i); // 1..300, unsorted
    assert.equal(quantile(values, 0.5), 150);
    assert.equal(quantile(values, 0.99), 297);
    assert.equal(quantile([7], 0.99), 7);
    assert.throws(() => quantile([], 0.5));
  });
});
