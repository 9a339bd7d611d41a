import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { expectTypeOf } from "expect-type";
import { AppConfig, TASK_FIELDS, type TaskConfig } from "../../src/config/index.js";
import { ConfigError } from "../../src/errors/errors.js";

function appWithFile(settings: Record<string, unknown> | undefined, env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "tynenc-task-"));
  if (settings) writeFileSync(join(cwd, "tynenc.config.yaml"), JSON.stringify(settings));
  return { conf: AppConfig.load({}, { env, cwd }), cwd };
}

const FILE = { tasks: { fib: { maxRetries: 1 }, "billing.send-invoice": { maxRetries: 7 } } };

void describe("task config precedence: default < file section < app.task options < env < assignment", () => {
  void it("defaults when nothing is set", () => {
    const task = appWithFile(undefined).conf.taskConfig("fib", {});
    assert.equal(task.maxRetries, 0);
    assert.deepEqual(task.sourceOf("maxRetries"), { source: "default", detail: "" });
    assert.equal(task.taskId, "fib");
  });

  void it("file section beats default, per task id", () => {
    const { conf, cwd } = appWithFile(FILE);
    assert.equal(conf.taskConfig("fib", {}).maxRetries, 1);
    assert.equal(conf.taskConfig("billing.send-invoice", {}).maxRetries, 7);
    assert.equal(conf.taskConfig("other", {}).maxRetries, 0);
    assert.deepEqual(conf.taskConfig("fib", {}).sourceOf("maxRetries"), {
      source: "file",
      detail: join(cwd, "tynenc.config.yaml"),
    });
  });

  void it("task options beat the file", () => {
    const task = appWithFile(FILE).conf.taskConfig("fib", { maxRetries: 2, name: "fib" });
    assert.equal(task.maxRetries, 2);
    assert.deepEqual(task.sourceOf("maxRetries"), { source: "code", detail: "app.task() option" });
  });

  void it("env beats task options, with the task id mapped to the variable name", () => {
    const env = { TYNENC__TASK__FIB__MAX_RETRIES: "3", TYNENC__TASK__BILLING_SEND_INVOICE__MAX_RETRIES: "8" };
    const { conf } = appWithFile(FILE, env);
    const task = conf.taskConfig("fib", { maxRetries: 2 });
    assert.equal(task.maxRetries, 3);
    assert.deepEqual(task.sourceOf("maxRetries"), {
      source: "env",
      detail: "TYNENC__TASK__FIB__MAX_RETRIES",
    });
    assert.equal(conf.taskConfig("billing.send-invoice", { maxRetries: 2 }).maxRetries, 8);
    assert.equal(conf.warnings.length, 0);
  });

  void it("assignment beats env and is validated", () => {
    const task = appWithFile(FILE, { TYNENC__TASK__FIB__MAX_RETRIES: "3" }).conf.taskConfig("fib", {});
    task.maxRetries = 4;
    assert.equal(task.maxRetries, 4);
    assert.deepEqual(task.sourceOf("maxRetries"), { source: "assignment", detail: "" });
    assert.throws(
      () => (task.maxRetries = -1),
      /Invalid value -1 for maxRetries of task "fib" from assignment/,
    );
  });

  void it("has typed properties and describe()", () => {
    const task = appWithFile(undefined).conf.taskConfig("fib", {});
    expectTypeOf<TaskConfig["maxRetries"]>().toEqualTypeOf<number>();
    assert.deepEqual(task.describe()[0], {
      field: "maxRetries",
      value: 0,
      source: "default",
      detail: "",
      doc: TASK_FIELDS.maxRetries.doc,
    });
    assert.deepEqual(
      task.describe().map((row) => row.field),
      Object.keys(TASK_FIELDS),
    );
    assert.equal(task.toJSON().maxRetries, 0);
    assert.deepEqual(Object.keys(task.toJSON()), Object.keys(TASK_FIELDS));
  });
});

void describe("task config errors", () => {
  void it("name the task, the value and the variable", () => {
    const { conf } = appWithFile(undefined, { TYNENC__TASK__FIB__MAX_RETRIES: "1.5" });
    assert.throws(
      () => conf.taskConfig("fib", {}),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(
          error.message,
          'Invalid value "1.5" for maxRetries of task "fib" from environment variable ' +
            "TYNENC__TASK__FIB__MAX_RETRIES: expected an integer >= 0.",
        );
        return true;
      },
    );
  });

  void it("reject a bad value in a file section at app load, before the task exists", () => {
    assert.throws(
      () => appWithFile({ tasks: { fib: { maxRetries: -2 } } }),
      /Invalid value -2 for maxRetries of task "fib" from task "fib" of config file/,
    );
    assert.throws(
      () => appWithFile({ tasks: { fib: { maxRetires: 2 } } }),
      /Unknown setting "maxRetires" in task "fib" of config file .*; did you mean maxRetries\?/,
    );
    assert.throws(() => appWithFile({ tasks: { fib: 3 } }), /Settings of task "fib" .* must be an object/);
    assert.throws(() => appWithFile({ tasks: [] }), /"tasks" in config file .* must map task ids/);
  });

  void it("reject task options that look like a misspelt setting, but not other task options", () => {
    const { conf } = appWithFile(undefined);
    assert.throws(
      () => conf.taskConfig("fib", { maxRetry: 2 }),
      /Unknown setting "maxRetry" in app.task\(\) options of "fib"; did you mean maxRetries\?/,
    );
    const options = { name: "fib", runningConcurrency: "task", concurrencyKey: () => "k", timeoutMs: 5 };
    assert.equal(conf.taskConfig("fib", options).maxRetries, 0);
    assert.equal(conf.taskConfig("fib", { maxRetry: 2 }, { ignoreKeys: ["maxRetry"] }).maxRetries, 0);
  });

  void it("require typed values in task options", () => {
    const { conf } = appWithFile(undefined);
    assert.throws(() => conf.taskConfig("fib", { maxRetries: "2" }), /Invalid value "2" for maxRetries/);
  });
});
