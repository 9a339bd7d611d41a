import type { RedisCpu } from "./redis-cpu.js";

/**
 * What `npm run bench:redis` measures, as one interface each queue system implements (BullMQ in
 * bullmq.ts, tynenc in tynenc.ts), so the run and the report treat both alike.
 */

/** The worker concurrencies (BullMQ) or runner slots (tynenc) of the independent-jobs measurement. */
export const CONCURRENCIES = [1, 8, 50] as const;
export type Concurrency = (typeof CONCURRENCIES)[number];

/** Independent trivial jobs per measurement. */
export const INDEPENDENT_JOBS = 10_000;
/** fib(15) as tasks: 1,973 jobs, and the value each system must return. */
export const FIB_N = 15;
export const FIB_JOBS = 1_973;
export const FIB_VALUE = 610;
/**
 * Untimed before each timed part, in the same worker process, on both sides: the timed part measures
 * the steady state, not V8 compiling the hot path. A function reaches V8's optimizing compiler only
 * after some thousands of calls, and a worker's per-batch and per-pause code is called once per batch
 * or pause, not per job. After the warm-ups used until 2026-12-03 (1,000 jobs; one fib(15)), the
 * tynenc runner's compiler threads still used 45 µs of CPU per job of the timed c=8 part and 137 µs per
 * invocation of the timed fib(15), on a machine with two cores (TYNENC_BENCH_COUNT=1 shows it), and
 * BullMQ's fib(15) still came down from run to run. The warm-up's own figures are printed beside each
 * measurement, so how a fresh worker starts stays visible.
 */
export const WARM_UP_JOBS = 5_000;
/** fib(FIB_N) runs before the timed one: both systems' fib(15) are flat from about the fourth run. */
export const WARM_UP_FIB_RUNS = 4;
/** Timed samples of the add-to-result latency, after a warm-up. */
export const LATENCY_SAMPLES = 300;

/** Milliseconds from adding one trivial job to its result at the caller. */
export interface Latency {
  readonly p50: number;
  readonly p99: number;
}

/**
 * One queue system on the bench's Redis. Each measurement starts its own worker (process) on its own
 * queue, warms it up, times, and stops it before it resolves; it throws on a wrong result.
 */
export interface QueueSystem {
  readonly name: string;
  /**
   * Jobs/s of INDEPENDENT_JOBS trivial jobs added at once, one worker process at this concurrency, timed
   * until the worker process has completed them all (it counts them; the caller reads no result meanwhile).
   */
  independent(concurrency: Concurrency): Promise<number>;
  /**
   * The same with the caller awaiting every result, timed until the last one reached it (tynenc's
   * `parallelize(...).results()`); for information, where a system offers it.
   */
  independentAwaited?(concurrency: Concurrency): Promise<number>;
  /**
   * Wall ms of recursive fib(FIB_N) (FIB_JOBS jobs) with one worker at concurrency 1; checks FIB_VALUE.
   * A parent starts both its children at once and waits for them together.
   */
  fib15(): Promise<number>;
  /**
   * The same with each parent waiting for fib(n-1) before it starts fib(n-2) (tynenc's README fib, two
   * pauses per parent); for information, where a system offers it.
   */
  fib15Sequential?(): Promise<number>;
  /** Add-to-result latency of one trivial job at a time on an idle worker in another process. */
  latency(): Promise<Latency>;
  /** Releases what the system holds in the bench process (connections); keys are deleted by the run. */
  close(): Promise<void>;
}

/** A system's figures for the report. */
export interface Figures {
  /** Jobs/s per concurrency. */
  readonly independent: Readonly<Record<Concurrency, number>>;
  readonly fib15Ms: number;
  readonly latency: Latency;
}

/** Where a system keeps its keys, and the Redis it talks to. */
export interface BenchRedis {
  readonly url: string;
  /** Every key the system writes starts with this (the run deletes them with SCAN + DEL). */
  readonly prefix: string;
  /** Measures the server's CPU over each timed part (independent jobs and fib), when given. */
  readonly cpu?: RedisCpu;
  /**
   * Told the figures of each measurement's warm-up, when given: jobs/s of the WARM_UP_JOBS, or the ms
   * of each of the WARM_UP_FIB_RUNS fib runs.
   */
  readonly warmUp?: (figures: readonly number[]) => void;
}

/** The value at quantile `q` (0-1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error("quantile of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
