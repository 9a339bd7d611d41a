/**
 * The measurements of the pool-runner bench (issue #10): each on a fresh temp SQLite file, with the
 * bench process as the client and its app's runner (a ThreadRunner in this process, or a pool whose
 * workers load pool-app.js). Start-up (node, the app, the first claim) is timed apart, before the
 * figure; the runner is stopped, the app closed and the file removed whatever happens.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fibCalls } from "./fib.js";
import { now, poolBenchApp, type BenchRunner, type Hashed, type PoolBenchSettings } from "./pool-app.js";
import { timed } from "./with-runner.js";

type BenchApp = ReturnType<typeof poolBenchApp>;

const MODULE = new URL("./pool-app.js", import.meta.url);
const READY_TIMEOUT_MS = 30_000;
/** A measurement that takes longer than this has hung: it fails and its runner is stopped. */
const MEASUREMENT_TIMEOUT_MS = 120_000;

export interface RunnerSpec {
  readonly cls: BenchRunner;
  readonly workers?: number;
  readonly slots: number;
}

export interface Measured {
  readonly ms: number;
  /** run() to every worker registered and a first trivial invocation's result. */
  readonly startMs: number;
}

/** Runners a started `spec` registers: its workers, ProcessRunner's spare children, or itself. */
function expectedRunners(spec: RunnerSpec): number {
  if (spec.cls === "ThreadRunner") return 1;
  if (spec.cls === "ProcessRunner") return 2; // the two spare children it keeps loaded, whatever its slots
  return spec.workers ?? 1;
}

async function untilRegistered(bench: BenchApp, count: number, loop: Promise<void>): Promise<void> {
  let failed: unknown;
  loop.catch((error: unknown) => (failed = error ?? new Error("the runner stopped during start-up")));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (failed) throw failed as Error;
    if ((await bench.app.backend.orchestratorStore.runners()).length >= count) return;
    if (Date.now() > deadline) throw new Error(`${count} runner(s) not registered in 30 s`);
    await sleep(5);
  }
}

