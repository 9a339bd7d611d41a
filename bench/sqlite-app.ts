import { Tynenc, type Task } from "../src/index.js";

/** What the bench's runner processes are started with. */
export interface SqliteBenchSettings {
  readonly path: string;
  /** maxParallelSlots of each runner; the app's default when absent. */
  readonly slots?: number;
  /** DummyRunner for the client: it registers and awaits, the runner processes execute. */
  readonly client?: boolean;
}

/**
 * The one app of the SQLite bench, built the same way by the client (the bench process) and by each
 * runner process, so both know the same tasks: a trivial `add` and the recursive `fibonacci`.
 */
export function sqliteBenchApp(settings: SqliteBenchSettings): {
  app: Tynenc;
  add: Task<[number, number], number>;
  fib: Task<[number], number>;
} {
  const app = new Tynenc({
    appId: "bench",
    backend: "sqlite",
    sqlitePath: settings.path,
    loggingLevel: "warn",
    ...(settings.client ? { runnerCls: "DummyRunner" as const } : {}),
    ...(settings.slots ? { maxParallelSlots: settings.slots } : {}),
  });
  const add = app.task("add", async (a: number, b: number) => a + b);
  const fib: Task<[number], number> = app.task("fibonacci", async (n: number): Promise<number> =>
    n <= 1 ? n : (await fib(n - 1).result) + (await fib(n - 2).result),
  );
  return { app, add, fib };
}
