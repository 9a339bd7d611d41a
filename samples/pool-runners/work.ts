/**
 * What the sample asks of a pool, and what it prints: HASH_JOBS CPU-bound hashes (then the same on this
 * thread alone, for comparison) and fib(FIB_N). It runs no runner itself: the pool that serves the app's
 * database runs the work, be it sample.ts's own or one started with `tynenc runner start` (client.ts).
 */
import type { Tynenc } from "../../src/index.js";
import { formatRan, poolReport, withDescendants } from "./report.js";
import { fib, fibValue, hash, HASH_ROUNDS, hashRounds } from "./tasks.js";

export const HASH_JOBS = Number(process.env["HASH_JOBS"] ?? 40);
export const FIB_N = Number(process.env["FIB_N"] ?? 12);

const WORKERS_UP_MS = 30_000;
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(2)} s`;

/** Rejects with the signal's reason once it aborts (a Ctrl-C), else settles as `work` does. */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

/** The same hashes on this thread, one after the other: what one core does. Returns the milliseconds. */
function hashHere(): number {
  hashRounds("warm-up", HASH_ROUNDS); // the first call runs cold code: not what the pool's are compared to
  const started = performance.now();
  for (let i = 0; i < HASH_JOBS; i++) hashRounds(`blob-${i}`, HASH_ROUNDS);
  return performance.now() - started;
}

/**
 * Waits until the registry lists `count` runners of class `cls` (of any class if undefined): the pool's
 * workers, each a runner of its own; returns them. Polls the registry, which workers in other threads and
 * processes write to.
 */
export async function workersUp(
  app: Tynenc,
  cls: string | undefined,
  count: number,
  signal: AbortSignal,
): Promise<{ readonly runnerId: string; readonly pid: number }[]> {
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(WORKERS_UP_MS)]);
  for (;;) {
    const runners = await app.backend.orchestratorStore.runners();
    const up = runners.filter((r) => cls === undefined || r.cls === cls);
    if (up.length >= count) return up;
    if (signal.aborted) throw signal.reason as Error;
    if (deadline.aborted)
      throw new Error(`fewer than ${count} ${cls ?? "runner"}s up after ${WORKERS_UP_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The hashes on the pool, the same on this thread for comparison, then fib(FIB_N) on the pool; prints
 * what it saw. True if every answer was right.
 */
export async function runWork(app: Tynenc, signal: AbortSignal): Promise<boolean> {
  let started = performance.now();
  const hashes = hash.parallelize(Array.from({ length: HASH_JOBS }, (_, i) => [`blob-${i}`, HASH_ROUNDS]));
  console.log(`${HASH_JOBS} x hash registered; the pool runs them`);
  const digests = await unlessAborted(hashes.results(), signal);
  const wallMs = performance.now() - started;
  const hashReport = await poolReport(
    app,
    hashes.invocations.map((i) => i.id),
  );
  const rounds = HASH_ROUNDS.toLocaleString("en");
  console.log(
    `${digests.length} x hash (${rounds} SHA-256 rounds each) on the pool: ${(wallMs / 1000).toFixed(2)} s wall time, at most ${hashReport.maxRunning} running at once`,
  );
  for (const line of await formatRan(app, hashReport)) console.log(`  ${line}`);
  const hereMs = hashHere();
  const faster = (hereMs / wallMs).toFixed(1);
  console.log(
    `the same on this thread alone: ${(hereMs / 1000).toFixed(2)} s; the pool was ${faster}x as fast`,
  );

  started = performance.now();
  const tree = fib(FIB_N);
  const value = await unlessAborted(tree.result, signal);
  const took = seconds(started);
  const ids = await withDescendants(app, [tree.id]);
  const fibReport = await poolReport(app, ids);
  console.log(
    `fib(${FIB_N}) = ${value} (expected ${fibValue(FIB_N)}): ${ids.length} invocations in ${took}, at most ${fibReport.maxRunning} running and ${fibReport.maxPaused} paused at once`,
  );
  for (const line of await formatRan(app, fibReport)) console.log(`  ${line}`);
  return value === fibValue(FIB_N);
}
