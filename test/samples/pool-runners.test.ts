/**
 * samples/pool-runners/sample.ts end to end, as `npm run sample:pools` runs it: a pool of two workers on
 * a temp SQLite file. Checks what it prints (the hashes spread over both workers, fib(12) = 144 with one
 * slot per worker), that it exits 0, and that it leaves nothing behind: no file and no process, also
 * when it is interrupted, and no child process of a PersistentProcessRunner when it is killed outright.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import {
  noneLeft as noneLeftOf,
  startedHere as startedBy,
  startSample as startScript,
  type SampleRun,
} from "./sample-process.js";

const SAMPLE = fileURLToPath(new URL("../../samples/pool-runners/sample.ts", import.meta.url));
/** Set in the sample's environment, which its child processes inherit: finds every process it started. */
const MARK = "TYNENC_POOL_SAMPLE_TEST_OWNER";
/** Generous: alone a run takes 10-20 s; on two cores shared with the rest of the suite, up to twice that. */
const TIMEOUT_MS = 60_000;
/** Two child processes and 200 hashes: seconds of work, to interrupt in the middle. */
const BUSY_PROCESS_POOL = { TYNENC__RUNNER_CLS: "PersistentProcessRunner", HASH_JOBS: "200" };
/** A worker runs queued synchronous tasks back to back in microtasks (ThreadRunner.kick): see below. */
const BUSY_CPU_MS = 200;
/** A stop or an orphan's exit that does not wait for the queue: one hash, the exits, the clean-up. */
const PROMPT_MS = 1000;

type Run = SampleRun;

function startSample(env: Record<string, string> = {}): Run {
  return startScript(SAMPLE, MARK, env);
}

const startedHere = (): number[] => startedBy(MARK);

const noneLeft = (timeoutMs?: number): Promise<void> => noneLeftOf(MARK, timeoutMs);

function databaseDir(run: Run): string {
  const path = run.output().match(/pools: database (\S+)/)?.[1];
  assert.ok(path, `the sample names its database:\n${run.output()}`);
  return dirname(path);
}

/** Whatever a test left running, SIGKILL; the database directory the sample named, removed. */
function cleanUp(run: Run): void {
  run.child.kill("SIGKILL");
  for (const pid of startedHere()) process.kill(pid, "SIGKILL");
  const path = run.output().match(/pools: database (\S+)/)?.[1];
  if (path) rmSync(dirname(path), { recursive: true, force: true });
}

/** The worker lines printed under `heading` (two spaces in): [short runner id, invocations it ran]. */
function workerLines(out: string, heading: RegExp): [string, number][] {
  const lines = out.split("\n");
  const start = lines.findIndex((line) => heading.test(line));
  assert.ok(start >= 0, `no line matches ${heading}:\n${out}`);
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("  ")) break;
    block.push(line);
  }
  return block.map((line) => {
    const match = line.match(/^ {2}worker (\w{8}) \(pid \d+\): ran (\d+)$/);
    assert.ok(match, `a worker line: ${JSON.stringify(line)}`);
    return [match[1]!, Number(match[2])];
  });
}

/** CPU time (user + system) a process has used, in ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * The pids of the pool's two child processes, once both are busy with the hashes: each has used
 * BUSY_CPU_MS more CPU since the work was registered (their start-up is over by then).
 */
async function busyChildren(run: Run): Promise<number[]> {
  const [, first, second] = await run.printed(
    /PersistentProcessRunner with 2 workers ready in [\d.]+ s \(pids (\d+), (\d+)\)/,
  );
  const children = [Number(first), Number(second)];
  assert.deepEqual(
    children.filter((pid) => startedHere().includes(pid)),
    children,
    "the sample's own child processes",
  );
  await run.printed(/200 x hash registered/);
  const before = children.map(cpuMs);
  const deadline = Date.now() + 10_000;
  while (children.some((pid, i) => cpuMs(pid) - before[i]! < BUSY_CPU_MS)) {
    if (Date.now() > deadline) assert.fail(`the children did not get busy:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return children;
}

describe("samples/pool-runners sample", { timeout: TIMEOUT_MS * 3 }, () => {
  it(
    "spreads 40 hashes over both workers, runs fib(12) with one slot each, and cleans up",
    { timeout: TIMEOUT_MS },
    async () => {
      const run = startSample();
      try {
        assert.deepEqual(await run.exit, { code: 0, signal: null }, run.output());
        const out = run.output();
        assert.match(out, /pools: MultiThreadRunner with 2 workers ready in/);
        const hashes = workerLines(
          out,
          /^40 x hash .* on the pool: [\d.]+ s wall time, at most 2 running at once$/,
        );
        assert.equal(hashes.length, 2, `two workers ran hashes:\n${out}`);
        assert.ok(
          hashes.every(([, ran]) => ran > 0),
          `both workers ran some: ${JSON.stringify(hashes)}`,
        );
        assert.equal(hashes[0]![1] + hashes[1]![1], 40);
        assert.match(out, /^the same on this thread alone: [\d.]+ s; the pool was [\d.]+x as fast$/m);
        const fibLine =
          /^fib\(12\) = 144 \(expected 144\): 465 invocations in [\d.]+ s, at most 2 running and \d+ paused at once$/m;
        assert.match(out, fibLine);
        const fibs = workerLines(out, fibLine);
        assert.deepEqual(
          new Set(fibs.map(([id]) => id)),
          new Set(hashes.map(([id]) => id)),
          "the same two workers",
        );
        assert.equal(fibs[0]![1] + fibs[1]![1], 465);
        assert.doesNotMatch(out, /ERROR|WARN/);
        assert.equal(existsSync(databaseDir(run)), false, "the temp directory is removed");
        await noneLeft();
      } finally {
        cleanUp(run);
      }
    },
  );

  it(
    "interrupted (SIGTERM) while its child processes hash, stops them and removes the file",
    { timeout: TIMEOUT_MS },
    async (t) => {
      const run = startSample(BUSY_PROCESS_POOL);
      try {
        const children = await busyChildren(run);
        run.child.kill("SIGTERM");
        const sent = Date.now();
        assert.deepEqual(await run.exit, { code: 1, signal: null }, run.output());
        const stopMs = Date.now() - sent;
        assert.match(run.output(), /pools: interrupted by SIGTERM/);
        assert.match(run.output(), /pools: pool stopped, \S+ removed/);
        assert.equal(existsSync(databaseDir(run)), false, "the temp directory is removed");
        await noneLeft();
        assert.ok(children.every((pid) => !startedHere().includes(pid)));
        // A worker running back-to-back synchronous tasks still lets its event loop run every 10 ms, so
        // it reads its stop message at once.
        await t.test("within 1 s", () => assert.ok(stopMs < PROMPT_MS, `the stop took ${stopMs} ms`));
      } finally {
        cleanUp(run);
      }
    },
  );

  it(
    "killed with SIGKILL while its child processes hash, leaves no process behind",
    { timeout: TIMEOUT_MS },
    async (t) => {
      const run = startSample(BUSY_PROCESS_POOL);
      try {
        await busyChildren(run);
        run.child.kill("SIGKILL");
        const sent = Date.now();
        await run.exit;
        await noneLeft(25_000); // the children notice that their IPC channel closed, and exit
        const goneMs = Date.now() - sent;
        // They notice at once: a busy worker still lets its event loop run every 10 ms.
        await t.test("within 1 s", () =>
          assert.ok(goneMs < PROMPT_MS, `the children outlived the sample by ${goneMs} ms`),
        );
      } finally {
        cleanUp(run); // the temp file stays behind a SIGKILL: removed here
      }
    },
  );
});
