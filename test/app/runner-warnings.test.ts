import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  CancelledError,
  InvocationStatus as S,
  NoRunnerError,
  type Tynenc,
  type TynencOptions,
} from "../../src/index.js";
import { waitForStatus } from "../../src/testing/index.js";
import { captureLogger, inProcessBackendOnly, testApp, testBackend, withRunner } from "../helpers.js";

/** An app whose config is loaded with `env` set (plus a config file holding `file`), then unset again. */
function appWithSettings(
  env: Record<string, string>,
  file: Record<string, unknown>,
  options: TynencOptions,
): Tynenc {
  const path = join(mkdtempSync(join(tmpdir(), "tynenc-warnings-")), "tynenc.config.json");
  writeFileSync(path, JSON.stringify(file));
  const all = { ...env, TYNENC__CONFIG_FILEPATH: path };
  Object.assign(process.env, all);
  try {
    return testApp(options);
  } finally {
    for (const name of Object.keys(all)) delete process.env[name];
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const warnLines = (logger: ReturnType<typeof captureLogger>) =>
  logger.lines.filter((line) => line.level === "warn").map((line) => line.msg);

describe("task settings for ids no task has", () => {
  it("are checked when the runner starts: listed in app.conf.warnings and logged once at warn", async () => {
    const logger = captureLogger();
    const app = appWithSettings(
      { TYNENC__TASK__FIBONACI__MAX_RETRIES: "2" },
      { tasks: { fetchh: { maxRetries: 1 }, fibonacci: { timeoutMs: 100 } } },
      { logger, loggingLevel: "warn" },
    );
    app.task("fibonacci", async (n: number) => n);
    app.task("fetch", async () => 1);
    assert.deepEqual(warnLines(logger), [], "nothing can be told before the tasks register");
    await withRunner(app, async () => {});
    const logged = warnLines(logger);
    assert.equal(logged.length, 2, logged.join("\n"));
    assert.match(
      logged.join("\n"),
      /TYNENC__TASK__FIBONACI__MAX_RETRIES.*did you mean TYNENC__TASK__FIBONACCI__MAX_RETRIES/,
    );
    assert.match(logged.join("\n"), /task "fetchh".*did you mean "fetch"\?/);
    assert.deepEqual([...app.conf.warnings], logged);
    await withRunner(app, async () => {});
    assert.equal(warnLines(logger).length, 2, "a restarted runner does not log them again");
  });
});

describe("the no-runner warning", () => {
  it(
    "is not logged when DummyRunner on the memory backend makes the result reject with NoRunnerError",
    inProcessBackendOnly(),
    async () => {
      const logger = captureLogger();
      const app = testApp({ runnerCls: "DummyRunner", logger, loggingLevel: "warn" });
      const one = app.task("one", async () => 1);
      await assert.rejects(one().result, NoRunnerError);
      assert.deepEqual(warnLines(logger), []);
    },
  );

  it(
    "does not tell a DummyRunner app to start app.runner.run() when another app of the process executes",
    inProcessBackendOnly(),
    async () => {
      const backend = testBackend();
      const worker = testApp({ backend });
      worker.task("one", async () => 1);
      assert.equal(worker.runner.cls, "ThreadRunner");
      const logger = captureLogger();
      const client = testApp({ backend, runnerCls: "DummyRunner", logger, loggingLevel: "warn" });
      const one = client.task("one", async () => 1);
      const value = one().result.then((v) => v); // awaited while the worker's runner is not running
      await nextTurn();
      const [warning, ...rest] = warnLines(logger);
      assert.deepEqual(rest, []);
      assert.match(warning ?? "", /no runner is running/);
      assert.doesNotMatch(warning ?? "", /app\.runner\.run\(\)/);
      assert.match(warning ?? "", /DummyRunner/);
      assert.equal(await withRunner(worker, () => value), 1);
    },
  );

  it("is not logged for results already final when awaited after the runner stopped", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "warn" });
    const fail = app.task("fail", async () => {
      throw new Error("boom");
    });
    const one = app.task("one", async () => 1);
    const failed = fail();
    const succeeded = one();
    await withRunner(app, async () => {
      await waitForStatus(app, failed, S.FAILED);
      await waitForStatus(app, succeeded, S.SUCCESS);
    });
    await assert.rejects(failed.result, /boom/);
    assert.equal(await succeeded.result, 1);
    assert.deepEqual(warnLines(logger), []);
  });

  it("is not logged, and no NoRunnerError raised, for a cancelled invocation under DummyRunner", async () => {
    const logger = captureLogger();
    const app = testApp({ runnerCls: "DummyRunner", logger, loggingLevel: "warn" });
    const one = app.task("one", async () => 1);
    const invocation = one();
    assert.equal(await invocation.cancel(), true);
    await assert.rejects(invocation.result, CancelledError);
    assert.deepEqual(warnLines(logger), []);
  });
});
