import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { AppConfig } from "../../src/config/index.js";

/** An app config from a temp dir holding `tynenc.config.json` with `file`, and `env`. */
function load(file: Record<string, unknown> | undefined, env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "tynenc-unknown-tasks-"));
  if (file) writeFileSync(join(cwd, "tynenc.config.json"), JSON.stringify(file));
  return AppConfig.load({}, { env, cwd });
}

/** Registers the tasks as the app does: resolved, then added. */
function withTasks(conf: AppConfig, ...ids: string[]): AppConfig {
  for (const id of ids) conf.addTask(conf.taskConfig(id, {}));
  return conf;
}

void describe("task settings for ids no task has", () => {
  void it("a misspelt id in TYNENC__TASK__ is a warning with the variable it probably meant", () => {
    const conf = withTasks(load(undefined, { TYNENC__TASK__FIBONACI__MAX_RETRIES: "2" }), "fibonacci");
    assert.deepEqual(conf.warnings, [], "task ids are not known when the config loads");
    const found = conf.checkTaskSettings();
    assert.equal(found.length, 1);
    assert.match(found[0] ?? "", /^Ignoring environment variable TYNENC__TASK__FIBONACI__MAX_RETRIES: /);
    assert.match(found[0] ?? "", /did you mean TYNENC__TASK__FIBONACCI__MAX_RETRIES \(task "fibonacci"\)\?/);
    assert.deepEqual(conf.warnings, found);
  });

  void it("a misspelt id under tasks in the file is a warning naming the file", () => {
    const conf = withTasks(load({ tasks: { fetchh: { maxRetries: 1 } } }), "fetch", "store");
    const [warning, ...rest] = conf.checkTaskSettings();
    assert.deepEqual(rest, []);
    assert.match(
      warning ?? "",
      /^Ignoring the settings of task "fetchh" under "tasks" in config file .*tynenc\.config\.json/,
    );
    assert.match(warning ?? "", /did you mean "fetch"\?$/);
  });

  void it("without a close id, lists the registered ones", () => {
    const conf = withTasks(
      load({ tasks: { zzz: {} } }, { TYNENC__TASK__QQQ__TIMEOUT_MS: "1" }),
      "fetch",
      "store",
    );
    const warnings = conf.checkTaskSettings();
    assert.equal(warnings.length, 2);
    for (const warning of warnings) assert.match(warning, /registered tasks: fetch, store\.$/);
  });

  void it("reports each once, however often it is checked", () => {
    const conf = withTasks(load({ tasks: { fetchh: {} } }), "fetch");
    assert.equal(conf.checkTaskSettings().length, 1);
    assert.deepEqual(conf.checkTaskSettings(), []);
    assert.equal(conf.warnings.length, 1);
  });

  void it("does not report settings of registered tasks, matching env ids as the variable names do", () => {
    const conf = withTasks(
      load(
        { tasks: { "billing.send-invoice": { maxRetries: 1 } } },
        { TYNENC__TASK__BILLING_SEND_INVOICE__MAX_RETRIES: "2", TYNENC__TASK__FIB__RETRY_JITTER: "no" },
      ),
      "billing.send-invoice",
      "fib",
    );
    assert.deepEqual(conf.checkTaskSettings(), []);
  });

  void it("leaves variables with an unknown setting to the load-time warning (one warning each)", () => {
    const conf = withTasks(load(undefined, { TYNENC__TASK__FIBB__MAX_RETRIE: "1" }), "fib");
    assert.equal(conf.warnings.length, 1);
    assert.deepEqual(conf.checkTaskSettings(), []);
  });
});

void describe("describeTasks", () => {
  void it("lists every setting of each registered task with its source", () => {
    const conf = load({ tasks: { fib: { maxRetries: 1 } } }, { TYNENC__TASK__FIB__TIMEOUT_MS: "50" });
    conf.addTask(conf.taskConfig("fib", { retryDelayMs: 10 }));
    const rows = new Map(conf.describeTasks()["fib"]?.map((row) => [row.field, row]));
    assert.deepEqual([rows.get("maxRetries")?.value, rows.get("maxRetries")?.source], [1, "file"]);
    assert.deepEqual(
      [rows.get("timeoutMs")?.value, rows.get("timeoutMs")?.detail],
      [50, "TYNENC__TASK__FIB__TIMEOUT_MS"],
    );
    assert.equal(rows.get("retryDelayMs")?.source, "code");
    assert.equal(rows.get("retryBackoff")?.source, "default");
  });
});
