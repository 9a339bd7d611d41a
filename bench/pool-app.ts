/**
 * The app of the pool-runner bench. Every pool worker (thread or child process) imports this module and
 * runs its exported `app`, to which the pool hands the bench process's settings (the SQLite file, the
 * slots) before its backend is built. The bench process builds a fresh app per measurement with
 * `poolBenchApp`, so each one gets its own file; both sides know the same task ids.
 */
import { createHash } from "node:crypto";
import { threadId } from "node:worker_threads";
import { Tynenc, type Task } from "../src/index.js";

export type BenchRunner = "ThreadRunner" | "MultiThreadRunner" | "PersistentProcessRunner" | "ProcessRunner";

export interface PoolBenchSettings {
  readonly path: string;
  readonly runnerCls: BenchRunner;
  /** Pool size (MultiThreadRunner, PersistentProcessRunner). */
  readonly workers?: number;
  /** maxParallelSlots: per worker for the pools, in total for ProcessRunner and ThreadRunner. */
  readonly slots: number;
}

/** What a hash invocation gives back: its digest, where it ran ("pid/threadId") and when (epoch ms). */
export interface Hashed {
  readonly digest: string;
  readonly ranIn: string;
  readonly began: number;
  readonly ended: number;
}

/** Epoch ms with a fraction, comparable across the bench's threads and processes. */
export const now = () => performance.timeOrigin + performance.now();

export function poolBenchApp(settings?: PoolBenchSettings): {
  app: Tynenc;
  hash: Task<[number], Hashed>;
  fib: Task<[number], number>;
  add: Task<[number, number], number>;
} {
  const app = new Tynenc({
    appId: "pool-bench",
    backend: "sqlite",
    loggingLevel: "warn",
    ...(settings && {
      sqlitePath: settings.path,
      runnerCls: settings.runnerCls,
      maxParallelSlots: settings.slots,
      ...(settings.workers ? { workers: settings.workers } : {}),
    }),
  });
  // About `ms` of synchronous sha256 on this thread: CPU-bound work that holds its event loop.
  const hash = app.task("hash", async (ms: number): Promise<Hashed> => {
    const began = now();
    let digest = createHash("sha256").update("tynenc").digest();
    while (now() < began + ms) digest = createHash("sha256").update(digest).digest();
    return {
      digest: digest.toString("hex").slice(0, 16),
      ranIn: `${process.pid}/${threadId}`,
      began,
      ended: now(),
    };
  });
  const fib: Task<[number], number> = app.task("fibonacci", async (n: number): Promise<number> =>
    n <= 1 ? n : (await fib(n - 1).result) + (await fib(n - 2).result),
  );
  const add = app.task("add", async (a: number, b: number) => a + b);
  return { app, hash, fib, add };
}

/** The app a worker loads; the bench process never builds its backend. */
export const { app } = poolBenchApp();
