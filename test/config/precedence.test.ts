import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { expectTypeOf } from "expect-type";
import { APP_FIELDS, AppConfig, type AppConfigValues } from "../../src/config/index.js";
import { ConfigError } from "../../src/errors/errors.js";

function dirWithFile(settings?: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "tynenc-precedence-"));
  if (settings) writeFileSync(join(dir, "tynenc.config.json"), JSON.stringify(settings));
  return dir;
}

void describe("precedence: defaults < file < code < env < assignment", () => {
  void it("uses the defaults when nothing is set", () => {
    const conf = AppConfig.load({}, { env: {}, cwd: dirWithFile() });
    assert.deepEqual(conf.toJSON(), {
      appId: "tynenc",
      backend: "memory",
      sqlitePath: "tynenc.sqlite",
      redisUrl: "redis://127.0.0.1:6379",
      redisKeyPrefix: "",
      runnerCls: "ThreadRunner",
      maxParallelSlots: availableParallelism(),
      workers: availableParallelism(),
      workerMaxOldSpaceMb: 0,
      loggingLevel: "info",
      logFormat: "text",
      devModeForceSyncTasks: false,
      stopGraceMs: 5000,
      heartbeatIntervalMs: 5000,
      runnerDeadAfterMs: 60000,
      maxPendingMs: 30000,
      cronCatchUp: 1,
      largeValueThresholdBytes: 1_048_576,
      retentionMs: 86_400_000,
      retentionMaxFinished: 100_000,
    });
    assert.deepEqual(conf.sourceOf("maxParallelSlots"), { source: "default", detail: "" });
  });

  void it("file beats default", () => {
    const cwd = dirWithFile({ maxParallelSlots: 3 });
    const conf = AppConfig.load({}, { env: {}, cwd });
    assert.equal(conf.maxParallelSlots, 3);
    assert.deepEqual(conf.sourceOf("maxParallelSlots"), {
      source: "file",
      detail: join(cwd, "tynenc.config.json"),
    });
  });

  void it("code beats file", () => {
    const conf = AppConfig.load(
      { maxParallelSlots: 4 },
      { env: {}, cwd: dirWithFile({ maxParallelSlots: 3 }) },
    );
    assert.equal(conf.maxParallelSlots, 4);
    assert.deepEqual(conf.sourceOf("maxParallelSlots"), { source: "code", detail: "constructor option" });
  });

  void it("env beats code", () => {
    const env = { TYNENC__MAX_PARALLEL_SLOTS: "5" };
    const conf = AppConfig.load({ maxParallelSlots: 4 }, { env, cwd: dirWithFile({ maxParallelSlots: 3 }) });
    assert.equal(conf.maxParallelSlots, 5);
    assert.deepEqual(conf.sourceOf("maxParallelSlots"), {
      source: "env",
      detail: "TYNENC__MAX_PARALLEL_SLOTS",
    });
  });

  void it("assignment beats env", () => {
    const env = { TYNENC__MAX_PARALLEL_SLOTS: "5" };
    const conf = AppConfig.load({ maxParallelSlots: 4 }, { env, cwd: dirWithFile({ maxParallelSlots: 3 }) });
    conf.maxParallelSlots = 6;
    assert.equal(conf.maxParallelSlots, 6);
    assert.equal(conf.toJSON().maxParallelSlots, 6);
    assert.deepEqual(conf.sourceOf("maxParallelSlots"), { source: "assignment", detail: "" });
  });

  void it("validates losing layers too, so a bad file value fails even when env overrides it", () => {
    const cwd = dirWithFile({ maxParallelSlots: 0 });
    assert.throws(
      () => AppConfig.load({}, { env: { TYNENC__MAX_PARALLEL_SLOTS: "2" }, cwd }),
      /Invalid value 0 for maxParallelSlots from config file .*tynenc\.config\.json/,
    );
  });

  void it("treats undefined code options as not given", () => {
    const conf = AppConfig.load(
      { maxParallelSlots: undefined },
      { env: {}, cwd: dirWithFile({ maxParallelSlots: 3 }) },
    );
    assert.equal(conf.maxParallelSlots, 3);
  });
});

void describe("assignment", () => {
  const load = () => AppConfig.load({}, { env: {}, cwd: dirWithFile() });

  void it("is typed: a wrong literal is a compile error and a runtime ConfigError", () => {
    const conf = load();
    conf.runnerCls = "DummyRunner";
    expectTypeOf<AppConfig["runnerCls"]>().toEqualTypeOf<AppConfigValues["runnerCls"]>();
    expectTypeOf<AppConfig["maxParallelSlots"]>().toEqualTypeOf<number>();
    const assignNope = () => {
      // @ts-expect-error "Nope" is not a runner class
      conf.runnerCls = "Nope";
    };
    const assignText = () => {
      // @ts-expect-error a string is not a number
      conf.maxParallelSlots = "2";
    };
    assert.throws(
      assignNope,
      /Invalid value "Nope" for runnerCls from assignment: expected one of ThreadRunner/,
    );
    assert.throws(assignText, ConfigError);
    assert.throws(() => (conf.stopGraceMs = -1), /stopGraceMs.*whole milliseconds/);
    assert.equal(conf.runnerCls, "DummyRunner");
  });

  void it("rejects properties that are not settings instead of silently adding them", () => {
    const conf = load() as unknown as Record<string, unknown>;
    assert.throws(() => (conf["maxParalelSlots"] = 2), TypeError);
  });

  void it("notifies onChange listeners of real changes until they unsubscribe", () => {
    const conf = load();
    const seen: unknown[] = [];
    const off = conf.onChange((field, value) => seen.push([field, value]));
    conf.loggingLevel = "debug";
    conf.loggingLevel = "debug";
    off();
    conf.loggingLevel = "warn";
    assert.deepEqual(seen, [["loggingLevel", "debug"]]);
  });

  void it("keeps the value and other listeners when a listener throws", async () => {
    const conf = load();
    let called = false;
    conf.onChange(() => {
      throw new Error("listener bug");
    });
    conf.onChange(() => (called = true));
    const warned = once(process, "warning");
    conf.logFormat = "json";
    assert.equal(conf.logFormat, "json");
    assert.equal(called, true);
    const [warning] = (await warned) as [Error];
    assert.equal(warning.message, "listener bug");
  });
});

void describe("describe()", () => {
  void it("lists every field with value, source, detail and doc", () => {
    const conf = AppConfig.load(
      { appId: "shop" },
      { env: { TYNENC__LOGGING_LEVEL: "warn" }, cwd: dirWithFile() },
    );
    const rows = conf.describe();
    assert.deepEqual(
      rows.map((r) => r.field),
      Object.keys(APP_FIELDS),
    );
    assert.deepEqual(
      rows.find((r) => r.field === "appId"),
      {
        field: "appId",
        value: "shop",
        source: "code",
        detail: "constructor option",
        doc: APP_FIELDS.appId.doc,
      },
    );
    assert.deepEqual(
      rows.find((r) => r.field === "loggingLevel"),
      {
        field: "loggingLevel",
        value: "warn",
        source: "env",
        detail: "TYNENC__LOGGING_LEVEL",
        doc: APP_FIELDS.loggingLevel.doc,
      },
    );
    assert.ok(rows.every((r) => r.doc.length > 0));
  });

  void it("serializes to the plain values", () => {
    const conf = AppConfig.load({ backend: "sqlite" }, { env: {}, cwd: dirWithFile() });
    assert.equal((JSON.parse(JSON.stringify(conf)) as AppConfigValues).backend, "sqlite");
  });
});
