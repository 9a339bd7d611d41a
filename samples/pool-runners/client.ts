/**
 * The sample's work sent to a pool that runs elsewhere: start one with `tynenc runner start --app
 * samples/pool-runners/tasks.ts ...` (see the README), then run this. It waits until WORKERS runners
 * (default: the app's `workers`, 2) are registered on the database, runs the work of work.ts, prints it
 * and exits; the pool keeps running. Ctrl-C ends it (exit code 1).
 */
import { app } from "./tasks.js";
import { runWork, workersUp } from "./work.js";

const interrupted = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => interrupted.abort(new Error(`interrupted by ${signal}`)));
}

const workers = Number(process.env["WORKERS"] ?? app.conf.workers);
try {
  console.log(`client: database ${app.conf.sqlitePath}; waiting for ${workers} workers`);
  await workersUp(app, undefined, workers, interrupted.signal);
  if (!(await runWork(app, interrupted.signal))) process.exitCode = 1;
} catch (error) {
  console.error(`client: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await app.close();
}