function deadline<T>(label: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label}: no result in ${MEASUREMENT_TIMEOUT_MS / 1000} s (hung?)`)),
      MEASUREMENT_TIMEOUT_MS,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * Runs `body` against a started runner of `spec` on a new temp file; `startMs` is the runner's start-up.
 * The runner is stopped, the app closed and the directory removed whatever `body` does.
 */
export async function withBenchRunner<T>(
  spec: RunnerSpec,
  body: (bench: BenchApp) => Promise<T>,
): Promise<T & { startMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), "tynenc-pools-"));
  const settings: PoolBenchSettings = {
    path: join(dir, "bench.sqlite"),
    runnerCls: spec.cls,
    slots: spec.slots,
    ...(spec.workers ? { workers: spec.workers } : {}),
  };
  const bench = poolBenchApp(settings);
  let loop: Promise<void> | undefined;
  try {
    void bench.app.backend; // the file and its schema exist before any worker opens it
    const start = performance.now();
    loop = bench.app.runner.run(spec.cls === "ThreadRunner" ? {} : { module: MODULE });
    await untilRegistered(bench, expectedRunners(spec), loop);
    if ((await bench.add(1, 2).result) !== 3) throw new Error("add(1, 2) did not give 3");
    const startMs = performance.now() - start;
    return { ...(await deadline(`${spec.cls}`, body(bench))), startMs };
  } finally {
    try {
      await bench.app.runner.stop();
      await loop?.catch(() => {}); // a start-up failure was thrown above
    } finally {
      await bench.app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Where a CPU-bound run's wall time went, from the tasks' own clocks (ms). */
export interface CpuDetail {
  /** Invocations per worker, most first. */
  readonly spread: number[];
  /** From the first call to the first task's start, and from the last task's end to the last result. */
  readonly leadIn: number;
  readonly tail: number;
  /** Idle time of a worker between the end of one task and the start of its next: median, and the sum in the worker that idled most. */
  readonly gapMedian: number;
  readonly gapSum: number;
  /** The tasks' own time in the busiest worker: above count x ms / workers when the machine is shared. */
  readonly busiest: number;
  /** The tasks' own time in all: a GC pause or a descheduling in a task's last iteration overshoots its ms. */
  readonly taskSum: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function detailOf(results: Hashed[], calledAt: number, doneAt: number): CpuDetail {
  const byWorker = new Map<string, Hashed[]>();
  for (const r of results) byWorker.set(r.ranIn, [...(byWorker.get(r.ranIn) ?? []), r]);
  const gaps: number[] = [];
  let gapSum = 0;
  let busiest = 0;
  for (const runs of byWorker.values()) {
    runs.sort((a, b) => a.began - b.began);
    busiest = Math.max(
      busiest,
      runs.reduce((sum, r) => sum + r.ended - r.began, 0),
    );
    const mine = runs.slice(1).map((r, i) => r.began - runs[i]!.ended);
    gaps.push(...mine);
    gapSum = Math.max(
      gapSum,
      mine.reduce((a, b) => a + b, 0),
    );
  }
  return {
    spread: [...byWorker.values()].map((runs) => runs.length).sort((a, b) => b - a),
    leadIn: Math.min(...results.map((r) => r.began)) - calledAt,
    tail: doneAt - Math.max(...results.map((r) => r.ended)),
    gapMedian: median(gaps),
    gapSum,
    busiest,
    taskSum: results.reduce((sum, r) => sum + r.ended - r.began, 0),
  };
}

/** `count` invocations of ~`ms` of hashing, registered at once (task.parallelize): first call to last result. */
export function cpuBound(spec: RunnerSpec, count: number, ms: number): Promise<Measured & CpuDetail> {
  return withBenchRunner(spec, async ({ hash }) => {
    const warm = Math.max(2, (spec.workers ?? 1) * spec.slots * 2);
    await hash.parallelize(Array.from({ length: warm }, () => [2] as [number])).results(); // JIT of every worker
    const calledAt = now();
    const { ms: wall, value } = await timed(() =>
      hash.parallelize(Array.from({ length: count }, () => [ms] as [number])).results(),
    );
    const doneAt = now();
    if (value.length !== count || value.some((r) => r.digest.length !== 16))
      throw new Error(`${spec.cls}: a hash result is missing or wrong`);
    return { ms: wall, ...detailOf(value, calledAt, doneAt) };
  });
}

function plainFib(n: number): number {
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

/** fib(n) as tasks (fibCalls(n) invocations): call to result. */
export function fibOn(spec: RunnerSpec, n: number): Promise<Measured & { calls: number }> {
  return withBenchRunner(spec, async ({ fib }) => {
    const { ms, value } = await timed(() => fib(n).result);
    if (value !== plainFib(n)) throw new Error(`${spec.cls}: fib(${n}) gave ${value}, not ${plainFib(n)}`);
    return { ms, calls: fibCalls(n) };
  });
}

/** `count` trivial `add` calls registered at once, then every result awaited: wall ms. */
export function trivialBatch(spec: RunnerSpec, count: number): Promise<Measured> {
  return withBenchRunner(spec, async ({ add }) => {
    const warm = Math.min(count, 200);
    await add.parallelize(Array.from({ length: warm }, (_, i) => [i, 1] as [number, number])).results();
    const { ms, value } = await timed(() =>
      add.parallelize(Array.from({ length: count }, (_, i) => [i, 1] as [number, number])).results(),
    );
    if (value.some((sum, i) => sum !== i + 1)) throw new Error(`${spec.cls}: an add result is wrong`);
    return { ms };
  });
}

/** `count` trivial `add` calls one after the other (each awaited before the next): median ms per call. */
export function trivialSequential(spec: RunnerSpec, count: number): Promise<Measured> {
  return withBenchRunner(spec, async ({ add }) => {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const { ms, value } = await timed(() => add(i, 1).result);
      if (value !== i + 1) throw new Error(`${spec.cls}: add(${i}, 1) gave ${value}`);
      times.push(ms);
    }
    times.sort((a, b) => a - b);
    return { ms: times[Math.floor(count / 2)]! };
  });
}
