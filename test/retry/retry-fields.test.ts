import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { AppConfig } from "../../src/config/index.js";
import { ConfigError } from "../../src/errors/errors.js";
import { retryOptionsFrom, validateRetryOptions } from "../../src/retry/index.js";

function load(file?: Record<string, unknown>, env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "tynenc-retry-"));
  if (file) writeFileSync(join(cwd, "tynenc.config.yaml"), JSON.stringify(file));
  return AppConfig.load({}, { env, cwd });
}

void describe("retry task settings", () => {
  void it("default to no retries, exponential from 1 s, capped at 60 s, with jitter", () => {
    const conf = load().taskConfig("fib");
    assert.deepEqual(retryOptionsFrom(conf), {
      maxRetries: 0,
      retryFor: [],
      retryBackoff: "exponential",
      retryDelayMs: 1000,
      retryMaxDelayMs: 60000,
      retryJitter: true,
    });
  });

  void it("come from app.task options, next to retryFor which is not taken for a misspelt setting", () => {
    const conf = load().taskConfig("fib", { retryFor: [TypeError], maxRetries: 2, retryBackoff: "fixed" });
    assert.deepEqual([conf.maxRetries, conf.retryBackoff], [2, "fixed"]);
  });

  void it("come from a file's tasks section", () => {
    const conf = load({ tasks: { fib: { retryDelayMs: 250, retryJitter: false } } }).taskConfig("fib");
    assert.deepEqual([conf.retryDelayMs, conf.retryJitter], [250, false]);
  });

  void it("come from TYNENC__TASK__<ID>__<FIELD>", () => {
    const env = {
      TYNENC__TASK__FIB__RETRY_BACKOFF: "FIXED",
      TYNENC__TASK__FIB__RETRY_MAX_DELAY_MS: "5000",
      TYNENC__TASK__FIB__RETRY_JITTER: "off",
    };
    const conf = load(undefined, env).taskConfig("fib");
    assert.deepEqual([conf.retryBackoff, conf.retryMaxDelayMs, conf.retryJitter], ["fixed", 5000, false]);
  });

  void it("reject bad values naming the setting", () => {
    assert.throws(
      () => load().taskConfig("fib", { retryBackoff: "linear" }),
      /retryBackoff of task "fib".*fixed, exponential/,
    );
    assert.throws(() => load().taskConfig("fib", { retryDelayMs: -1 }), /retryDelayMs of task "fib"/);
    assert.throws(
      () => load().taskConfig("fib", { retryMaxDelayMs: 2 ** 31 }),
      /retryMaxDelayMs of task "fib"/,
    );
  });

  void it("feed validateRetryOptions, which lets an env override turn retries off", () => {
    const conf = load(undefined, { TYNENC__TASK__FIB__MAX_RETRIES: "0" }).taskConfig("fib", {
      maxRetries: 3,
    });
    const options = { ...retryOptionsFrom(conf), retryFor: [TypeError] };
    validateRetryOptions("fib", options, { maxRetriesSource: conf.sourceOf("maxRetries").source });
    const fromCode = load().taskConfig("fib", { retryDelayMs: 5000, retryMaxDelayMs: 10 });
    assert.throws(() => validateRetryOptions("fib", retryOptionsFrom(fromCode)), ConfigError);
  });
});
