/**
 * The client: registers fib(FIB_N) and DIGEST_JOBS digest jobs in the database, waits for their results
 * (the runners in other processes run them), prints them and which runner ran how many, and exits.
 * It runs no runner itself: with no runner up, its work waits in the file until one starts.
 */
import { formatDistribution, runnerDistribution, withDescendants } from "./distribution.js";
import { whenParentGone } from "./owned.js";
import { app, digest, fib, fibValue, type DigestReport } from "./tasks.js";

whenParentGone(() => process.exit(1)); // started by demo.ts, which is gone: nobody reads the answer

const n = Number(process.env["FIB_N"] ?? 15);
const jobs = Number(process.env["DIGEST_JOBS"] ?? 8);
const DIGEST_ROUNDS = 20_000; // about 20 ms of hashing per job

/** Digests started in turn, each after the one before ended: the "task" key held across processes. */
function oneAtATime(reports: readonly DigestReport[]): boolean {
  const byStart = [...reports].sort((a, b) => a.startedAt - b.startedAt);
  return byStart.every((report, i) => i === 0 || report.startedAt >= byStart[i - 1]!.endedAt);
}

try {
  const startedAt = Date.now();
  const tree = fib(n); // registers the root; the runners register the rest of the tree as they go
  const group = digest.parallelize(Array.from({ length: jobs }, (_, i) => [`blob-${i}`, DIGEST_ROUNDS]));
  console.log(
    `registered fib(${n}) and ${jobs} digest job${jobs === 1 ? "" : "s"} in ${app.conf.sqlitePath}; waiting for runners`,
  );

  const [value, reports] = await Promise.all([tree.result, group.results()]);
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(2);
  const fibIds = await withDescendants(app, [tree.id]);
  console.log(`fib(${n}) = ${value} (expected ${fibValue(n)}), ${fibIds.length} fib invocations`);
  const pids = new Set(reports.map((r) => r.pid)).size;
  const serial = oneAtATime(reports) ? "one at a time" : "OVERLAPPING (the key failed!)";
  console.log(`digests: ${reports.length} done in ${pids} process(es), ${serial}`);
  for (const r of reports) console.log(`  ${r.name}: ${r.digest.slice(0, 16)}… (pid ${r.pid})`);
  console.log(`all done in ${seconds} s; who finished what (from the invocations' histories):`);
  const ids = [...fibIds, ...group.invocations.map((i) => i.id)];
  for (const line of formatDistribution(await runnerDistribution(app, ids))) console.log(`  ${line}`);
  if (value !== fibValue(n) || !oneAtATime(reports)) process.exitCode = 1;
} finally {
  await app.close();
}
