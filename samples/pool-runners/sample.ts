/**
 * The pool sample in one command (`npm run sample:pools`): on a new temp SQLite file, starts the app's
 * pool (a MultiThreadRunner of 2 workers x 1 slot, see tasks.ts), waits until both workers run, runs the
 * work of work.ts on it, stops the pool and removes the file. Ctrl-C or a SIGTERM ends it through the
 * same stop and clean-up (exit code 1).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runWork, workersUp } from "./work.js";
import { app } from "./tasks.js";

/** The first Ctrl-C or SIGTERM ends the sample through its `finally`; later ones are ignored meanwhile. */
const interrupted = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => interrupted.abort(new Error(`interrupted by ${signal}`)));
}

const dir = mkdtempSync(join(tmpdir(), "tynenc-pool-runners-"));
const sqlitePath = join(dir, "sample.sqlite");
// An assignment wins over every other source, and the pool hands it on to its workers.
app.conf.set("sqlitePath", sqlitePath);
let loop: Promise<void> | undefined;
try {
  console.log(`pools: database ${sqlitePath}`);
  const started = performance.now();
  const runner = app.runner;
  // Workers load the app from the module that exports it: tasks.ts, not this file.
  loop = runner.run({ module: new URL("./tasks.ts", import.meta.url) });
  // A ProcessRunner starts a child per invocation; it keeps two ready ahead.
  const workers = runner.cls === "ProcessRunner" ? 2 : app.conf.workers;
  const ended = loop.then(() => Promise.reject(new Error(`${runner.cls} stopped before its workers ran`)));
  const up = await Promise.race([workersUp(app, runner.cls, workers, interrupted.signal), ended]);
  const ready = ((performance.now() - started) / 1000).toFixed(2);
  const what = runner.cls === "ProcessRunner" ? "spare children" : "workers";
  const pids = [...new Set(up.map((worker) => worker.pid))].join(", ");
  const where = runner.cls === "MultiThreadRunner" ? `threads of this process, pid ${pids}` : `pids ${pids}`;
  console.log(`pools: ${runner.cls} with ${workers} ${what} ready in ${ready} s (${where})`);
  const right = await runWork(app, interrupted.signal);
  if (!right) process.exitCode = 1;
} catch (error) {
  console.error(`pools: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  if (loop) {
    await app.runner.stop();
    await loop.catch(() => {}); // a pool that failed to start rejected it: reported above
  }
  await app.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`pools: pool stopped, ${dir} removed`);
}
