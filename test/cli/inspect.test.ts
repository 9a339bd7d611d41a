import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { InvocationReport } from "../../src/cli/invocation.js";
import type { StatusReport } from "../../src/cli/status.js";
import type { TriggeredBy } from "../../src/triggers/trigger-store.js";
import { withRunner } from "../../src/testing/index.js";
import { appModule, cli, type AppModule } from "./harness.js";

/** An app with one SUCCESS, one FAILED and three REGISTERED invocations (no runner left to run them). */
async function appWithWork() {
  const mod = await appModule();
  const { app, add, fail, sleep } = mod;
  const done = add(1, 2);
  const failed = fail("boom");
  await withRunner(app, async () => {
    await done.result;
    await failed.result.catch(() => undefined);
  });
  const waiting = [add(5, 6), sleep(10), add(7, 8)];
  await app.registrar.settled();
  return { ...mod, done, failed, waiting };
}

function heartbeats(mod: AppModule) {
  const now = Date.now();
  const store = mod.app.backend.orchestratorStore;
  const base = { cls: "ThreadRunner", hostname: "host-a", startedAt: now - 5000 };
  void store.heartbeat({ ...base, runnerId: "alive-1", pid: 11, heartbeatAt: now - 1000 });
  void store.heartbeat({
    ...base,
    runnerId: "dead-1",
    pid: 12,
    heartbeatAt: now - 2 * mod.app.conf.runnerDeadAfterMs,
  });
}

void describe("tynenc status", () => {
  void it("counts by status, runners with heartbeat age, and the oldest waiting invocations (--json)", async () => {
    const mod = await appWithWork();
    heartbeats(mod);
    const run = await cli(["status", "--app", "app.mjs", "--json"], { cwd: mod.dir });
    assert.equal(run.code, 0, run.err);
    assert.match(run.err, /^note: the "memory" backend lives inside this process/);
    const report = JSON.parse(run.out) as StatusReport;
    assert.deepEqual(report.counts, { SUCCESS: 1, FAILED: 1, REGISTERED: 3 });
    assert.equal(report.total, 5);
    assert.deepEqual(report.runners.map((r) => [r.runnerId, r.dead]).sort(), [
      ["alive-1", false],
      ["dead-1", true],
    ]);
    assert.ok(report.runners.every((r) => r.heartbeatAgeMs >= 1000));
    assert.equal(report.waitingTotal, 3);
    assert.deepEqual(
      report.oldestWaiting.map((w) => [w.id, w.task, w.status]).sort(),
      mod.waiting.map((inv) => [inv.id, inv.task.id, "REGISTERED"]).sort(),
    );
    assert.ok(report.oldestWaiting.every((w) => w.ageMs >= 0));
  });

  void it("prints tables, and --limit lists only the oldest n", async () => {
    const mod = await appWithWork();
    heartbeats(mod);
    const run = await cli(["status", "--app", "app.mjs", "--limit", "2"], { cwd: mod.dir });
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /^app cli-test on the memory backend\n/);
    assert.match(run.out, /invocations: 5\nstatus +count\nREGISTERED +3\nSUCCESS +1\nFAILED +1\n/);
    assert.match(run.out, /runners: 2\nrunner +class +host:pid +heartbeat +state\n/);
    assert.match(run.out, /^alive-1 +ThreadRunner +host-a:11 +1\.\ds ago +alive$/m);
    assert.match(run.out, /^dead-1 +ThreadRunner +host-a:12 +2m00s ago +dead$/m);
    assert.match(
      run.out,
      /waiting: 3 \(oldest 2\)\nid +task +status +age\n(\S+ +(add|sleep) +REGISTERED +\d+ms\n){2}$/,
    );
  });

  void it("an empty app: zero everywhere", async () => {
    const mod = await appModule();
    const run = await cli(["status", "--app", "app.mjs"], { cwd: mod.dir });
    assert.equal(run.code, 0, run.err);
    assert.match(run.out, /invocations: 0\n\nrunners: 0\n\nwaiting: 0\n$/);
  });
});

