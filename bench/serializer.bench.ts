/**
 * Micro-benchmark of the serializer hot path: serialize + deserialize of typical arguments and
 * results. Run alone with `npx tsx bench/serializer.bench.ts`, or call `runSerializerBench()`.
 */
import { pathToFileURL } from "node:url";
import { encodeArgs, JsonSerializer } from "../src/serializer/index.js";

interface BenchCase {
  name: string;
  run: () => unknown;
  /** The same value through bare JSON, for scale (absent where JSON would lose information). */
  baseline?: () => unknown;
}

/** Best of several rounds: the minimum is the least disturbed by GC and other processes. */
function measure(run: () => unknown, targetMs = 200): number {
  let iterations = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) run();
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (elapsed > targetMs / 10) break;
    iterations *= 2;
  }
  let best = Infinity;
  for (let round = 0; round < 10; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / iterations);
  }
  return best;
}

function roundTrip(serializer: JsonSerializer, value: unknown): () => unknown {
  return () => serializer.deserialize(serializer.serialize(value));
}

function json(value: unknown): () => unknown {
  return () => JSON.parse(JSON.stringify(value));
}

function cases(): BenchCase[] {
  const serializer = new JsonSerializer();
  const rows = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `item ${i}`, ok: i % 2 === 0 }));
  return [
    { name: "20", run: roundTrip(serializer, 20), baseline: json(20) },
    { name: "[20]", run: roundTrip(serializer, [20]), baseline: json([20]) },
    { name: '{a:1,b:"x"}', run: roundTrip(serializer, { a: 1, b: "x" }), baseline: json({ a: 1, b: "x" }) },
    { name: "Date", run: roundTrip(serializer, new Date(0)) },
    { name: "1000 objects", run: roundTrip(serializer, rows), baseline: json(rows) },
    { name: "encodeArgs([20])", run: () => encodeArgs([20], serializer, "fib") },
  ];
}

export async function runSerializerBench(): Promise<void> {
  console.log("serializer: serialize + deserialize (ns/op; bare JSON for scale)");
  for (const { name, run, baseline } of cases()) {
    const scale = baseline === undefined ? "" : `   (JSON ${measure(baseline).toFixed(0)})`;
    console.log(`  ${name.padEnd(20)} ${measure(run).toFixed(0).padStart(8)} ns/op${scale}`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSerializerBench();
}
