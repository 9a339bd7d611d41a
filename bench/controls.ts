import { Tynenc, type Task } from "../src/index.js";
import { timed, withRunner } from "./with-runner.js";

/** Recursive fib(n) with registrationConcurrency "arguments" + callResultCache: distributed memoization. */
export async function memoizedFib(n: number): Promise<{ ms: number; bodies: number; value: number }> {
  const app = new Tynenc({ appId: "bench", loggingLevel: "warn", maxParallelSlots: 1 });
  let bodies = 0;
  const fib: Task<[number], number> = app.task(
    "fib",
    async (k: number): Promise<number> => {
      bodies++;
      return k <= 1 ? k : (await fib(k - 1).result) + (await fib(k - 2).result);
    },
    { registrationConcurrency: "arguments", callResultCache: true },
  );
  const { ms, value } = await withRunner(app, () => timed(() => fib(n).result));
  return { ms, bodies, value };
}

/** `task.parallelize` of `count` calls: time to register them, and until every result is in. */
export async function parallelizeFigures(count: number): Promise<{ registerMs: number; totalMs: number }> {
  const app = new Tynenc({ appId: "bench", loggingLevel: "warn" });
  const square = app.task("square", async (x: number) => x * x);
  return withRunner(app, async () => {
    await square(2).result;
    const start = performance.now();
    const group = square.parallelize(Array.from({ length: count }, (_, i) => [i] as [number]));
    await app.registrar.settled();
    const registerMs = performance.now() - start;
    await group.results();
    return { registerMs, totalMs: performance.now() - start };
  });
}
