import { Tynenc, type Task } from "../src/index.js";
import { timed, withRunner } from "./with-runner.js";

/** A quiet app with the recursive fibonacci task of the sample, for the benchmarks. */
export function fibApp(slots?: number): { app: Tynenc; fib: Task<[number], number> } {
  const app = new Tynenc({
    appId: "bench",
    loggingLevel: "warn",
    ...(slots ? { maxParallelSlots: slots } : {}),
  });
  const fib: Task<[number], number> = app.task("fibonacci", async (n: number): Promise<number> =>
    n <= 1 ? n : (await fib(n - 1).result) + (await fib(n - 2).result),
  );
  return { app, fib };
}

/** Number of invocations fib(n) makes as tasks: calls(n) = 1 + calls(n-1) + calls(n-2). */
export function fibCalls(n: number): number {
  return n <= 1 ? 1 : 1 + fibCalls(n - 1) + fibCalls(n - 2);
}

/** The physical floor: the same recursion as plain async functions. */
export async function plainFib(n: number): Promise<number> {
  return n <= 1 ? n : (await plainFib(n - 1)) + (await plainFib(n - 2));
}

/** Runs fib(n) on a fresh app with a started runner; returns wall ms. */
export async function timeFib(n: number, slots?: number): Promise<{ ms: number; value: number }> {
  const { app, fib } = fibApp(slots);
  return withRunner(app, () => timed(() => fib(n).result));
}