void describe("tynenc invocation", () => {
  void it("a success: task, arguments, status, history and result (--json)", async () => {
    const mod = await appWithWork();
    const run = await cli(["invocation", mod.done.id, "--app", "app.mjs", "--json"], { cwd: mod.dir });
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as InvocationReport;
    assert.equal(report.task, "add");
    assert.equal(report.parentId, null);
    assert.deepEqual(report.args, [1, 2]);
    assert.equal(report.status, "SUCCESS");
    assert.deepEqual(
      report.history.map((h) => h.status),
      ["REGISTERED", "PENDING", "RUNNING", "SUCCESS"],
    );
    assert.ok(report.history.slice(1).every((h) => typeof h.runnerId === "string"));
    assert.deepEqual(report.outcome, { ok: true, result: 3 });
  });

  void it("a failure shows the error with its class; text output has the history table", async () => {
    const mod = await appWithWork();
    const run = await cli(["invocation", mod.failed.id, "--app", "app.mjs"], { cwd: mod.dir });
    assert.equal(run.code, 0, run.err);
    assert.match(
      run.out,
      /^id +\S+\ntask +fail\nparent +none \(called outside any task\)\nstatus +FAILED\narguments +\[ 'boom' \]\n/,
    );
    assert.match(run.out, /\nerror\n {2}RangeError: boom\n/);
    assert.match(run.out, /\n\nhistory\ntime +status +runner\n\d{4}-\d\d-\d\dT\S+Z +REGISTERED +-\n/);
    const json = JSON.parse(
      (await cli(["invocation", mod.failed.id, "--app", "app.mjs", "--json"], { cwd: mod.dir })).out,
    ) as {
      outcome: { ok: false; error: { name: string; message: string } };
    };
    assert.equal(json.outcome.ok, false);
    assert.deepEqual([json.outcome.error.name, json.outcome.error.message], ["RangeError", "boom"]);
  });

  void it("one not final yet has no result and does not wait for one", async () => {
    const mod = await appWithWork();
    const id = mod.waiting[1]?.id ?? "";
    const run = await cli(["invocation", id, "--app", "app.mjs", "--json"], { cwd: mod.dir });
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as InvocationReport;
    assert.deepEqual(
      [report.task, report.status, report.args, report.outcome],
      ["sleep", "REGISTERED", [10], undefined],
    );
    const text = await cli(["invocation", id, "--app", "app.mjs"], { cwd: mod.dir });
    assert.doesNotMatch(text.out, /^(result|error)/m);
  });

  void it("a delayed call shows when it runs; another call shows no such line", async () => {
    const mod = await appModule();
    const runAt = new Date(Date.now() + 3_600_000);
    const delayed = mod.add.with({ runAt })(1, 1);
    await mod.app.registrar.settled();
    const run = await cli(["invocation", delayed.id, "--app", "app.mjs", "--json"], { cwd: mod.dir });
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as InvocationReport;
    assert.deepEqual([report.status, report.runAt], ["REGISTERED", runAt.toISOString()]);
    const text = await cli(["invocation", delayed.id, "--app", "app.mjs"], { cwd: mod.dir });
    assert.match(text.out, new RegExp(`^runs at +${runAt.toISOString()} \\(delayed call\\)$`, "m"));
    const other = await cli(["invocation", mod.add(2, 2).id, "--app", "app.mjs"], { cwd: mod.dir });
    assert.doesNotMatch(other.out, /runs at/);
  });

  void it("one a trigger made shows the trigger and what fired it; another call shows neither", async () => {
    const mod = await appModule();
    const call = mod.add(1, 1);
    await mod.app.registrar.settled();
    const triggeredBy: TriggeredBy = {
      triggerId: "add#allOf:0",
      sources: [
        { kind: "event", eventId: "ev-1", name: "order.placed" },
        { kind: "status", invocationId: "inv-2", status: "SUCCESS" },
        { kind: "cron", at: Date.UTC(2026, 0, 2, 3, 4, 5) },
      ],
    };
    const state = mod.app.backend.stateBackend;
    const { id, taskId, argsId, serializedArgs, parentId, createdAt } = (await state.getInvocation(call.id))!;
    // Stored again as a trigger's registration stores it (the record's fields are getters: named here).
    await state.saveInvocations([{ id, taskId, argsId, serializedArgs, parentId, createdAt, triggeredBy }]);
    const run = await cli(["invocation", call.id, "--app", "app.mjs", "--json"], { cwd: mod.dir });
    assert.equal(run.code, 0, run.err);
    assert.deepEqual((JSON.parse(run.out) as InvocationReport).triggeredBy, triggeredBy);
    const text = await cli(["invocation", call.id, "--app", "app.mjs"], { cwd: mod.dir });
    assert.match(
      text.out,
      /^trigger +add#allOf:0\nfired by +event order\.placed \(ev-1\)\n +invocation inv-2 reached SUCCESS\n +cron tick 2026-01-02T03:04:05\.000Z$/m,
    );
    const other = await cli(["invocation", mod.add(2, 2).id, "--app", "app.mjs"], { cwd: mod.dir });
    assert.doesNotMatch(other.out, /^(trigger|fired by)/m);
  });

  void it("an unknown id is a clear error without a stack (exit 1)", async () => {
    const mod = await appModule();
    const run = await cli(["invocation", "no-such-id", "--app", "app.mjs"], { cwd: mod.dir });
    assert.equal(run.code, 1);
    assert.match(run.err, /^tynenc: No invocation with id no-such-id in backend "memory"/m);
    assert.doesNotMatch(run.err, /\n\s+at /);
    assert.equal(run.out, "");
  });
});

