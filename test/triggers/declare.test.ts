/**
 * Declaring triggers: the builders, stable ids, and every error `app.task` and `app.emitEvent` give for
 * bad input (a TriggerError naming the task and the trigger), on the memory backend.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  allOf,
  anyOf,
  cron,
  onEvent,
  onFailure,
  onStatus,
  onSuccess,
  SerializationError,
  TriggerError,
  Tynenc,
  type InvocationStatus,
  type Trigger,
} from "../../src/index.js";
import { trackInvocations } from "../../src/testing/index.js";
import { captureLogger } from "../helpers.js";

function quietApp(): Tynenc {
  return new Tynenc({ appId: "declare", logger: captureLogger(), loggingLevel: "error" });
}

/** The id of the trigger an event fires, read from the triggered invocation's record. */
async function firedTriggerId(app: Tynenc, event: string): Promise<string | undefined> {
  const tracked = trackInvocations(app);
  await app.emitEvent(event, { n: 1 });
  tracked.stop();
  assert.equal(tracked.ids.length, 1, `one invocation for event ${event}`);
  return (await app.getInvocation(tracked.ids[0]!)).triggeredBy?.triggerId;
}

function triggerError(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof TriggerError, `a TriggerError, got ${String(error)}`);
    assert.equal(error.code, "TRIGGER_INVALID");
    for (const part of parts) assert.ok(error.message.includes(part), `"${part}" in: ${error.message}`);
    return true;
  });
}

void describe("trigger builders", () => {
  void it("make frozen definitions carrying their options", () => {
    const filter = () => true;
    const t = onEvent("x", { filter, args: [1], id: "mine" });
    assert.equal(t.kind, "event");
    assert.ok(Object.isFrozen(t));
    assert.deepEqual({ ...t }, { kind: "event", id: "mine", args: [1], name: "x", filter });
    assert.equal(cron("* * * * *", { timezone: "UTC" }).kind, "cron");
    assert.equal(allOf([onEvent("a"), onEvent("b")]).kind, "allOf");
    assert.equal(anyOf([onEvent("a")]).kind, "anyOf");
  });
});

void describe("trigger ids", () => {
  const declare = (app: Tynenc, trigger: Trigger<[]>) =>
    app.task("t", async () => {}, { triggers: [trigger] });

  void it("are stable across app instances (restarting runners re-derive the same ids)", async () => {
    const ids: (string | undefined)[] = [];
    for (let i = 0; i < 2; i++) {
      const app = quietApp();
      declare(app, onEvent("e", { filter: ({ event }) => event.payload !== null }));
      ids.push(await firedTriggerId(app, "e"));
      await app.close();
    }
    assert.match(ids[0]!, /^trg_[0-9a-f]{24}$/);
    assert.equal(ids[0], ids[1]);
  });

  void it("differ when the definition changes (filter source, args, task) and follow an explicit id", async () => {
    const idOf = async (trigger: Trigger<[]>, taskId = "t") => {
      const app = quietApp();
      app.task(taskId, async () => {}, { triggers: [trigger] });
      const id = await firedTriggerId(app, "e");
      await app.close();
      return id;
    };
    const base = await idOf(onEvent("e"));
    const changed = [
      await idOf(onEvent("e", { filter: ({ event }) => event.name === "e" })),
      await idOf(onEvent("e", { filter: ({ event }) => event.name !== "x" })),
      await idOf(onEvent("e", { args: [] as [] })),
      await idOf(onEvent("e"), "other"),
      await idOf(anyOf([onEvent("e")])),
    ];
    assert.equal(new Set([base, ...changed]).size, 6, [base, ...changed].join("\n"));
    assert.equal(await idOf(onEvent("e", { id: "fixed" })), "fixed");
  });

  void it("nested parts get ids derived from their parent's", async () => {
    const app = quietApp();
    const inner = allOf([onEvent("a"), onEvent("b")]);
    app.task("t", async () => {}, { triggers: [allOf([inner, onEvent("c")], { id: "outer" })] });
    await app.emitEvent("a", null);
    // Event "a" satisfied part 0 of the inner allOf, whose id is "outer/0": completing its part 1
    // through the store returns both parts.
    const parts = await app.backend.triggerStore.satisfyPart("outer/0", 1, 2, "marker");
    assert.equal(parts?.length, 2);
    assert.equal(parts?.[1], "marker");
    await app.close();
  });

  void it("two triggers of one task with the same id are an error at app.task, asking for an id", () => {
    const app = quietApp();
    triggerError(
      () => app.task("t", async () => {}, { triggers: [onEvent("e"), onEvent("e")] }),
      'Task "t"',
      "trigger #2",
      "same id",
      "`id`",
    );
    triggerError(
      () =>
        app.task("u", async () => {}, {
          triggers: [onEvent("a", { id: "x" }), cron("* * * * *", { id: "x" })],
        }),
      'Task "u"',
      '"x"',
    );
    app.task("v", async () => {}, { triggers: [onEvent("a", { id: "shared" })] });
    triggerError(
      () => app.task("w", async () => {}, { triggers: [onEvent("b", { id: "shared" })] }),
      'task "v"',
      "another `id`",
    );
  });
});

