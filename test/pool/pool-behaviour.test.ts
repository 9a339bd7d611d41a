/**
 * DESIGN §3 on the three pool runners, each on its own SQLite file: recursive fib with one worker and
 * one slot (a paused invocation holds no slot, resumed ones get the next slot first, never more RUNNING
 * than the slots), CPU-bound work spread over two workers that are runners of their own, an idle pool
 * near 0% CPU, and the start-up refusals. withPool checks every history against the status table.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { RunnerError, type HistoryEntry } from "../../src/index.js";
import { maxConcurrentRunning } from "../../src/testing/index.js";
import {
  bySeq,
  cpuTimeMs,
  POOL_CLASSES,
  until,
  withPool,
  workerPids,
  type Pool,
  type PoolApp,
} from "./pool-helpers.js";

/** fib(15) is 1,973 invocations; on ProcessRunner each pays for a process start, so fib(5) (15; its chain of 3 pauses shows what fib(15) shows). */
const FIB = {
  MultiThreadRunner: [15, 610],
  PersistentProcessRunner: [15, 610],
  ProcessRunner: [5, 5],
} as const;
const IDLE_MS = 1500;
/**
 * Before the idle time is measured: V8's helper threads of this process may still compile what the
 * tests before ran (CPU-bound work), and they count as this process's CPU.
 */
const SETTLE_MS = 1000;
const CPU_LIMIT = 0.05;

/** The most invocations PAUSED at one moment, replaying every history in the store's order. */
function maxPausedAtOnce(histories: Map<string, HistoryEntry[]>): number {
  const paused = new Set<string>();
  let max = 0;
  for (const entry of bySeq(histories)) {
    if (entry.status === "PAUSED") paused.add(entry.id);
    else paused.delete(entry.id);
    max = Math.max(max, paused.size);
  }
  return max;
}

/**
 * For each resume, how many invocations were claimed (moved to PENDING) between its RESUMED and its
 * RUNNING entry: new work that took a slot ahead of it. `chances` counts the resumes that happened
 * while new work was queued (REGISTERED), so the order was put to the test.
 */
function claimsAheadOfResumes(histories: Map<string, HistoryEntry[]>): { worst: number; chances: number } {
  const status = new Map<string, string>();
  const waiting = new Map<string, number>(); // resumed id -> claims seen since its RESUMED entry
  let worst = 0;
  let chances = 0;
  for (const entry of bySeq(histories)) {
    if (entry.status === "PENDING") for (const [id, n] of waiting) waiting.set(id, n + 1);
    if (entry.status === "RESUMED") {
      waiting.set(entry.id, 0);
      if ([...status.values()].includes("REGISTERED")) chances++;
    } else if (waiting.has(entry.id)) {
      worst = Math.max(worst, waiting.get(entry.id)!);
      waiting.delete(entry.id);
    }
    status.set(entry.id, entry.status);
  }
  return { worst, chances };
}

/** Runner ids of the RUNNING entries of these invocations. */
function runnersOf(
  histories: Map<string, HistoryEntry[]>,
  invocations: readonly { id: string }[],
): Set<string> {
  const found = new Set<string>();
  for (const { id } of invocations) {
    for (const entry of histories.get(id) ?? []) if (entry.status === "RUNNING") found.add(entry.runnerId!);
  }
  return found;
}

/**
 * `pairs` hash(150) and where() calls. Alternating for a fixed pool, so where() lands in both workers;
 * hashes first for a ProcessRunner, so its two spares start two hashes at once (a new child takes longer
 * to start than a hash to run).
 */
function cpuWork(mod: PoolApp, pairs: number, hashesFirst: boolean) {
  const hashes: ReturnType<PoolApp["hash"]>[] = [];
  const wheres: ReturnType<PoolApp["where"]>[] = [];
  for (let i = 0; i < pairs; i++) {
    hashes.push(mod.hash(150));
    if (!hashesFirst) wheres.push(mod.where());
  }
  while (wheres.length < pairs) wheres.push(mod.where());
  return { hashes, wheres };
}

