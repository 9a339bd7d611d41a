/**
 * The pools section of `npm run bench` (issue #10): ThreadRunner against the pool runners on SQLite,
 * compiled code, a fresh temp file per measurement. Besides the table it prints one `pools ...` line
 * per figure for scripts.
 */
import { availableParallelism, loadavg } from "node:os";
import {
  cpuBound,
  fibOn,
  trivialBatch,
  trivialSequential,
  type CpuDetail,
  type Measured,
  type RunnerSpec,
} from "./pools.js";

const HASHES = 200;
const HASH_MS = 20;
/** Runs per figure, each on a fresh file; the best counts (other work on the machine only slows a run). */
const REPEATS = 2;
const TARGET_SPEED_UP = 1.7;
const TRIVIAL = 2_000;
const TRIVIAL_PROCESS = 30;
const SEQUENTIAL = 300;
const SEQUENTIAL_PROCESS = 10;

const thread: RunnerSpec = { cls: "ThreadRunner", slots: 1 };
const multi: RunnerSpec = { cls: "MultiThreadRunner", workers: 2, slots: 1 };
const persistent: RunnerSpec = { cls: "PersistentProcessRunner", workers: 2, slots: 1 };

function line(label: string, value: string): void {
  console.log(`${label.padEnd(60)} ${value}`);
}

const n = (value: number) => value.toLocaleString("en-US");
const ms = (value: number) => `${value.toFixed(0)} ms`;

function shape(spec: RunnerSpec): string {
  if (spec.cls === "ThreadRunner" || spec.cls === "ProcessRunner") return `${spec.cls} ${spec.slots} slot(s)`;
  return `${spec.cls} ${spec.workers}x${spec.slots}`;
}

type Best<M extends Measured> = M & { runs: string };

/** The fastest of `results`, with every run's wall time. */
function fastest<M extends Measured>(results: M[]): Best<M> {
  const winner = results.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...winner, runs: results.map((r) => ms(r.ms)).join(", ") };
}

async function bestOf<M extends Measured>(repeats: number, measure: () => Promise<M>): Promise<Best<M>> {
  const results: M[] = [];
  for (let i = 0; i < repeats; i++) results.push(await measure());
  return fastest(results);
}

async function cpuSection(): Promise<string> {
  console.log(
    `\n# CPU-bound: ${HASHES} invocations of ${HASH_MS} ms of sha256, registered at once (best of ${REPEATS}, runners taking turns)`,
  );
  const specs = [thread, multi, persistent];
  const runs: (Measured & CpuDetail)[][] = specs.map(() => []);
  for (let i = 0; i < REPEATS; i++) {
    for (const [at, spec] of specs.entries()) runs[at]!.push(await cpuBound(spec, HASHES, HASH_MS));
  }
  const results = specs.map((spec, at) => ({ spec, ...fastest(runs[at]!) }));
  const base = results[0]!;
  for (const r of results) {
    line(
      `  ${shape(r.spec)}`,
      `${ms(r.ms)} (x${(base.ms / r.ms).toFixed(2)}; runs ${r.runs}; start-up ${ms(r.startMs)}; per worker ${r.spread.join("/")})`,
    );
    line(
      `    idle between tasks in a worker`,
      `median ${r.gapMedian.toFixed(2)} ms, at most ${ms(r.gapSum)} in all; first start ${r.leadIn.toFixed(1)} ms after the call, last result ${r.tail.toFixed(1)} ms after the last end; busiest worker's task time ${ms(r.busiest)}`,
    );
  }
  line(`  floor with 2 workers (${HASHES} x ${HASH_MS} ms / 2)`, ms((HASHES * HASH_MS) / 2));
  // A task stops at its first check past HASH_MS: a GC pause in its last iteration lengthens it, more
  // in the bench process (which also holds the client) than in a worker. Same work, same task time:
  for (const pool of results.slice(1)) {
    const equal = (base.ms - base.taskSum + pool.taskSum) / pool.ms;
    line(
      `  ${pool.spec.cls} on equal task time`,
      `x${equal.toFixed(2)} (mean task ${(base.taskSum / HASHES).toFixed(1)} ms in ThreadRunner, ${(pool.taskSum / HASHES).toFixed(1)} ms here)`,
    );
  }
  const pools = results.slice(1);
  for (const pool of pools) {
    const met = base.ms / pool.ms >= TARGET_SPEED_UP ? "met" : "NOT met";
    line(`  target >= x${TARGET_SPEED_UP}, ${pool.spec.cls}`, met);
  }
  const parts = pools.map((p) => `${p.spec.cls} ${ms(p.ms)} (x${(base.ms / p.ms).toFixed(2)})`);
  return `pools cpu-bound ${HASHES}x${HASH_MS}ms: ThreadRunner ${ms(base.ms)}, ${parts.join(", ")}`;
}

