import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { AppConfig } from "../../src/config/index.js";
import { ConfigError } from "../../src/errors/errors.js";
import {
  booleanField,
  durationMsField,
  enumField,
  intField,
  numberField,
  stringField,
} from "../../src/config/field.js";

const emptyDir = () => mkdtempSync(join(tmpdir(), "tynenc-field-"));
const fromEnv = (env: Record<string, string>) => AppConfig.load({}, { env, cwd: emptyDir() });

/** Asserts that loading fails with a ConfigError whose message contains every fragment. */
function assertRejects(load: () => unknown, ...fragments: string[]): void {
  assert.throws(load, (error: unknown) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), error.message);
    return true;
  });
}

void describe("boolean fields", () => {
  const field = booleanField({ default: false, doc: "" });

  void it("accept true/false/1/0/yes/no/on/off in any case", () => {
    for (const text of ["true", "1", "yes", "on", "TRUE", "Yes", " On "]) {
      assert.deepEqual(field.parseText(text), { ok: true, value: true }, text);
    }
    for (const text of ["false", "0", "no", "off", "FALSE", "No", "OFF"]) {
      assert.deepEqual(field.parseText(text), { ok: true, value: false }, text);
    }
  });

  void it("read TYNENC__...=false as false (Pynenc read it as true)", () => {
    assert.equal(fromEnv({ TYNENC__DEV_MODE_FORCE_SYNC_TASKS: "false" }).devModeForceSyncTasks, false);
    assert.equal(fromEnv({ TYNENC__DEV_MODE_FORCE_SYNC_TASKS: "yes" }).devModeForceSyncTasks, true);
  });

  void it("reject other words, naming field, value, variable and the accepted words", () => {
    assertRejects(
      () => fromEnv({ TYNENC__DEV_MODE_FORCE_SYNC_TASKS: "nope" }),
      "devModeForceSyncTasks",
      '"nope"',
      "environment variable TYNENC__DEV_MODE_FORCE_SYNC_TASKS",
      "true, false, 1, 0, yes, no, on, off",
    );
  });

  void it("require a real boolean from code", () => {
    assert.deepEqual(field.check("true"), { ok: false });
    assert.deepEqual(field.check(true), { ok: true, value: true });
  });
});

void describe("int fields", () => {
  const field = intField({ min: 1, max: 10, default: 1, doc: "" });

  void it("parse whole numbers within range", () => {
    assert.deepEqual(field.parseText("7"), { ok: true, value: 7 });
    assert.deepEqual(field.parseText(" +10 "), { ok: true, value: 10 });
  });

  void it("reject fractions, words, hex, empty text and values out of range", () => {
    for (const text of ["1.5", "abc", "0x5", "", "1e1", "0", "11", "-1"]) {
      assert.deepEqual(field.parseText(text), { ok: false }, text);
    }
    for (const value of [1.5, Number.NaN, Infinity, "3", 0, 11]) {
      assert.deepEqual(field.check(value), { ok: false }, String(value));
    }
  });

  void it("say the accepted range in errors", () => {
    assertRejects(
      () => fromEnv({ TYNENC__MAX_PARALLEL_SLOTS: "1.5" }),
      'Invalid value "1.5" for maxParallelSlots',
      "environment variable TYNENC__MAX_PARALLEL_SLOTS",
      "an integer from 1 to 10000",
    );
    assertRejects(() => fromEnv({ TYNENC__MAX_PARALLEL_SLOTS: "abc" }), '"abc"', "maxParallelSlots");
    assertRejects(() => fromEnv({ TYNENC__MAX_PARALLEL_SLOTS: "10001" }), '"10001"', "from 1 to 10000");
  });
});

void describe("number fields", () => {
  const field = numberField({ min: 0, default: 0, doc: "" });

  void it("parse decimals and exponents but not hex, Infinity or empty text", () => {
    assert.deepEqual(field.parseText("1.5"), { ok: true, value: 1.5 });
    assert.deepEqual(field.parseText("2e3"), { ok: true, value: 2000 });
    assert.deepEqual(field.parseText(".5"), { ok: true, value: 0.5 });
    for (const text of ["0x10", "Infinity", "", "1.2.3", "-1"]) {
      assert.deepEqual(field.parseText(text), { ok: false }, text);
    }
  });
});

void describe("duration-ms fields", () => {
  const field = durationMsField({ default: 5, doc: "" });

  void it("take whole milliseconds >= 0", () => {
    assert.deepEqual(field.parseText("0"), { ok: true, value: 0 });
    assert.deepEqual(field.parseText("250"), { ok: true, value: 250 });
    for (const text of ["-1", "1.5", "5s"]) assert.deepEqual(field.parseText(text), { ok: false }, text);
    assert.equal(field.kind, "duration-ms");
  });

  void it("explain milliseconds in errors", () => {
    assertRejects(
      () => fromEnv({ TYNENC__STOP_GRACE_MS: "5s" }),
      "stopGraceMs",
      '"5s"',
      "TYNENC__STOP_GRACE_MS",
      "whole milliseconds",
    );
  });
});

void describe("enum fields", () => {
  const field = enumField({ values: ["a", "Bb"], default: "a", doc: "" });

  void it("ignore case in text, return the canonical value and require exact values from code", () => {
    assert.deepEqual(field.parseText("BB"), { ok: true, value: "Bb" });
    assert.deepEqual(field.check("bb"), { ok: false });
    assert.deepEqual(field.check("Bb"), { ok: true, value: "Bb" });
  });

  void it("list the accepted values in errors", () => {
    assertRejects(
      () => fromEnv({ TYNENC__LOGGING_LEVEL: "loud" }),
      'Invalid value "loud" for loggingLevel',
      "TYNENC__LOGGING_LEVEL",
      "one of debug, info, warn, error, silent",
    );
    assert.equal(fromEnv({ TYNENC__RUNNER_CLS: "dummyrunner" }).runnerCls, "DummyRunner");
  });
});

void describe("string fields", () => {
  void it("check the pattern of appId and reject an empty one", () => {
    const field = stringField({ default: "x", pattern: /^[a-z]+$/, patternDoc: "a-z", doc: "" });
    assert.deepEqual(field.check(""), { ok: false });
    assert.deepEqual(field.check("ab"), { ok: true, value: "ab" });
    assertRejects(
      () => AppConfig.load({ appId: "my app" }, { env: {}, cwd: emptyDir() }),
      'Invalid value "my app" for appId from constructor options',
      "letters, digits, '_', '.' and '-'",
    );
    assertRejects(() => fromEnv({ TYNENC__APP_ID: "a/b" }), "appId", '"a/b"');
    assert.equal(fromEnv({ TYNENC__APP_ID: "shop.v2_x-1" }).appId, "shop.v2_x-1");
  });
});