void describe("trigger validation at app.task", () => {
  const app = quietApp();
  const other = quietApp();
  const mine = app.task("mine", async () => 1);
  const foreign = other.task("foreign", async () => 1);
  let n = 0;
  const declare = (trigger: unknown) => () =>
    app.task(`task${++n}`, async () => {}, { triggers: [trigger as Trigger<[]>] });

  void it("an invalid cron expression, field count or timezone", () => {
    triggerError(declare(cron("61 * * * *")), "cron expression", "61 * * * *", "minute");
    triggerError(declare(cron("* * * *")), "4 field(s)", "give 5");
    triggerError(declare(cron("* * * * * * *")), "7 field(s)");
    triggerError(declare(cron("* * * * *", { timezone: "Mars/Olympus" })), "Mars/Olympus", "IANA");
    triggerError(declare(cron(5 as unknown as string)), "must be a string");
  });

  void it("a watched task that is not a task of this app, and unknown statuses", () => {
    triggerError(declare(onSuccess(foreign)), 'onSuccess "foreign"', "not a task of this app");
    triggerError(declare(onStatus({} as typeof mine, ["SUCCESS"])), "not a task of this app");
    triggerError(declare(onStatus(mine, ["DONE" as InvocationStatus])), '"DONE"', "known: REGISTERED");
    triggerError(declare(onStatus(mine, [])), "non-empty array of statuses");
  });

  void it("errors that are not constructors, empty composites, bad args, parts with their own args", () => {
    triggerError(
      declare(onFailure(mine, { errors: ["TypeError" as never] })),
      'option "errors"',
      "constructors",
    );
    triggerError(declare(allOf([])), "non-empty array");
    triggerError(declare(anyOf([] as never)), "non-empty array");
    triggerError(declare(onEvent("e", { args: 5 as never })), 'option "args"', "number 5");
    triggerError(declare(allOf([onEvent("e", { args: [1] }) as never])), "part #1", "takes no `args`");
    triggerError(declare(onEvent("")), "non-empty string");
    triggerError(declare({ kind: "event", name: "e" }), "is not a trigger");
    triggerError(() => app.task("bad", async () => {}, { triggers: "no" as never }), "must be an array");
  });

  void it("a failed app.task registers nothing: the name stays free", () => {
    triggerError(declare(cron("nope")));
    const id = `task${n}`;
    app.task(id, async () => {});
  });
});

void describe("status triggers and the hot path", () => {
  void it("an app listens to status changes only once a task has a status trigger", () => {
    const app = quietApp();
    const work = app.task("work", async () => 1);
    app.task("byEvent", async () => {}, { triggers: [onEvent("e"), cron("* * * * *")] });
    assert.equal(app.events.hasListeners("invocation:status"), false, "events and cron need no listener");
    app.task("bySuccess", async () => {}, { triggers: [onSuccess(work)] });
    assert.equal(app.events.hasListeners("invocation:status"), true);
  });
});

void describe("app.emitEvent with bad input", () => {
  void it("rejects a name that is not a non-empty string, and an unserializable payload, registering nothing", async () => {
    const app = quietApp();
    app.task("t", async () => {}, { triggers: [onEvent("e")] });
    const tracked = trackInvocations(app);
    await assert.rejects(
      app.emitEvent("", {}),
      (e: unknown) => e instanceof TriggerError && /non-empty string/.test(e.message),
    );
    await assert.rejects(app.emitEvent(42 as unknown as string, {}), TriggerError);
    await assert.rejects(app.emitEvent("e", { f: () => 1 }), SerializationError);
    assert.equal(tracked.ids.length, 0);
    await app.close();
  });
});
