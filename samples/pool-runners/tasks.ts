/**
 * The app of the pool sample. sample.ts (the pool's parent) imports it, and so does every worker of the
 * pool: each worker thread or child process loads this module by its path and runs the tasks of its own
 * copy of the app. So this module only defines things; it starts nothing.
 */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Tynenc, WorkerCrashedError } from "../../src/index.js";

/**
 * Where the app's data lives unless told otherwise: a file that every process on this machine finds, so
 * a pool started with `tynenc runner start` and client.ts meet without a flag. sample.ts uses a temp file
 * of its own; TYNENC__SQLITE_PATH or `--sqlite-path` (above code) picks another.
 */
export const DEFAULT_SQLITE_PATH = join(tmpdir(), "tynenc-pool-runners.sqlite");

export const app = new Tynenc({
  appId: "pool_runners",
  backend: "sqlite",
  sqlitePath: DEFAULT_SQLITE_PATH,
  // A pool of two worker threads with one slot each. TYNENC__RUNNER_CLS, TYNENC__WORKERS and
  // TYNENC__MAX_PARALLEL_SLOTS (or the flags of `tynenc runner start`) override these.
  runnerCls: "MultiThreadRunner",
  workers: 2,
  maxParallelSlots: 1,
});

/** Chained SHA-256 rounds: about 20 ms of CPU for 20,000 on a laptop core. */
export const HASH_ROUNDS = 20_000;

/** `rounds` chained SHA-256 hashes of `seed`: work that holds the CPU, with no await in it. */
export function hashRounds(seed: string, rounds: number): string {
  let digest = Buffer.from(seed);
  for (let i = 0; i < rounds; i++) digest = createHash("sha256").update(digest).digest();
  return digest.toString("hex");
}

/**
 * A worker that dies (killed, out of memory, a native crash) fails the invocations it was running with
 * a WorkerCrashedError; with this policy they run again at once in another worker instead.
 */
const RETRY_LOST_WORKER = { maxRetries: 2, retryFor: [WorkerCrashedError], retryDelayMs: 0 };

/**
 * CPU-bound work as a task. On a ThreadRunner every call would queue behind the others on one core; on
 * the pool each worker runs its own on its own core.
 */
export const hash = app.task(
  "hash",
  async (seed: string, rounds: number) => hashRounds(seed, rounds).slice(0, 16),
  RETRY_LOST_WORKER,
);

/**
 * Recursive fibonacci as tasks. `Promise.all` makes the two awaits one pause: the caller gives its slot
 * back while its two children are runnable, so another worker (or this one) can take them.
 */
export const fib = app.task(
  "fib",
  async (n: number): Promise<number> => {
    if (n <= 1) return n;
    const [a, b] = await Promise.all([fib(n - 1).result, fib(n - 2).result]);
    return a + b;
  },
  RETRY_LOST_WORKER,
);

/** fib(n) computed plainly, to check the tasks' answer. */
export function fibValue(n: number): number {
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}
