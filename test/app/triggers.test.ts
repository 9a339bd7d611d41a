/**
 * Triggers on the test backend (TYNENC_TEST_BACKEND): events, another task's status, success or failure,
 * allOf/anyOf composites and cron ticks start tasks, with arguments from what fired them. Every test
 * waits for states (what the triggered tasks recorded), never for a fixed time.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  allOf,
  anyOf,
  cron,
  InvocationStatus as S,
  onEvent,
  onFailure,
  onStatus,
  onSuccess,
  type Tynenc,
} from "../../src/index.js";
import { assertValidHistories, trackInvocations, waitUntil } from "../../src/testing/index.js";
import { captureLogger, testApp, withRunner } from "../helpers.js";

class PaymentError extends Error {
  override name = "PaymentError";
}
class CardDeclined extends PaymentError {
  override name = "CardDeclined";
}

/** Resolves once `list` has `count` entries (re-checked at each status change of the app). */
function waitLength(app: Tynenc, list: readonly unknown[], count: number, what: string): Promise<void> {
  return waitUntil(app, () => list.length >= count, `${count} ${what} (have ${list.length})`);
}

/** The ids of the invocations of `taskId` among `ids`. */
async function invocationsOf(app: Tynenc, ids: readonly string[], taskId: string): Promise<string[]> {
  const found: string[] = [];
  for (const id of ids) if ((await app.getInvocation(id)).task.id === taskId) found.push(id);
  return found;
}

