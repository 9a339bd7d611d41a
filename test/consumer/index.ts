/**
 * Compiled against the packed tarball by scripts/check-consumer.sh. It deliberately uses no Node global
 * itself and its tsconfig has no "types" and no DOM lib: every Node type it meets (AbortSignal,
 * AsyncLocalStorage, NodeJS.ProcessEnv, ...) must come through tynenc's own declarations.
 */
import {
  CancelledError,
  Invocation,
  InvocationStatus,
  memoryBackend,
  NonRetryableError,
  RetryError,
  TynencError,
  Tynenc,
  type CallOptions,
  type Task,
  type TaskCaller,
  type TynencOptions,
} from "tynenc";
import { assertValidHistories, trackInvocations, waitForStatus, withRunner } from "tynenc/testing";
import { sqliteBackend, type SqliteBackendOptions } from "tynenc/sqlite";

// Type-checks without better-sqlite3 or its types installed (it is an optional peer dependency).
const sqliteOptions: SqliteBackendOptions = { path: "never-opened.sqlite", appId: "consumer_fixture" };
const makeSqlite: (options: SqliteBackendOptions) => TynencOptions["backend"] = sqliteBackend;
void [sqliteOptions, makeSqlite];

const options: TynencOptions = { appId: "consumer_fixture", backend: memoryBackend() };
const app = new Tynenc(options);

const add = app.task("add", async (a: number, b: number): Promise<number> => a + b);

const sum: Task<[number[]], number> = app.task("sum", async (values: number[]): Promise<number> => {
  const signal = app.context()?.signal;
  if (signal?.aborted) throw new NonRetryableError("aborted before start");
  let total = 0;
  for (const value of values) total = await add(total, value).result;
  return total;
});

// @ts-expect-error a wrong argument type is a compile error
add("1", 2);

// A delayed call keeps the task's types (task.with checks the options; nothing is called here).
const soon: CallOptions = { delayMs: 1000 };
const addLater: TaskCaller<[number, number], number> = add.with(soon);
// @ts-expect-error a delayed call checks its arguments too
void (() => addLater("1", 2));

/** Runs `sum` on the memory backend and returns what the check script expects to read. */
export async function main(): Promise<string> {
  const tracked = trackInvocations(app);
  const result = await withRunner(app, async () => {
    const invocation: Invocation<number> = sum([1, 2, 3, 4]);
    await waitForStatus(app, invocation, InvocationStatus.SUCCESS, { timeoutMs: 10_000 });
    return invocation.result;
  });
  tracked.stop();
  await assertValidHistories(app, tracked.ids);
  const errors: TynencError[] = [new CancelledError("x"), new RetryError("again", 10)];
  return `consumer result: ${result} (${errors.length} error classes, ${tracked.ids.length} invocations)`;
}