async function fibSection(): Promise<string[]> {
  console.log(`\n# fib as tasks, one worker of one slot (best of ${REPEATS}; ProcessRunner: one run)`);
  const out: string[] = [];
  const cases: [RunnerSpec, number, number][] = [
    [{ cls: "MultiThreadRunner", workers: 1, slots: 1 }, 15, REPEATS],
    [{ cls: "PersistentProcessRunner", workers: 1, slots: 1 }, 15, REPEATS],
    [{ cls: "ProcessRunner", slots: 1 }, 10, 1],
  ];
  for (const [spec, k, repeats] of cases) {
    const r = await bestOf(repeats, () => fibOn(spec, k));
    const perCall = ((r.ms / r.calls) * 1000).toFixed(0);
    line(
      `  fib(${k}) (${n(r.calls)} invocations), ${shape(spec)}`,
      `${ms(r.ms)} (${n(Number(perCall))} µs per invocation; runs ${r.runs}; start-up ${ms(r.startMs)})`,
    );
    const shortShape = spec.cls === "ProcessRunner" ? "1 slot" : "1x1";
    out.push(`pools fib(${k}) ${spec.cls} ${shortShape}: ${ms(r.ms)}`);
  }
  return out;
}

async function trivialSection(): Promise<string[]> {
  console.log(
    `\n# overhead of a trivial invocation (add): registered at once with add.parallelize, wall time / count (best of ${REPEATS}; ProcessRunner: one run); and one call at a time, median call -> result`,
  );
  const out: string[] = [];
  const cases: [RunnerSpec, number, number, number][] = [
    [{ ...thread, slots: 2 }, TRIVIAL, SEQUENTIAL, REPEATS],
    [multi, TRIVIAL, SEQUENTIAL, REPEATS],
    [persistent, TRIVIAL, SEQUENTIAL, REPEATS],
    [{ cls: "ProcessRunner", slots: 2 }, TRIVIAL_PROCESS, SEQUENTIAL_PROCESS, 1],
  ];
  for (const [spec, count, oneByOne, repeats] of cases) {
    const batch = await bestOf(repeats, () => trivialBatch(spec, count));
    const perCall = n(Math.round((batch.ms * 1000) / count));
    const seq = await trivialSequential(spec, oneByOne);
    line(
      `  ${shape(spec)}: ${n(count)} at once / ${oneByOne} one by one`,
      `${perCall} µs per invocation (runs ${batch.runs}) / median ${seq.ms.toFixed(2)} ms`,
    );
    out.push(`pools trivial overhead ${spec.cls}: ${perCall} µs per invocation`);
  }
  return out;
}

export async function poolsSection(): Promise<void> {
  console.log(
    `\n## Pool runners: SQLite, a temp file per measurement, compiled, ${availableParallelism()} CPUs, the bench process as client`,
  );
  // Other work on the machine stretches every figure (a 20 ms task takes longer when its thread is
  // descheduled): the load average says how shared the machine was.
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(", ");
  console.log(`load average (1, 5, 15 min) at the start: ${load()}`);
  const lines = [await cpuSection(), ...(await fibSection()), ...(await trivialSection())];
  console.log(`load average at the end: ${load()}`);
  console.log("");
  for (const text of lines) console.log(text);
}