/** Samples the registry every 20 ms until `stop` resolves: every runner id of class `cls` seen. */
async function registrySeen(pool: Pool, stop: Promise<unknown>): Promise<Set<string>> {
  const seen = new Set<string>();
  let done = false;
  void stop.finally(() => (done = true)).catch(() => {});
  while (!done) {
    for (const runner of await pool.workerRunners()) seen.add(runner.runnerId);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return seen;
}

/**
 * Waits until the pool is idle and settled: two workers registered (and, for the process pools, every
 * live child registered, none starting or exiting). Returns the child pids (none for threads). A
 * ProcessRunner keeps two spares, sometimes a third: a spare out on a claim that finds nothing is not
 * counted while it is out, so a replacement may start meanwhile.
 */
async function settledWorkers(pool: Pool): Promise<number[]> {
  return until(async () => {
    const registered = (await pool.workerRunners()).map((runner) => runner.pid).sort();
    const pids = workerPids().sort();
    if (pool.cls === "MultiThreadRunner") return registered.length === 2 && pids.length === 0 && pids;
    const fixed = pool.cls === "PersistentProcessRunner" ? pids.length === 2 : pids.length >= 2;
    return fixed && registered.join() === pids.join() && pids;
  }, "the pool idle: its workers started and registered, nothing exiting");
}

/** The share of a CPU this process (with its threads) and each child used over IDLE_MS, from SETTLE_MS on. */
async function cpuShares(pids: readonly number[]): Promise<(readonly [string, number])[]> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const parentBefore = process.cpuUsage();
  const childBefore = pids.map(cpuTimeMs);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const elapsed = performance.now() - started;
  const parent = process.cpuUsage(parentBefore);
  return [
    ["parent (with its threads)", (parent.user + parent.system) / 1000 / elapsed] as const,
    ...pids.map((pid, i) => [`child ${pid}`, (cpuTimeMs(pid) - childBefore[i]!) / elapsed] as const),
  ];
}

