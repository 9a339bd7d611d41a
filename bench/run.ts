/**
 * `npm run bench`: the figures issue #2 asks for, on the memory backend and one ThreadRunner, with the
 * references it names. Compiled first (tsconfig.bench.json), so no loader sits in the measurement; each
 * section runs in a fresh process (`node build/bench/run.js <section>` runs one).
 */
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { memoizedFib, parallelizeFigures } from "./controls.js";
import { fibCalls, plainFib, timeFib } from "./fib.js";
import { runSerializerBench } from "./serializer.bench.js";
import { poolsSection } from "./pools-section.js";
import { sqliteSection } from "./sqlite-section.js";
import { trivialLatency, trivialThroughput } from "./trivial.js";
import { triggersSection } from "./triggers.js";

const PYNENC_FIB10_SECONDS = [70, 84]; // Python Pynenc, ThreadRunner + memory, defaults, this machine
const BULLMQ_FIB15_SECONDS = 0.86; // BullMQ step-job pattern, fib(15), this machine

function line(label: string, value: string): void {
  console.log(`${label.padEnd(52)} ${value}`);
}

async function best<T extends { ms: number }>(runs: number, run: () => Promise<T>): Promise<T> {
  let winner: T | undefined;
  for (let i = 0; i < runs; i++) {
    const result = await run();
    if (!winner || result.ms < winner.ms) winner = result;
  }
  return winner!;
}

async function fibSection(): Promise<void> {
  const calls = fibCalls(20);
  console.log(`\n## fib(20) as tasks: ${calls} invocations (best of 3)`);
  await timeFib(15, 1); // warm up the JIT
  const one = await best(3, () => timeFib(20, 1));
  const dflt = await best(3, () => timeFib(20));
  const plain = await best(3, async () => {
    const start = performance.now();
    await plainFib(20);
    return { ms: performance.now() - start };
  });
  line("1 slot: wall time", `${one.ms.toFixed(0)} ms (${Math.round((calls / one.ms) * 1000)} invocations/s)`);
  line(
    `default slots (${availableParallelism()}): wall time`,
    `${dflt.ms.toFixed(0)} ms (${Math.round((calls / dflt.ms) * 1000)} invocations/s)`,
  );
  line("plain recursive async fib(20)", `${plain.ms.toFixed(2)} ms`);
  line(
    "overhead vs plain async (1 slot)",
    `x${(one.ms / plain.ms).toFixed(0)} (${((one.ms * 1000) / calls).toFixed(1)} µs per invocation)`,
  );
  const fib10 = await best(3, () => timeFib(10, 1));
  const [slow, fast] = PYNENC_FIB10_SECONDS.map((s) => (s * 1000) / fib10.ms);
  line(
    "fib(10) vs Pynenc's 70-84 s",
    `${fib10.ms.toFixed(1)} ms: x${Math.round(slow!)}-x${Math.round(fast!)} faster`,
  );
  const fib15 = await best(3, () => timeFib(15, 1));
  line(
    "fib(15) vs BullMQ step jobs' 0.86 s",
    `${fib15.ms.toFixed(0)} ms: x${((BULLMQ_FIB15_SECONDS * 1000) / fib15.ms).toFixed(1)} faster`,
  );
  line("target: fib(20) in < 500 ms (>= 50,000/s)", one.ms < 500 ? "met" : "NOT met");
}

async function trivialSection(): Promise<void> {
  console.log("\n## 100,000 independent trivial invocations (best and median of 5)");
  await trivialThroughput(20_000); // warm up the JIT
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) runs.push((await trivialThroughput(100_000)).ms);
  runs.sort((a, b) => a - b);
  const perSecond = (ms: number) => Math.round((100_000 / ms) * 1000);
  line(
    "register all, then await all",
    `${runs[0]!.toFixed(0)} ms (${perSecond(runs[0]!)} invocations/s); median ${runs[2]!.toFixed(0)} ms (${perSecond(runs[2]!)}/s)`,
  );
  line("target >= 100,000/s (median)", perSecond(runs[2]!) >= 100_000 ? "met" : "NOT met");
  const l = await trivialLatency(10_000);
  line(
    "registration -> result, idle runner (10,000 samples)",
    `p50 ${l.p50.toFixed(3)} ms, p99 ${l.p99.toFixed(3)} ms`,
  );
  line("target p50 < 1 ms", l.p50 < 1 ? "met" : "NOT met");
}