void describe("triggers", () => {
  void it("onEvent fires its task per matching event, with a filter and args from the event", async () => {
    const app = testApp();
    const seen: string[] = [];
    app.task(
      "greet",
      async (user: string) => {
        seen.push(user);
      },
      {
        triggers: [
          onEvent("user.login", {
            filter: ({ event }) => (event.payload as { role: string }).role === "admin",
            args: ({ event }) => [(event.payload as { user: string }).user],
          }),
        ],
      },
    );
    await withRunner(app, async () => {
      const id = await app.emitEvent("user.login", { user: "bob", role: "user" });
      assert.match(id, /^[0-9a-f-]{36}$/);
      await app.emitEvent("user.login", { user: "ann", role: "admin" });
      await app.emitEvent("other", { user: "eve", role: "admin" });
      await app.emitEvent("user.login", { user: "max", role: "admin" });
      await waitLength(app, seen, 2, "greetings");
    });
    assert.deepEqual(seen.sort(), ["ann", "max"]);
  });

  void it("an event emitted with no runner up registers its invocation, which runs once a runner starts", async () => {
    const app = testApp();
    const ran: number[] = [];
    app.task("late", async (n: number) => void ran.push(n), { triggers: [onEvent("go", { args: [7] })] });
    const tracked = trackInvocations(app);
    await app.emitEvent("go", null);
    assert.equal(tracked.ids.length, 1, "registered before any runner is up");
    const invocation = await app.getInvocation(tracked.ids[0]!);
    assert.equal(await invocation.status(), S.REGISTERED);
    await withRunner(app, () => waitLength(app, ran, 1, "runs"));
    assert.deepEqual(ran, [7]);
  });

  void it("triggeredBy is in the record: app.getInvocation shows the trigger and the event", async () => {
    const app = testApp();
    app.task("audit", async () => {}, { triggers: [onEvent("audit.me", { id: "audit-trigger" })] });
    const tracked = trackInvocations(app);
    const eventId = await app.emitEvent("audit.me", { x: 1 });
    const shown = await app.getInvocation(tracked.ids[0]!);
    assert.deepEqual(shown.triggeredBy, {
      triggerId: "audit-trigger",
      sources: [{ kind: "event", eventId, name: "audit.me" }],
    });
    assert.equal(shown.parent, null);
  });

  void it("onSuccess fires with the result and the triggering invocation's args; its filter sees the result", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    const divide = app.task("divide", async (a: number, b: number) => a / b);
    const got: [number, number][] = [];
    app.task("report", async (result: number, a: number) => void got.push([result, a]), {
      triggers: [
        onSuccess(divide, {
          filter: ({ result }) => result > 2,
          args: ({ result, invocation }) => [result, invocation.args[0] as number],
        }),
      ],
    });
    const tracked = trackInvocations(app);
    await withRunner(app, async () => {
      assert.equal(await divide(4, 2).result, 2);
      assert.equal(await divide(9, 2).result, 4.5);
      await waitLength(app, got, 1, "reports");
    });
    assert.deepEqual(got, [[4.5, 9]]);
    const [report] = await invocationsOf(app, tracked.ids, "report");
    const shown = await app.getInvocation(report!);
    assert.equal(shown.parent, null, "a triggered invocation has no parent");
    assert.equal(shown.triggeredBy?.sources[0]?.kind, "status");
    await assertValidHistories(app, tracked.ids);
  });

  void it("onFailure fires on the listed error classes and their subclasses; without errors on every failure", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    app.registerClass(CardDeclined); // errors come back as themselves for classes the app knows
    const pay = app.task("pay", async (kind: string) => {
      if (kind === "declined") throw new CardDeclined("declined");
      if (kind === "type") throw new TypeError("bad type");
      return "ok";
    });
    const payment: string[] = [];
    const any: string[] = [];
    app.task("onPayment", async (message: string) => void payment.push(message), {
      triggers: [onFailure(pay, { errors: [PaymentError], args: ({ error }) => [error.message] })],
    });
    app.task("onAny", async (name: string) => void any.push(name), {
      triggers: [onFailure(pay, { args: ({ error }) => [error.name] })],
    });
    await withRunner(app, async () => {
      await pay("declined").result.catch(() => {});
      await pay("type").result.catch(() => {});
      await pay("fine").result;
      await waitLength(app, any, 2, "failures seen by onAny");
      await waitLength(app, payment, 1, "payment failures");
    });
    assert.deepEqual(payment, ["declined"]);
    assert.deepEqual(any.sort(), ["CardDeclined", "TypeError"]);
  });

  void it("onStatus fires for each listed status reached, with the status in its context", async () => {
    const app = testApp();
    const work = app.task("work", async (n: number) => n);
    const statuses: string[] = [];
    app.task("watch", async (status: string, n: number) => void statuses.push(`${status}:${n}`), {
      triggers: [
        onStatus(work, [S.RUNNING, S.SUCCESS], {
          filter: ({ invocation }) => invocation.args[0] !== 0,
          args: ({ status, invocation }) => [status, invocation.args[0] as number],
        }),
      ],
    });
    await withRunner(app, async () => {
      await work(0).result;
      await work(1).result;
      await waitLength(app, statuses, 2, "status firings");
    });
    assert.deepEqual(statuses.sort(), ["RUNNING:1", "SUCCESS:1"]);
  });

  void it("allOf across two tasks fires once when both succeeded, with the latest context of each, then needs both again", async () => {
    const app = testApp({ maxParallelSlots: 2 });
    const left = app.task("left", async (n: number) => n);
    const right = app.task("right", async (s: string) => s);
    const joined: string[] = [];
    app.task("join", async (text: string) => void joined.push(text), {
      triggers: [
        allOf([onSuccess(left), onSuccess(right)], {
          args: ({ parts: [l, r] }) => [`${l.result}-${r.result}`],
        }),
      ],
    });
    await withRunner(app, async () => {
      await left(1).result;
      await left(2).result; // replaces the first context of the left part
      assert.equal(joined.length, 0);
      await right("a").result;
      await waitLength(app, joined, 1, "joins");
      await right("b").result; // the left part must be satisfied again
      await left(3).result;
      await waitLength(app, joined, 2, "joins");
    });
    assert.deepEqual(joined, ["2-a", "3-b"]);
  });

  void it("anyOf fires once per satisfied part, its context holding that part's at its index", async () => {
    const app = testApp();
    const got: string[] = [];
    app.task("either", async (what: string) => void got.push(what), {
      triggers: [
        anyOf([onEvent("a"), onEvent("b")], {
          args: ({ parts: [a, b] }) => [a ? `a:${String(a.event.payload)}` : `b:${String(b?.event.payload)}`],
        }),
      ],
    });
    await withRunner(app, async () => {
      await app.emitEvent("a", 1);
      await app.emitEvent("b", 2);
      await app.emitEvent("a", 3);
      await waitLength(app, got, 3, "firings");
    });
    assert.deepEqual(got.sort(), ["a:1", "a:3", "b:2"]);
  });

  void it("allOf of events fires through the trigger store; its sources list both events", async () => {
    const app = testApp();
    app.task("both", async () => {}, { triggers: [allOf([onEvent("x"), onEvent("y")], { id: "xy" })] });
    const tracked = trackInvocations(app);
    const x = await app.emitEvent("x", null);
    assert.equal(tracked.ids.length, 0);
    const y = await app.emitEvent("y", null);
    assert.equal(tracked.ids.length, 1);
    const shown = await app.getInvocation(tracked.ids[0]!);
    assert.deepEqual(
      shown.triggeredBy?.sources.map((s) => (s.kind === "event" ? s.eventId : "")),
      [x, y],
    );
  });

  void it("a filter that throws, or returns a non-boolean, is logged with the trigger and skipped; the runner keeps working", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "warn" });
    const ran: string[] = [];
    app.task("fragile", async (what: string) => void ran.push(what), {
      triggers: [
        onEvent("boom", {
          id: "boom-trigger",
          filter: ({ event }) => {
            if (event.payload === "throw") throw new Error("filter broke");
            return event.payload === "ok";
          },
          args: ({ event }) => [String(event.payload)],
        }),
        onEvent("bad-args", { args: (() => "not an array") as unknown as () => [string] }),
        onEvent("not-bool", { filter: (() => "yes") as unknown as () => boolean, args: ["x"] }),
      ],
    });
    const echo = app.task("echo", async (n: number) => n);
    await withRunner(app, async () => {
      await app.emitEvent("boom", "throw");
      await app.emitEvent("bad-args", null);
      await app.emitEvent("not-bool", null);
      await app.emitEvent("boom", "ok");
      assert.equal(await echo(5).result, 5);
      await waitLength(app, ran, 1, "runs");
    });
    assert.deepEqual(ran, ["ok"]);
    const warnings = logger.lines.filter((l) => l.level === "warn").map((l) => l.msg);
    assert.ok(
      warnings.some(
        (m) => m.includes("boom-trigger") && m.includes('"fragile"') && m.includes("filter threw"),
      ),
      warnings.join("\n"),
    );
    assert.ok(
      warnings.some((m) => m.includes("not an array of arguments")),
      warnings.join("\n"),
    );
    assert.ok(
      warnings.some((m) => m.includes("not a boolean")),
      warnings.join("\n"),
    );
  });

  void it("a cron trigger with seconds fires each tick once while a ThreadRunner is up, with the tick's time", async () => {
    // The default heartbeat (5 s): on a shared backend the runner takes the lease at its start.
    const app = testApp();
    const ticks: number[] = [];
    app.task("tick", async (at: number) => void ticks.push(at), {
      triggers: [cron("* * * * * *", { args: ({ at }) => [at.getTime()] })],
    });
    const startedAt = Date.now();
    await withRunner(app, () => waitLength(app, ticks, 3, "ticks"));
    assert.ok(Math.min(...ticks) > startedAt - 1000, "first start, nothing stored: no catch-up");
    assert.equal(new Set(ticks).size, ticks.length, `no tick twice: ${ticks.join(", ")}`);
    for (const at of ticks) assert.equal(at % 1000, 0, "ticks are whole seconds");
    const sorted = [...ticks].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) assert.equal(sorted[i]! - sorted[i - 1]!, 1000);
  });

  for (const cronCatchUp of [1, 0]) {
    void it(`after a restart a cron trigger fires at most cronCatchUp (${cronCatchUp}) missed ticks, never one twice`, async () => {
      const app = testApp({ heartbeatIntervalMs: 50, runnerDeadAfterMs: 500, cronCatchUp });
      const ticks: number[] = [];
      app.task("tock", async (at: number) => void ticks.push(at), {
        triggers: [cron("* * * * * *", { id: "tock", args: ({ at }) => [at.getTime()] })],
      });
      await withRunner(app, () => waitLength(app, ticks, 1, "ticks"));
      const last = (await app.backend.triggerStore.lastCronTick("tock"))!;
      // Three ticks pass with no runner up.
      await waitUntilTime(last + 3500);
      const restartedAt = Date.now();
      const before = ticks.length;
      await withRunner(app, () => waitLength(app, ticks, before + 1, "a tick after the restart"));
      const first = ticks[before]!;
      // Missed: the ticks up to the restart. With 1, the most recent of them fires first (the older
      // ones never); with 0 none does, and the first is the next tick after the restart.
      if (cronCatchUp === 1) {
        const late = first - restartedAt;
        assert.ok(first <= restartedAt && first > restartedAt - 1000, `the latest missed tick: ${late} ms`);
      } else assert.ok(first > restartedAt, `no missed tick: ${first - restartedAt} ms`);
      assert.equal(new Set(ticks).size, ticks.length, "never a tick twice");
    });
  }
});

/** Resolves once the clock reaches `at` (the test needs wall time to pass with no runner up). */
function waitUntilTime(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}
