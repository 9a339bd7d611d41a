/**
 * RSS after 1,000,000 trivial invocations with the default retention, in a fresh process: the memory
 * backend must not grow without limit. Prints one JSON line; run by bench/run.ts.
 */
import { Tynenc } from "../src/index.js";

const total = Number(process.argv[2] ?? 1_000_000);
const batch = 10_000;
const app = new Tynenc({ appId: "bench", loggingLevel: "warn" });
const add = app.task("add", async (a: number, b: number) => a + b);
const loop = app.runner.run();
const start = performance.now();
for (let done = 0; done < total; done += batch) {
  const invocations = Array.from({ length: batch }, (_, i) => add(done + i, 1));
  await Promise.all(invocations.map((invocation) => invocation.result));
}
const ms = performance.now() - start;
await app.runner.stop();
await loop;
(globalThis as { gc?: () => void }).gc?.();
const kept = (await app.orchestrator.findFinished()).length;
process.stdout.write(
  JSON.stringify({
    total,
    ms,
    kept,
    retentionMaxFinished: app.conf.retentionMaxFinished,
    rssMiB: process.memoryUsage().rss / 1024 / 1024,
    heapUsedMiB: process.memoryUsage().heapUsed / 1024 / 1024,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }) + "\n",
);
