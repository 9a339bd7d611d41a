/**
 * The SQLite section of `npm run bench` (issue #9): runners in other processes on one temp file,
 * the bench process as the client. Besides the table it prints the two `sqlite independent ...`
 * lines that scripts read.
 */
import { fibCalls } from "./fib.js";
import { sqliteFib, sqliteIndependent, sqliteLatency, type Runs } from "./sqlite.js";
import { trivialThroughput } from "./trivial.js";

const COUNT = 10_000;
const REPEATS = 3;
const TARGET_ONE_PROCESS = 10_000; // invocations/s, issue #9
const TARGET_FOUR_PROCESSES = 5_000;
const TARGET_P50_MS = 5;
const PYNENC_SQLITE_PER_SECOND = 9; // Pynenc's SQLite backend, this machine

function line(label: string, value: string): void {
  console.log(`${label.padEnd(56)} ${value}`);
}

const perSecond = (calls: number, ms: number) => Math.round((calls / ms) * 1000);
const n = (value: number) => value.toLocaleString("en-US");

function throughput(label: string, calls: number, r: Runs): number {
  const rate = perSecond(calls, r.best);
  const all = r.all.map((ms) => n(perSecond(calls, ms))).join(", ");
  line(label, `${r.best.toFixed(0)} ms, ${n(rate)} invocations/s (runs: ${all}/s)`);
  return rate;
}

function versus(rate: number, target: number): void {
  const met = rate >= target ? "met" : "NOT met";
  line(`  target >= ${n(target)}/s`, `x${(rate / target).toFixed(2)} of target: ${met}`);
  line(
    `  vs Pynenc's SQLite backend, ~${PYNENC_SQLITE_PER_SECOND}/s`,
    `x${n(Math.round(rate / PYNENC_SQLITE_PER_SECOND))}`,
  );
}

export async function sqliteSection(): Promise<void> {
  console.log(
    `\n## SQLite: one temp file, runners in child processes, the bench process as client (throughput: best of ${REPEATS}, the machine is shared)`,
  );
  const one = throughput(
    `${n(COUNT)} independent trivial, 1 runner process`,
    COUNT,
    await sqliteIndependent(1, COUNT, REPEATS),
  );
  versus(one, TARGET_ONE_PROCESS);
  const four = throughput(
    `${n(COUNT)} independent trivial, 4 runner processes`,
    COUNT,
    await sqliteIndependent(4, COUNT, REPEATS),
  );
  versus(four, TARGET_FOUR_PROCESSES);
  await trivialThroughput(2_000); // warm up the JIT
  const memory: number[] = [];
  for (let i = 0; i < REPEATS; i++) memory.push((await trivialThroughput(COUNT)).ms);
  throughput(`${n(COUNT)} independent trivial, memory, in-process`, COUNT, {
    best: Math.min(...memory),
    all: memory,
  });
  const calls = fibCalls(15);
  throughput(
    `fib(15) (${n(calls)} invocations), 1 runner process, 1 slot`,
    calls,
    await sqliteFib(1, 15, REPEATS),
  );
  throughput(`fib(15), 2 runner processes of 1 slot`, calls, await sqliteFib(2, 15, REPEATS));
  const samples = 2_000;
  const l = await sqliteLatency(samples, 300);
  line(
    `call -> result, idle runner in another process (${n(samples)})`,
    `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms`,
  );
  const met = l.p50 < TARGET_P50_MS ? "met" : "NOT met";
  line(`  target p50 < ${TARGET_P50_MS} ms`, `x${(l.p50 / TARGET_P50_MS).toFixed(2)} of target: ${met}`);
  console.log(`sqlite independent 1 process: ${one} invocations/s`);
  console.log(`sqlite independent 4 processes: ${four} invocations/s`);
}
