import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { APP_FIELDS, AppConfig, envVarName, taskEnvSegment, taskEnvVarName } from "../../src/config/index.js";

const load = (env: Record<string, string>) =>
  AppConfig.load({}, { env, cwd: mkdtempSync(join(tmpdir(), "tynenc-env-")) });

void describe("environment variable names", () => {
  void it("are TYNENC__ + the field in SCREAMING_SNAKE_CASE", () => {
    assert.equal(envVarName("maxParallelSlots"), "TYNENC__MAX_PARALLEL_SLOTS");
    assert.equal(envVarName("loggingLevel"), "TYNENC__LOGGING_LEVEL");
    assert.equal(envVarName("devModeForceSyncTasks"), "TYNENC__DEV_MODE_FORCE_SYNC_TASKS");
    assert.equal(envVarName("appId"), "TYNENC__APP_ID");
  });

  void it("map task ids by upper-casing and turning every non-alphanumeric character into _", () => {
    assert.equal(taskEnvSegment("billing.send-invoice"), "BILLING_SEND_INVOICE");
    assert.equal(taskEnvSegment("fib:v2 é"), "FIB_V2__");
    assert.equal(taskEnvVarName("fibonacci", "maxRetries"), "TYNENC__TASK__FIBONACCI__MAX_RETRIES");
  });

  void it("are read for every app field", () => {
    const env = { TYNENC__BACKEND: "redis", TYNENC__REDIS_URL: "redis://h:1", TYNENC__MAX_PENDING_MS: "10" };
    const conf = load(env);
    assert.equal(conf.backend, "redis");
    assert.equal(conf.redisUrl, "redis://h:1");
    assert.equal(conf.maxPendingMs, 10);
    for (const field of Object.keys(APP_FIELDS)) {
      assert.match(envVarName(field), /^TYNENC__[A-Z0-9_]+$/);
    }
  });

  void it("count an empty variable as unset", () => {
    const conf = load({ TYNENC__LOGGING_LEVEL: "" });
    assert.equal(conf.loggingLevel, "info");
    assert.equal(conf.sourceOf("loggingLevel").source, "default");
  });

  void it("are read once, at load", () => {
    const env: Record<string, string> = { TYNENC__TASK__FIB__MAX_RETRIES: "2" };
    const conf = load(env);
    env["TYNENC__TASK__FIB__MAX_RETRIES"] = "9";
    assert.equal(conf.taskConfig("fib", {}).maxRetries, 2);
  });
});

void describe("unknown TYNENC__ variables", () => {
  void it("are ignored but reported as warnings, with a suggestion when close", () => {
    const conf = load({
      TYNENC__MAX_PARALEL_SLOTS: "2",
      TYNENC__COLOUR: "red",
      TYNENC__TASK__FIB__MAX_RETRIE: "1",
      TYNENC__TASK__NOFIELD: "1",
      OTHER_VAR: "x",
    });
    assert.equal(conf.warnings.length, 4);
    const [slots, colour, retries, noField] = conf.warnings;
    assert.match(slots ?? "", /TYNENC__MAX_PARALEL_SLOTS.*did you mean TYNENC__MAX_PARALLEL_SLOTS\?/);
    assert.match(colour ?? "", /Ignoring environment variable TYNENC__COLOUR: tynenc has no such setting/);
    assert.match(retries ?? "", /did you mean TYNENC__TASK__FIB__MAX_RETRIES\?/);
    assert.match(noField ?? "", /expected TYNENC__TASK__<TASK_ID>__<SETTING>/);
  });

  void it("do not include the known ones", () => {
    const conf = load({
      TYNENC__LOGGING_LEVEL: "debug",
      TYNENC__TASK__SOME_TASK__MAX_RETRIES: "1",
      TYNENC__TASK__ODD_ID___MAX_RETRIES: "1",
    });
    assert.deepEqual(conf.warnings, []);
  });
});
