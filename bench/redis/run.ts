/**
 * `npm run bench:redis` (issue #11): tynenc against BullMQ on the same Redis, in one run. Every key of
 * the run starts with `bench-<pid>-<time>` and is deleted at the end (SCAN + DEL, also on SIGINT or
 * SIGTERM). The systems take turns on each measurement, so drift on the machine hits both alike.
 * Redis: TYNENC_BENCH_REDIS_URL, default redis://127.0.0.1:6379.
 */
import { createRequire } from "node:module";
import { availableParallelism, loadavg } from "node:os";
import { bullmqSystem, type BullmqSystem } from "./bullmq.js";
import { BenchChild } from "./child.js";
import { reportLines, warmUpText } from "./compare.js";
import { RedisCpu } from "./redis-cpu.js";
import { connect, DEFAULT_REDIS_URL, deleteKeys, redisVersion, runPrefix } from "./redis-keys.js";
import {
  CONCURRENCIES,
  INDEPENDENT_JOBS,
  type Concurrency,
  type Figures,
  quantile,
  type QueueSystem,
} from "./system.js";
import { tynencSystem } from "./tynenc.js";

/** Runs per throughput and fib figure; the best counts (other work on the machine only slows a run). */
const REPEATS = 3;

/**
 * `TYNENC_BENCH_QUICK=c1,c8,c50,a1,a8,a50,fib,fibseq,latency,bullmq` (any of them; aN: cN with every
 * result awaited; fibseq: fib one child at a time; bullmq: BullMQ's side too, after tynenc's): a
 * quick look while working on tynenc's side.
 * One run of each listed measurement, no comparison and no report lines.
 */
const QUICK = process.env["TYNENC_BENCH_QUICK"]?.split(",").map((s) => s.trim());

async function quick(system: QueueSystem, only: readonly string[]): Promise<void> {
  for (const c of CONCURRENCIES) {
    if (only.includes(`c${c}`))
      line(`${system.name} c=${c}`, `${(await system.independent(c)).toFixed(0)} jobs/s${cpuText()}`);
    if (only.includes(`a${c}`) && system.independentAwaited)
      line(
        `${system.name} c=${c}, results awaited`,
        `${(await system.independentAwaited(c)).toFixed(0)} jobs/s`,
      );
  }
  if (only.includes("fib"))
    line(`${system.name} fib(15)`, `${(await system.fib15()).toFixed(0)} ms${cpuText()}`);
  if (only.includes("fibseq") && system.fib15Sequential)
    line(`${system.name} fib(15), one child at a time`, `${(await system.fib15Sequential()).toFixed(0)} ms`);
  if (only.includes("latency")) {
    const latency = await system.latency();
    line(`${system.name} latency`, `p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms`);
  }
}

const url = process.env.TYNENC_BENCH_REDIS_URL ?? DEFAULT_REDIS_URL;
const prefix = runPrefix();
const require = createRequire(import.meta.url);
const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(40)} ${value}`);
}

/** Each system's best of REPEATS runs of `measure`, the systems taking turns; higher is better if `rate`. */
async function bestOf(
  systems: readonly QueueSystem[],
  label: string,
  unit: string,
  rate: boolean,
  measure: (system: QueueSystem) => Promise<number>,
): Promise<number[]> {
  const runs: number[][] = systems.map(() => []);
  const cpus: number[][] = systems.map(() => []);
  const warmUps: (readonly number[])[][] = systems.map(() => []);
  for (let i = 0; i < REPEATS; i++) {
    for (const [at, system] of systems.entries()) {
      runs[at]!.push(await measure(system));
      cpus[at]!.push(...cpu.take());
      warmUps[at]!.push(takeWarmUp());
    }
  }
  return systems.map((system, at) => {
    const values = runs[at]!;
    const best = rate ? Math.max(...values) : Math.min(...values);
    const all = values.map((v) => v.toFixed(0)).join(", ");
    const server = cpus[at]!.length > 0 ? `; Redis CPU ${quantile(cpus[at]!, 0.5).toFixed(0)} µs/job` : "";
    const warm = warmUpText(warmUps[at]![values.indexOf(best)]!);
    line(`${system.name} ${label}`, `${best.toFixed(0)} ${unit} (runs ${all}${server}${warm})`);
    return best;
  });
}

async function measure(bullmq: BullmqSystem, systems: readonly QueueSystem[]): Promise<Figures[]> {
  const independent = systems.map(() => ({}) as Record<Concurrency, number>);
  console.log(`\n# ${INDEPENDENT_JOBS.toLocaleString("en-US")} independent trivial jobs, one worker process`);
  for (const c of CONCURRENCIES) {
    const best = await bestOf(systems, `c=${c}`, "jobs/s", true, (s) => s.independent(c));
    best.forEach((value, at) => (independent[at]![c] = value));
  }
  console.log(
    "\n# the same, the caller awaiting every result (tynenc's parallelize(...).results(); information)",
  );
  for (const system of systems) {
    if (!system.independentAwaited) continue;
    for (const c of CONCURRENCIES)
      line(
        `${system.name} c=${c}, results awaited`,
        `${(await system.independentAwaited(c)).toFixed(0)} jobs/s`,
      );
  }
  console.log("\n# recursive fib(15), 1,973 jobs, one worker process at concurrency 1");
  const fib = await bestOf(systems, "fib(15)", "ms", false, (s) => s.fib15());
  await bestOf([bullmq], "fib(15), FlowProducer", "ms (information)", false, () => bullmq.fib15Flow());
  const sequential = systems.filter((s) => s.fib15Sequential !== undefined);
  await bestOf(sequential, "fib(15), one child at a time", "ms (information)", false, (s) =>
    s.fib15Sequential!(),
  );
  console.log("\n# add -> result of one trivial job on an idle worker in another process");
  const figures: Figures[] = [];
  for (const [at, system] of systems.entries()) {
    const latency = await system.latency();
    line(`${system.name}`, `p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms`);
    figures.push({ independent: independent[at]!, fib15Ms: fib[at]!, latency });
  }
  return figures;
}

