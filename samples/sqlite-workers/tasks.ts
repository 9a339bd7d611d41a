/**
 * The app of the SQLite sample. Every process imports this module — the runners (`tynenc runner start
 * --app samples/sqlite-workers/tasks.ts`, or worker.ts), the client and the demo — so each builds the
 * same app on the same database file and knows every task by its id.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Tynenc } from "../../src/index.js";

/**
 * Beside this file rather than in the working directory, so runners and clients started from different
 * directories still share one file. TYNENC__SQLITE_PATH (or --sqlite-path) overrides it: the
 * environment wins over options given in code.
 */
export const DEFAULT_SQLITE_PATH = fileURLToPath(new URL("tynenc-sample.sqlite", import.meta.url));

export const app = new Tynenc({
  appId: "sqlite_workers",
  backend: "sqlite",
  sqlitePath: DEFAULT_SQLITE_PATH,
});

/** Each fib call first waits this long (read by the runners): long enough a run to kill a runner in. */
const fibDelayMs = Number(process.env["FIB_DELAY_MS"] ?? 0);

/**
 * Recursive fibonacci as tasks. `Promise.all` makes the two awaits one pause with two runnable children,
 * so a runner process with a free slot takes one of them while the caller's runner runs the other.
 */
export const fib = app.task("fib", async (n: number): Promise<number> => {
  if (fibDelayMs > 0) await sleep(fibDelayMs);
  if (n <= 1) return n;
  const [a, b] = await Promise.all([fib(n - 1).result, fib(n - 2).result]);
  return a + b;
});

/** What a digest job reports: its result, and where and when it ran (for the client's checks). */
export interface DigestReport {
  readonly name: string;
  readonly digest: string;
  readonly pid: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * Fingerprints a blob: `rounds` chained SHA-256 hashes of `name`, then a short wait standing for
 * writing the digest out. It stands for work on a resource that takes one user at a time (a device, a
 * licence, a rate-limited API): `runningConcurrency: "task"` lets one digest run at a time across every
 * runner of every process, the key being held in the shared SQLite file. Another runner's slot stays free
 * for other work meanwhile (even during the wait), and the next digest runs wherever a slot frees first.
 */
export const digest = app.task(
  "digest",
  async (name: string, rounds: number): Promise<DigestReport> => {
    const startedAt = Date.now();
    let hash = name;
    for (let i = 0; i < rounds; i++) hash = createHash("sha256").update(hash).digest("hex");
    await sleep(20);
    digest.logger.info(`digest of ${name}: ${hash.slice(0, 16)}…`);
    return { name, digest: hash, pid: process.pid, startedAt, endedAt: Date.now() };
  },
  { runningConcurrency: "task" },
);

/** fib(n) computed plainly, to check the tasks' answer. */
export function fibValue(n: number): number {
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}
