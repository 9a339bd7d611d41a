/**
 * The one app of tynenc's side of the Redis bench, built the same way by the client (the bench process)
 * and by the runner process (tynenc-runner.ts), so both know the same tasks: a trivial `add`, and the
 * recursive `fibonacciBoth` (both children at once, the measured one) and `fibonacci` (the README's).
 */
import { Tynenc, type Task } from "../../src/index.js";

/** Where the app keeps its keys, and how it runs; sent to the runner process as JSON. */
export interface TynencBenchSettings {
  readonly url: string;
  /** redisKeyPrefix: every key of this measurement starts with it (and with the run's prefix). */
  readonly keyPrefix: string;
  /** maxParallelSlots of the runner; the client runs nothing. */
  readonly slots?: number;
  /** DummyRunner: the bench process registers and awaits, the runner process executes. */
  readonly client?: boolean;
}

export interface TynencBenchApp {
  readonly app: Tynenc;
  readonly add: Task<[number, number], number>;
  /** The README's fib: awaits fib(n-1) before it calls fib(n-2), so each parent pauses twice. */
  readonly fib: Task<[number], number>;
  /** fib with both children started at once and awaited together (one pause), as BullMQ's step jobs do. */
  readonly fibBoth: Task<[number], number>;
}

export function tynencBenchApp(settings: TynencBenchSettings): TynencBenchApp {
  const app = new Tynenc({
    appId: "bench",
    backend: "redis",
    redisUrl: settings.url,
    redisKeyPrefix: settings.keyPrefix,
    loggingLevel: "warn",
    ...(settings.client ? { runnerCls: "DummyRunner" as const } : {}),
    ...(settings.slots ? { maxParallelSlots: settings.slots } : {}),
  });
  const add = app.task("add", async (a: number, b: number) => a + b);
  const fib: Task<[number], number> = app.task("fibonacci", async (n: number): Promise<number> =>
    n <= 1 ? n : (await fib(n - 1).result) + (await fib(n - 2).result),
  );
  const fibBoth: Task<[number], number> = app.task("fibonacciBoth", async (n: number): Promise<number> => {
    if (n <= 1) return n;
    const [a, b] = await Promise.all([fibBoth(n - 1).result, fibBoth(n - 2).result]);
    return a + b;
  });
  return { app, add, fib, fibBoth };
}