void describe("tynenc purge", () => {
  const count = async (mod: AppModule) =>
    Object.values(await mod.app.backend.orchestratorStore.countByStatus()).reduce((a, b) => a + b, 0);

  void it("without a terminal it needs --yes (exit 2, nothing deleted)", async () => {
    const mod = await appWithWork();
    const run = await cli(["purge", "--app", "app.mjs"], { cwd: mod.dir });
    assert.equal(run.code, 2);
    assert.match(run.err, /purge would delete all 5 invocation\(s\) of app cli-test .*pass --yes/);
    assert.equal(await count(mod), 5);
  });

  void it("on a terminal it asks; anything but yes keeps everything", async () => {
    const mod = await appWithWork();
    heartbeats(mod);
    const questions: string[] = [];
    const run = await cli(
      ["purge", "--app", "app.mjs"],
      { cwd: mod.dir, interactive: true, answer: "n" },
      questions,
    );
    assert.equal(run.code, 0, run.err);
    assert.match(
      questions[0] ?? "",
      /^1 runner\(s\) of this app are alive \(host-a:11\).*Delete all 5 invocation\(s\) of app cli-test from the memory backend\? \[y\/N\] $/,
    );
    assert.match(run.err, /Nothing deleted\./);
    assert.equal(await count(mod), 5);
  });

  void it("deletes every invocation on yes, or at once with --yes", async () => {
    for (const args of [["--yes"], []]) {
      const mod = await appWithWork();
      const run = await cli(["purge", "--app", "app.mjs", ...args], {
        cwd: mod.dir,
        interactive: true,
        answer: "yes",
      });
      assert.equal(run.code, 0, run.err);
      assert.match(run.out, /^Deleted all 5 invocation\(s\) of app cli-test from the memory backend\.\n$/);
      assert.equal(await count(mod), 0);
      assert.equal(await mod.app.backend.stateBackend.getInvocation(mod.done.id), undefined);
      const after = await cli(["invocation", mod.done.id, "--app", "app.mjs"], { cwd: mod.dir });
      assert.equal(after.code, 1);
    }
  });
});
