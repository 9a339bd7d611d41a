import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detectColors, type LoggerOptions } from "../../src/logging/index.js";
import { FIXED_TIME, loggerToMemory, memoryStream } from "./helpers.js";

function setup(overrides: Partial<LoggerOptions> = {}) {
  return loggerToMemory({ name: "tynenc.auto_orchestration", level: "debug", ...overrides });
}

const RUNNER = "3f2a9c1b5e6d4c3b9a8f7e6d5c4b3a29";
const INVOCATION = "7d0e4a12-9b8c-4d7e-a6f5-e4d3c2b1a098";

void describe("text format", () => {
  void it("writes the exact line: time, level, logger, short ids, message, fields", () => {
    const { logger, chunks } = setup();
    logger
      .child({ runner: RUNNER })
      .child({ invocation: INVOCATION, task: "fibonacci" })
      .info("Result of fibonacci(3) is 2", { key: "value" });
    assert.deepEqual(chunks, [
      `${FIXED_TIME} INFO  tynenc.auto_orchestration [runner=3f2a9c1b inv=7d0e4a12 task=fibonacci] ` +
        "Result of fibonacci(3) is 2 key=value\n",
    ]);
  });

  void it("pads every level label to the same width", () => {
    const { logger, chunks } = setup();
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    assert.deepEqual(
      chunks.map((line) => line.slice(FIXED_TIME.length, FIXED_TIME.length + 7)),
      [" DEBUG ", " INFO  ", " WARN  ", " ERROR "],
    );
  });

  void it("leaves out the context part when there is no context", () => {
    const { logger, chunks } = setup();
    logger.warn("plain");
    assert.deepEqual(chunks, [`${FIXED_TIME} WARN  tynenc.auto_orchestration plain\n`]);
  });

  void it("prints extra context keys after the known ones", () => {
    const { logger, chunks } = setup();
    logger.child({ worker: 2, task: "t" }).info("m");
    assert.match(chunks[0] ?? "", /\[task=t worker=2\] m\n$/);
  });

  void it("formats fields as key=value, quoting only where needed", () => {
    const { logger, chunks } = setup();
    logger.info("m", {
      n: 3,
      ok: true,
      word: "plain",
      text: "two words",
      empty: "",
      nothing: null,
      skipped: undefined,
      big: 12n,
      obj: { a: [1, "x y"] },
      when: new Date(FIXED_TIME),
    });
    const fields = (chunks[0] ?? "").split(" m ")[1];
    assert.equal(
      fields,
      `n=3 ok=true word=plain text="two words" empty="" nothing=null big=12 ` +
        `obj={"a":[1,"x y"]} when="${FIXED_TIME}"\n`,
    );
  });

  void it("prints an error field inline and its stack, with causes, on indented lines below", () => {
    const { logger, chunks } = setup();
    const error = new RangeError("bad range", { cause: new Error("inner") });
    logger.error("failed", { err: error, attempt: 2 });
    const [line, ...rest] = (chunks[0] ?? "").trimEnd().split("\n");
    assert.equal(
      line,
      `${FIXED_TIME} ERROR tynenc.auto_orchestration failed err="RangeError: bad range" attempt=2`,
    );
    assert.equal(rest[0], "    RangeError: bad range");
    assert.ok(rest.length > 2);
    for (const stackLine of rest) assert.ok(stackLine.startsWith("    "), stackLine);
    // Frames one step further in than their error's first line, as Node prints them.
    assert.match(rest[1] ?? "", /^ {8}at /);
    const cause = rest.indexOf("    Caused by: Error: inner");
    assert.ok(cause > 1, rest.join("\n"));
    assert.match(rest[cause + 1] ?? "", /^ {8}at /, "the cause's own stack follows it");
  });

  void it("prints a cause that is not an Error as a value, and says where a long chain is cut", () => {
    const { logger, chunks } = setup();
    const withValue = new Error("outer", { cause: { status: 503, retry: true } });
    logger.error("failed", { error: withValue });
    assert.ok(chunks[0]?.includes('\n    Caused by: {"status":503,"retry":true}'), chunks[0]);
    let chain = new Error("level 0", { cause: "the root" });
    for (let i = 1; i <= 8; i++) chain = new Error(`level ${i}`, { cause: chain });
    logger.error("deep", { error: chain });
    const causes = (chunks[1] ?? "").split("\n").filter((l) => l.startsWith("    Caused by: "));
    assert.deepEqual(
      causes.map((l) => l.slice("    Caused by: ".length)),
      ["Error: level 7", "Error: level 6", "Error: level 5", "Error: level 4", "Error: level 3"].concat(
        "… (further causes not shown)",
      ),
    );
  });
});

void describe("text colours", () => {
  void it("colours the level and dims the context when enabled", () => {
    const { logger, chunks } = setup({ colors: true });
    const child = logger.child({ task: "t" });
    child.debug("d");
    child.info("i");
    child.warn("w");
    child.error("e");
    assert.ok(chunks[0]?.includes("\x1b[90mDEBUG\x1b[0m"));
    assert.ok(chunks[1]?.includes("\x1b[32mINFO \x1b[0m"));
    assert.ok(chunks[2]?.includes("\x1b[33mWARN \x1b[0m"));
    assert.ok(chunks[3]?.includes("\x1b[31mERROR\x1b[0m"));
    assert.ok(chunks[1]?.includes("\x1b[2m[task=t]\x1b[0m"));
  });

  void it("never writes an escape code when disabled", () => {
    const { logger, chunks } = setup({ colors: false });
    logger.child({ task: "t" }).error("e", { err: new Error("x") });
    assert.ok(!chunks.join("").includes("\x1b"));
  });

  void it("defaults to colours only on a TTY without NO_COLOR", () => {
    assert.equal(detectColors(memoryStream(true).stream, {}), true);
    assert.equal(detectColors(memoryStream(false).stream, {}), false);
    assert.equal(detectColors(memoryStream(true).stream, { NO_COLOR: "1" }), false);
    assert.equal(detectColors(memoryStream(true).stream, { NO_COLOR: "" }), true);
  });
});