const redis = await connect(url);
/** The server's CPU per job of each timed part (redis-cpu.ts), read off the run's own connection. */
const cpu = new RedisCpu(redis);
/** The warm-up figures of the measurement just made (system.ts, WARM_UP_JOBS). */
let warmUp: readonly number[] = [];
function takeWarmUp(): readonly number[] {
  const taken = warmUp;
  warmUp = [];
  return taken;
}
/** The Redis CPU per job and the warm-up of the measurement just made, for a quick line. */
function cpuText(): string {
  const taken = cpu.take();
  const warm = warmUpText(takeWarmUp());
  if (taken.length === 0) return warm === "" ? "" : ` (${warm.slice(2)})`;
  return ` (Redis CPU ${taken[taken.length - 1]!.toFixed(0)} µs/job${warm})`;
}
let cleaned: Promise<void> | undefined;
/** Deletes the run's keys once, whichever way the run ends. */
function cleanup(): Promise<void> {
  cleaned ??= deleteKeys(redis, prefix).then(
    (count) => console.log(`\n(deleted ${count} keys under ${prefix})`),
    (error: unknown) => console.error(`Could not delete the keys under ${prefix}: ${String(error)}`),
  );
  return cleaned;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the worker processes and deleting the run's keys`);
    void BenchChild.stopAll()
      .then(cleanup)
      .finally(() => process.exit(130));
  });
}

/** The 1-minute load average: other work on this 2-core machine slows every figure. */
const loadText = () => loadavg()[0]!.toFixed(2);
const load = loadText();
const started = performance.now();
const systems: QueueSystem[] = [];
try {
  console.log(
    `tynenc bench:redis — Node ${process.version}, Redis ${await redisVersion(redis)} at ${url}, ` +
      `BullMQ ${versionOf("bullmq")} (ioredis ${versionOf("ioredis")}), ${availableParallelism()} CPUs; keys under ${prefix}`,
  );
  const tellWarmUp = (figures: readonly number[]) => void (warmUp = figures);
  const tynenc = await tynencSystem({ url, prefix: `${prefix}-tynenc`, cpu, warmUp: tellWarmUp });
  if (QUICK) {
    if ("unavailable" in tynenc) throw new Error(`tynenc: ${tynenc.unavailable}`);
    systems.push(tynenc);
    await quick(tynenc, QUICK);
    if (QUICK.includes("bullmq")) {
      const bullmq = bullmqSystem({ url, prefix: `${prefix}-bullmq`, cpu, warmUp: tellWarmUp });
      systems.push(bullmq);
      await quick(bullmq, QUICK);
    }
  } else {
    const bullmq = bullmqSystem({ url, prefix: `${prefix}-bullmq`, cpu, warmUp: tellWarmUp });
    systems.push(bullmq);
    if (!("unavailable" in tynenc)) systems.push(tynenc);
    const figures = await measure(bullmq, systems);
    console.log("\n# side by side\n");
    const report = { bullmq: figures[0]!, tynenc: "unavailable" in tynenc ? tynenc : figures[1]! };
    for (const text of reportLines(report)) console.log(text);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`\n(bench took ${seconds} s; load average at the start ${load}, at the end ${loadText()})`);
} finally {
  for (const system of systems) await system.close();
  await cleanup();
  await redis.quit();
}
