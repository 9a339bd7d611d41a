import type { sqliteBenchApp } from "./sqlite-app.js";
import { withRunnerProcesses } from "./sqlite-processes.js";
import { timed } from "./with-runner.js";

type Client = ReturnType<typeof sqliteBenchApp>;

/** Every run's wall time; `best` is the fastest (other work on the machine only slows a run). */
export interface Runs {
  readonly best: number;
  readonly all: number[];
}

async function runs(count: number, run: () => Promise<{ ms: number }>): Promise<Runs> {
  const all: number[] = [];
  for (let i = 0; i < count; i++) all.push((await run()).ms);
  return { best: Math.min(...all), all };
}

/** Register `count` independent `add` calls, then await every result: first call to last result. */
async function independent(client: Client, count: number): Promise<{ ms: number }> {
  return timed(async () => {
    const invocations = [];
    for (let i = 0; i < count; i++) invocations.push(client.add(i, 1));
    for (let i = 0; i < count; i++) {
      const value = await invocations[i]!.result;
      if (value !== i + 1) throw new Error(`add(${i}, 1) gave ${value}`);
    }
  });
}

/** `count` independent trivial invocations, run by `processes` runner processes (default slots). */
export function sqliteIndependent(processes: number, count: number, repeats: number): Promise<Runs> {
  return withRunnerProcesses(processes, undefined, async (client) => {
    await independent(client, 2_000); // warms the JIT of the client and of every runner
    return runs(repeats, () => independent(client, count));
  });
}

/** fib(n) as tasks with `processes` runner processes of one slot each. */
export function sqliteFib(processes: number, n: number, repeats: number): Promise<Runs> {
  return withRunnerProcesses(processes, 1, async (client) => {
    await client.fib(10).result;
    return runs(repeats, async () => {
      const { ms, value } = await timed(() => client.fib(n).result);
      const expected = plainFibValue(n);
      if (value !== expected) throw new Error(`fib(${n}) gave ${value}, not ${expected}`);
      return { ms };
    });
  });
}

function plainFibValue(n: number): number {
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}

/** One call at a time to an idle runner in another process: call to awaited result, in ms. */
export function sqliteLatency(samples: number, warmUp: number): Promise<{ p50: number; p99: number }> {
  return withRunnerProcesses(1, undefined, async (client) => {
    const times: number[] = [];
    for (let i = 0; i < warmUp + samples; i++) {
      const { ms } = await timed(() => client.add(i, 1).result);
      if (i >= warmUp) times.push(ms);
    }
    times.sort((a, b) => a - b);
    return { p50: times[Math.floor(samples * 0.5)]!, p99: times[Math.floor(samples * 0.99)]! };
  });
}