function timed(t: TestContext, started: number, what: string): void {
  t.diagnostic(`${what}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

for (const cls of POOL_CLASSES) {
  const isProcessRunner = cls === "ProcessRunner";
  describe(cls, () => {
    const [n, expected] = FIB[cls];
    it(`fib(${n}) with one worker and one slot: paused ones hold no slot, resumed ones go first`, async (t) => {
      await withPool(cls, { workers: 1, maxParallelSlots: 1 }, async (pool) => {
        const started = performance.now();
        assert.equal(await pool.mod.fib(n).result, expected);
        timed(t, started, `fib(${n})`);
        const histories = await pool.histories();
        const paused = maxPausedAtOnce(histories);
        const { worst, chances } = claimsAheadOfResumes(histories);
        t.diagnostic(
          `up to ${paused} paused at once; ${chances} resumes with work queued, ${worst} claims ahead`,
        );
        assert.equal(
          maxConcurrentRunning([...histories.values()]),
          1,
          "never more RUNNING than the one slot",
        );
        assert.ok(paused >= n - 2, `only ${paused} paused at once: the paused chain of fib(${n}) held slots`);
        assert.ok(chances > 0, "some resume happened while new work was queued");
        // A pool worker's ThreadRunner hands its slot to the resumed invocation before claiming. A
        // ProcessRunner parent serves a child's "want" first, but a slot it lent to a spare just before
        // the want arrived may still claim once.
        assert.ok(worst <= (isProcessRunner ? 1 : 0), `${worst} claims went ahead of a resumed invocation`);
      });
    });

    it("two workers run CPU-bound work side by side, each a runner of its own in the registry", async (t) => {
      const options = isProcessRunner ? { maxParallelSlots: 2 } : { workers: 2, maxParallelSlots: 1 };
      await withPool(cls, options, async (pool) => {
        // Two workers, or a ProcessRunner's two spares, ready before the work comes.
        await until(async () => (await pool.workerRunners()).length === 2, "two workers registered");
        const started = performance.now();
        const { hashes, wheres } = cpuWork(pool.mod, isProcessRunner ? 3 : 6, isProcessRunner);
        const all = Promise.all([...hashes, ...wheres].map(async (call) => call.result));
        const seen = await registrySeen(pool, all);
        await all;
        timed(t, started, `${hashes.length} x hash(150) and ${wheres.length} x where`);
        const histories = await pool.histories();
        assert.equal(maxConcurrentRunning([...histories.values()]), 2, "two ran at once, never more");
        const hashRunners = runnersOf(histories, hashes);
        const whereRunners = runnersOf(histories, wheres);
        const ran = new Set([...hashRunners, ...whereRunners]);
        assert.equal(ran.size, isProcessRunner ? hashes.length * 2 : 2, `runner ids: ${[...ran].join(", ")}`);
        // A ProcessRunner child that runs where() may live a few ms, between two looks at the registry.
        for (const id of hashRunners) assert.ok(seen.has(id), `${id} was in the registry while it ran`);
        const places = await Promise.all(wheres.map(async (call) => call.result));
        const here = places.filter(({ pid }) => pid === process.pid).length;
        assert.equal(
          here,
          cls === "MultiThreadRunner" ? places.length : 0,
          "in threads here, else in children",
        );
        const distinct = new Set(places.map(({ pid, threadId }) => `${pid}/${threadId}`));
        assert.equal(distinct.size, whereRunners.size, [...distinct].join(", "));
        if (!isProcessRunner) {
          // Which worker takes which where() depends on timing; two calls that wait for each other
          // can only run on both workers (one slot each), each in its own thread or process.
          const dir = mkdtempSync(join(tmpdir(), "tynenc-meet-"));
          try {
            const meets = [pool.mod.meet(dir, 2), pool.mod.meet(dir, 2)];
            const met = await Promise.all(meets.map(async (call) => call.result));
            const metHistories = await pool.histories();
            assert.equal(runnersOf(metHistories, meets).size, 2, "the two meet() calls ran on both workers");
            assert.equal(new Set(met.map(({ pid, threadId }) => `${pid}/${threadId}`)).size, 2);
            const metHere = met.filter(({ pid }) => pid === process.pid).length;
            assert.equal(metHere, cls === "MultiThreadRunner" ? 2 : 0, "in threads here, else in children");
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }
      });
    });

    it(`an idle pool uses under ${CPU_LIMIT * 100}% of a CPU in each process`, async (t) => {
      const options = isProcessRunner ? { maxParallelSlots: 2 } : { workers: 2, maxParallelSlots: 1 };
      await withPool(cls, options, async (pool) => {
        assert.equal(await pool.mod.add(1, 2).result, 3);
        const pids = await settledWorkers(pool);
        const show = (shares: readonly (readonly [string, number])[]) =>
          shares.map(([who, share]) => `${who} ${(share * 100).toFixed(1)}%`).join(", ");
        let shares = await cpuShares(pids);
        // One window may catch V8 tidying up after the test before (a major GC of this process, in
        // which the parent is measured with its threads): a pool that spins fails a second window too.
        if (shares.some(([, share]) => share >= CPU_LIMIT)) {
          t.diagnostic(`first window: ${show(shares)}; measured again`);
          shares = await cpuShares(pids);
        }
        t.diagnostic(show(shares));
        for (const [who, share] of shares)
          assert.ok(share < CPU_LIMIT, `${who}: ${(share * 100).toFixed(1)}%`);
        assert.deepEqual(workerPids(), pids, "the same children all along");
      });
    });

    it("refuses the memory backend, naming sqlite and redis", async () => {
      await withPool(cls, { config: { backend: "memory" } }, async (pool) => {
        const error = await pool.ended;
        assert.ok(error instanceof RunnerError, String(error));
        assert.match(error.message, /sqlite/);
        assert.match(error.message, /redis/);
      });
    });

    it("refuses to run without the app's module, saying to pass { module: import.meta.url }", async () => {
      await withPool(cls, { module: null }, async (pool) => {
        const error = await pool.ended;
        assert.ok(error instanceof RunnerError, String(error));
        assert.ok(error.message.includes("{ module: import.meta.url }"), error.message);
        assert.equal(pool.app.runner.running, false);
      });
    });
  });
}
