import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../src/errors/index.js";
import type { LoggerOptions } from "../../src/logging/index.js";
import { FIXED_TIME, loggerToMemory } from "./helpers.js";

function setup(overrides: Partial<LoggerOptions> = {}) {
  return loggerToMemory({ name: "tynenc.test", level: "info", ...overrides });
}

void describe("createLogger levels", () => {
  void it("emits the configured level and above, nothing below", () => {
    const { logger, chunks } = setup({ level: "warn" });
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    assert.deepEqual(
      chunks.map((line) => line.split(" ")[1]),
      ["WARN", "ERROR"],
    );
  });

  void it("answers isEnabled per level, and never for silent", () => {
    const { logger } = setup({ level: "info" });
    assert.equal(logger.isEnabled("debug"), false);
    assert.equal(logger.isEnabled("info"), true);
    assert.equal(logger.isEnabled("error"), true);
    assert.equal(logger.isEnabled("silent"), false);
  });

  void it("writes nothing at silent", () => {
    const { logger, chunks } = setup({ level: "silent" });
    logger.error("e");
    assert.deepEqual(chunks, []);
  });

  void it("changes the level of existing children at runtime", () => {
    const { logger, chunks } = setup({ level: "info" });
    const child = logger.child({ task: "t" }).child({ invocation: "i" });
    child.debug("before");
    logger.setLevel("debug");
    assert.equal(logger.level, "debug");
    assert.equal(child.isEnabled("debug"), true);
    child.debug("after");
    logger.setLevel("error");
    child.warn("muted");
    assert.equal(chunks.length, 1);
    assert.match(chunks[0] ?? "", /after/);
  });

  void it("rejects an unknown level with a ConfigError naming the allowed ones", () => {
    const { logger } = setup();
    assert.throws(
      () => logger.setLevel("verbose" as never),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /debug, info, warn, error, silent/);
        return true;
      },
    );
    assert.throws(() => setup({ level: "loud" as never }), ConfigError);
  });
});

void describe("createLogger context", () => {
  void it("merges child context over the parent's, leaving the parent untouched", () => {
    const { logger } = setup();
    const runner = logger.child({ runner: "r1", extra: 1 });
    const task = runner.child({ task: "t", extra: 2, invocation: undefined });
    assert.deepEqual(runner.context, { runner: "r1", extra: 1 });
    assert.deepEqual(task.context, { runner: "r1", extra: 2, task: "t" });
    assert.deepEqual(logger.context, {});
  });
});

void describe("createLogger JSON format", () => {
  void it("writes one JSON object per line with full ids, context and fields", () => {
    const { logger, chunks } = setup({ format: "json" });
    logger
      .child({ runner: "3f2a9c1b-aaaa-bbbb", invocation: "7d0e4a12-cccc-dddd", task: "fibonacci" })
      .info("Result", { n: 3, result: 2 });
    assert.equal(chunks.length, 1);
    assert.ok(chunks[0]?.endsWith("}\n"));
    const event: unknown = JSON.parse(chunks[0] ?? "");
    assert.deepEqual(event, {
      time: FIXED_TIME,
      level: "info",
      logger: "tynenc.test",
      msg: "Result",
      runner: "3f2a9c1b-aaaa-bbbb",
      invocation: "7d0e4a12-cccc-dddd",
      task: "fibonacci",
      n: 3,
      result: 2,
    });
    assert.deepEqual(Object.keys(event as object).slice(0, 4), ["time", "level", "logger", "msg"]);
  });

  void it("turns errors into {name, message, stack}, survives cycles, and keeps core keys", () => {
    const { logger, chunks } = setup({ format: "json" });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic["self"] = cyclic;
    const error = new TypeError("boom", { cause: new Error("root") });
    logger.error("failed", { error, cyclic, big: 10n, msg: "not the message", level: "nope" });
    const event = JSON.parse(chunks[0] ?? "") as Record<string, any>;
    assert.equal(event["msg"], "failed");
    assert.equal(event["level"], "error");
    assert.equal(event["error"].name, "TypeError");
    assert.equal(event["error"].message, "boom");
    assert.match(event["error"].stack, /TypeError: boom\n\s+at /);
    assert.equal(event["error"].cause.message, "root");
    assert.deepEqual(event["cyclic"], { a: 1, self: "[Circular]" });
    assert.equal(event["big"], "10");
  });

  void it("renders an error's cause chain with every stack, its code and its own properties", () => {
    const { logger, chunks } = setup({ format: "json" });
    const root = Object.assign(new Error("connect refused"), { code: "ECONNREFUSED", port: 5432 });
    const error = new TypeError("fetch failed", { cause: new Error("socket", { cause: root }) });
    logger.error("failed", { error });
    const event = JSON.parse(chunks[0] ?? "") as Record<string, any>;
    const middle = event["error"].cause;
    assert.match(middle.stack, /^Error: socket\n\s+at /);
    assert.equal(middle.cause.message, "connect refused");
    assert.match(middle.cause.stack, /^Error: connect refused\n\s+at /);
    assert.equal(middle.cause.code, "ECONNREFUSED");
    assert.equal(middle.cause.port, 5432);
  });

  void it("switches between text and JSON at runtime", () => {
    const { logger, chunks } = setup({ format: "text" });
    logger.info("as text");
    logger.setFormat("json");
    assert.equal(logger.format, "json");
    logger.info("as json");
    assert.ok(chunks[0]?.startsWith(FIXED_TIME));
    assert.equal((JSON.parse(chunks[1] ?? "") as { msg: string }).msg, "as json");
    assert.throws(() => logger.setFormat("xml" as never), ConfigError);
  });
});