function memorySection(): void {
  console.log("\n## fib(25) memory: 242,785 invocations, fresh process");
  const script = fileURLToPath(new URL("./fib-memory.js", import.meta.url));
  const out = execFileSync(process.execPath, ["--expose-gc", script, "25"], { encoding: "utf8" });
  const m = JSON.parse(out) as { ms: number; calls: number; peakRssMiB: number; bytesPerInvocation: number };
  line("wall time", `${m.ms.toFixed(0)} ms (${Math.round((m.calls / m.ms) * 1000)} invocations/s)`);
  line(
    "peak RSS",
    `${m.peakRssMiB.toFixed(0)} MiB (target < 1024 MiB: ${m.peakRssMiB < 1024 ? "met" : "NOT met"})`,
  );
  line(
    "heap retained per finished invocation",
    `${m.bytesPerInvocation} bytes (status, history, args, result)`,
  );
}

async function controlsSection(): Promise<void> {
  console.log("\n## task controls");
  await memoizedFib(25); // warm up the JIT
  await parallelizeFigures(2_000);
  const memo = await memoizedFib(30);
  line(
    "fib(30) with registrationConcurrency + callResultCache",
    `${memo.ms.toFixed(1)} ms, ${memo.bodies} task bodies (2,692,537 invocations without)`,
  );
  const p = await parallelizeFigures(10_000);
  line("task.parallelize of 10,000 calls: registered", `${p.registerMs.toFixed(0)} ms`);
  line("... and every result in", `${p.totalMs.toFixed(0)} ms`);
}

function retentionSection(): void {
  console.log("\n## 1,000,000 trivial invocations with the default retention, fresh process");
  const script = fileURLToPath(new URL("./million.js", import.meta.url));
  const out = execFileSync(process.execPath, ["--expose-gc", script], { encoding: "utf8" });
  const m = JSON.parse(out) as {
    ms: number;
    kept: number;
    retentionMaxFinished: number;
    rssMiB: number;
    peakRssMiB: number;
  };
  line("wall time", `${(m.ms / 1000).toFixed(1)} s (${Math.round((1e6 / m.ms) * 1000)} invocations/s)`);
  line("finished invocations kept", `${m.kept} (retentionMaxFinished ${m.retentionMaxFinished})`);
  line("RSS at the end / peak", `${m.rssMiB.toFixed(0)} MiB / ${m.peakRssMiB.toFixed(0)} MiB`);
}

// Each section runs in a fresh process (this file, with the section's name), so what one leaves in
// the heap and the JIT does not colour the next one's figures.
const sections: Record<string, () => unknown> = {
  fib: fibSection,
  trivial: trivialSection,
  controls: controlsSection,
  memory: memorySection,
  retention: retentionSection,
  serializer: async () => {
    console.log("\n## serializer (ns/op, serialize + deserialize)");
    await runSerializerBench();
  },
  sqlite: sqliteSection,
  pools: poolsSection,
  triggers: triggersSection,
};
const section = process.argv[2];
if (section !== undefined) {
  const run = sections[section];
  if (!run) throw new Error(`Unknown bench section "${section}"; known: ${Object.keys(sections).join(", ")}`);
  await run();
} else {
  console.log(
    `tynenc bench — Node ${process.version}, ${availableParallelism()} CPUs, memory backend, ThreadRunner`,
  );
  const self = fileURLToPath(import.meta.url);
  for (const name of Object.keys(sections)) {
    execFileSync(process.execPath, ["--expose-gc", self, name], { stdio: "inherit" });
  }
}
