import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectTypeOf } from "expect-type";
import {
  Tynenc,
  type CallOptions,
  type Invocation,
  type InvocationGroup,
  type InvocationStatus,
  type Task,
  type TaskCaller,
} from "../../src/index.js";
import type { HistoryEntry } from "../../src/invocation/status.js";
import { captureLogger } from "../helpers.js";

const app = new Tynenc({ appId: "types", logger: captureLogger() });

const check = app.task("check", async (n: number, s: string): Promise<boolean> => n > s.length);

async function named(id: string, count?: number): Promise<{ id: string; count: number }> {
  return { id, count: count ?? 0 };
}
const fromNamed = app.task(named);
const withOptions = app.task(async (xs: readonly number[]) => xs.length, { name: "withOptions" });
const noArgs = app.task("noArgs", async () => undefined);

/** Never called: its body only has to type-check (or fail to, where marked). */
function typeErrors(): void {
  // @ts-expect-error a string where a number is expected
  check("1", "a");
  // @ts-expect-error a number where a string is expected
  check(1, 2);
  // @ts-expect-error a missing argument
  check(1);
  // @ts-expect-error one argument too many
  check(1, "a", true);
  // @ts-expect-error no arguments allowed
  noArgs(1);
  // @ts-expect-error the result is a boolean, not a number
  const wrong: Promise<number> = check(1, "a").result;
  void wrong;
  // @ts-expect-error not a runner class
  app.conf.runnerCls = "Nope";
  // @ts-expect-error maxParallelSlots is a number
  app.conf.maxParallelSlots = "4";
  // @ts-expect-error not a logging level
  app.conf.loggingLevel = "loud";
  // @ts-expect-error not a configuration field
  new Tynenc({ maxParalelSlots: 2 });
  // @ts-expect-error a task function must return a promise
  app.task("notAsync", (n: number) => n);
  // @ts-expect-error a delayed call takes the task's own arguments
  check.with({ delayMs: 10 })("1", "a");
  // @ts-expect-error runAt is a Date, not epoch ms
  check.with({ runAt: Date.now() });
  // @ts-expect-error not a call option
  check.with({ delay: 10 });
}

describe("public API types", () => {
  it("types task.with(options) as the task itself, for calls and parallelize", () => {
    const later = check.with({ delayMs: 1000 });
    expectTypeOf(later).toEqualTypeOf<TaskCaller<[number, string], boolean>>();
    expectTypeOf(later).parameters.toEqualTypeOf<[number, string]>();
    expectTypeOf(later).returns.toEqualTypeOf<Invocation<boolean>>();
    expectTypeOf<ReturnType<typeof later.parallelize>>().toEqualTypeOf<InvocationGroup<boolean>>();
    expectTypeOf(fromNamed.with({ runAt: new Date() })).parameters.toEqualTypeOf<
      [id: string, count?: number]
    >();
    expectTypeOf<CallOptions>().toEqualTypeOf<{ readonly delayMs?: number; readonly runAt?: Date }>();
  });

  it("infers task and invocation types from the function", () => {
    expectTypeOf(check).parameters.toEqualTypeOf<[number, string]>();
    expectTypeOf(check).returns.toEqualTypeOf<Invocation<boolean>>();
    expectTypeOf<ReturnType<typeof check>["result"]>().toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(check).toMatchTypeOf<Task<[number, string], boolean>>();
    expectTypeOf(check).toBeCallableWith(1, "a");
    expectTypeOf(check.fn).toEqualTypeOf<(n: number, s: string) => Promise<boolean>>();
    expectTypeOf(check.id).toEqualTypeOf<string>();

    expectTypeOf(fromNamed).parameters.toEqualTypeOf<[id: string, count?: number]>();
    expectTypeOf<ReturnType<typeof fromNamed>["result"]>().toEqualTypeOf<
      Promise<{ id: string; count: number }>
    >();
    expectTypeOf(withOptions).parameters.toEqualTypeOf<[readonly number[]]>();
    expectTypeOf<ReturnType<typeof withOptions>>().toEqualTypeOf<Invocation<number>>();
    expectTypeOf(noArgs).parameters.toEqualTypeOf<[]>();
    expectTypeOf<ReturnType<typeof noArgs>["result"]>().toEqualTypeOf<Promise<undefined>>();
  });

  it("types the invocation handle", () => {
    type Inv = Invocation<boolean>;
    expectTypeOf<Inv["id"]>().toEqualTypeOf<string>();
    expectTypeOf<Inv["args"]>().toEqualTypeOf<readonly unknown[]>();
    expectTypeOf<Inv["callArgs"]>().toEqualTypeOf<readonly unknown[]>();
    expectTypeOf<Inv["reused"]>().toEqualTypeOf<boolean>();
    expectTypeOf<Inv["status"]>().returns.toEqualTypeOf<Promise<InvocationStatus>>();
    expectTypeOf<Inv["history"]>().returns.toEqualTypeOf<Promise<HistoryEntry[]>>();
    // null: called from outside any task; undefined: the parent was purged (parentId still names it).
    expectTypeOf<Inv["parent"]>().toEqualTypeOf<Invocation<unknown> | null | undefined>();
    expectTypeOf<Inv["parentId"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Tynenc["getInvocation"]>().returns.toEqualTypeOf<Promise<Invocation<unknown>>>();
  });

  it("types the configuration", () => {
    expectTypeOf(app.conf.maxParallelSlots).toEqualTypeOf<number>();
    expectTypeOf(app.conf.devModeForceSyncTasks).toEqualTypeOf<boolean>();
    expectTypeOf(app.conf.runnerCls).toEqualTypeOf<
      "ThreadRunner" | "MultiThreadRunner" | "ProcessRunner" | "PersistentProcessRunner" | "DummyRunner"
    >();
    expectTypeOf(app.conf.loggingLevel).toEqualTypeOf<"debug" | "info" | "warn" | "error" | "silent">();
    // Keeps typeErrors() referenced without calling it.
    assert.equal(typeof typeErrors, "function");
  });
});
