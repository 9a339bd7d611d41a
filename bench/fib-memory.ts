/**
 * Peak RSS of fib(n) in a fresh process (so nothing else inflates the peak), and the heap each finished
 * invocation keeps in the memory backend. Prints one JSON line; run by bench/run.ts.
 */
import { fibApp, fibCalls } from "./fib.js";

const n = Number(process.argv[2] ?? 25);
const gc = (globalThis as { gc?: () => void }).gc;
const { app, fib } = fibApp(1);
// Keep every finished invocation: the worst case for memory, and what "bytes per invocation" measures.
app.conf.retentionMaxFinished = 1_000_000_000;
const loop = app.runner.run();
await fib(5).result;
gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const start = performance.now();
const value = await fib(n).result;
const ms = performance.now() - start;
gc?.();
const heapAfter = process.memoryUsage().heapUsed;
await app.runner.stop();
await loop;
const calls = fibCalls(n);
process.stdout.write(
  JSON.stringify({
    n,
    value,
    calls,
    ms,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    bytesPerInvocation: Math.round((heapAfter - heapBefore) / calls),
  }) + "\n",
);
