/**
 * Trigger types: `args` is checked against the task's parameters, contexts are inferred from the
 * builder (a success's result from the watched task), and a trigger without args on a task that needs
 * arguments is a type error. The bodies below only have to type-check (or fail to, where marked).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectTypeOf } from "expect-type";
import {
  allOf,
  anyOf,
  cron,
  onEvent,
  onFailure,
  onStatus,
  onSuccess,
  Tynenc,
  type EventContext,
  type Invocation,
  type InvocationStatus,
  type Trigger,
} from "../../src/index.js";
import { captureLogger } from "../helpers.js";

const app = new Tynenc({ appId: "trigger-types", logger: captureLogger() });
const divide = app.task("divide", async (a: number, b: number) => ({ quotient: a / b }));

function typeChecks(): void {
  app.task("fromEvent", async (user: string, n: number) => `${user}${n}`, {
    triggers: [
      onEvent("login", {
        filter: (c: EventContext<{ user: string }>) => c.event.payload.user !== "",
        args: ({ event }) => [event.payload.user, 1],
      }),
      onSuccess(divide, {
        filter: ({ result }) => result.quotient > 1,
        args: ({ result, invocation }) => [String(invocation.args[0]), result.quotient],
      }),
      onFailure(divide, { errors: [TypeError], args: ({ error }) => [error.message, 0] }),
      onStatus(divide, ["CANCELLED"], { args: ({ status }) => [status, 0] }),
      cron("0 * * * *", { args: ({ at }) => [at.toISOString(), at.getTime()] }),
      cron("0 * * * *", { args: ["static", 2] }),
      allOf([onSuccess(divide), onEvent("go")], {
        args: ({ parts: [done, go] }) => [go.event.name, done.result.quotient],
      }),
      anyOf([onSuccess(divide), onEvent("go")], {
        args: ({ parts: [done, go] }) => [go?.event.id ?? "", done?.result.quotient ?? 0],
      }),
    ],
  });
  app.task("noArgs", async () => 1, { triggers: [onEvent("e"), cron("* * * * *"), onSuccess(divide)] });
  app.task("optional", async (n?: number) => n, { triggers: [onEvent("e")] });

  // @ts-expect-error the task needs an argument: a trigger without args cannot call it
  app.task("needsArgs", async (n: number) => n, { triggers: [onEvent("e")] });
  // @ts-expect-error static args of the wrong type
  app.task("wrongStatic", async (n: number) => n, { triggers: [onEvent("e", { args: ["one"] })] });
  app.task("wrongFromContext", async (n: number) => n, {
    // @ts-expect-error the result is an object, the task wants a number
    triggers: [onSuccess(divide, { args: ({ result }) => [result] })],
  });
  // @ts-expect-error a filter must return a boolean
  onSuccess(divide, { filter: ({ result }) => result.quotient });
  // @ts-expect-error not a status
  onStatus(divide, ["DONE"]);
}

void describe("trigger types", () => {
  void it("builders return typed triggers; contexts come from the builder", () => {
    expectTypeOf(onEvent("e")).toEqualTypeOf<Trigger<[], EventContext<unknown>>>();
    expectTypeOf(cron("* * * * *", { args: [1] })).toExtend<Trigger<readonly [1]>>();
    onSuccess(divide, {
      args: (context) => {
        expectTypeOf(context.result).toEqualTypeOf<{ quotient: number }>();
        expectTypeOf(context.invocation).toEqualTypeOf<Invocation<{ quotient: number }>>();
        return [];
      },
    });
    onStatus(divide, ["SUCCESS"], {
      filter: (context) => {
        expectTypeOf(context.status).toEqualTypeOf<InvocationStatus>();
        return true;
      },
    });
    assert.equal(typeof typeChecks, "function");
  });
});
