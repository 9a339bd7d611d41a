import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { describe, it, type TestContext } from "node:test";
import { adaptLogger, createLogger, type LoggerLike } from "../../src/logging/index.js";
import { fixedNow, recordingLogger } from "./helpers.js";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Replaces stderr's write for one test, collecting what the failure notice says. */
function captureStderr(t: TestContext): string[] {
  const written: string[] = [];
  t.mock.method(process.stderr, "write", (chunk: unknown) => {
    written.push(String(chunk));
    return true;
  });
  return written;
}

void describe("adaptLogger", () => {
  void it("passes the message, then logger name, context and fields as one object", () => {
    const { user, calls } = recordingLogger();
    const logger = adaptLogger(user, "tynenc.app", "debug");
    logger.child({ runner: "r-full-id-123456" }).child({ task: "t" }).warn("careful", { n: 1 });
    logger.debug("plain");
    assert.deepEqual(calls, [
      {
        level: "warn",
        args: ["careful", { logger: "tynenc.app", runner: "r-full-id-123456", task: "t", n: 1 }],
      },
      { level: "debug", args: ["plain", { logger: "tynenc.app" }] },
    ]);
  });

  void it("filters by its own level, info by default, changeable at runtime for all children", () => {
    const { user, calls } = recordingLogger();
    const logger = adaptLogger(user, "tynenc.app");
    const child = logger.child({ task: "t" });
    child.debug("hidden");
    assert.equal(child.isEnabled("debug"), false);
    logger.setLevel("debug");
    child.debug("shown");
    assert.deepEqual(
      calls.map((call) => call.args[0]),
      ["shown"],
    );
  });

  void it("keeps going when the user logger throws, with one notice on stderr", (t) => {
    const stderr = captureStderr(t);
    const user: LoggerLike = {
      debug: () => {},
      info: () => {
        throw new Error("disk full");
      },
      warn: () => {},
      error: () => {},
    };
    const logger = adaptLogger(user, "tynenc.app");
    assert.doesNotThrow(() => {
      logger.info("one");
      logger.child({ task: "t" }).info("two");
    });
    assert.equal(stderr.length, 1);
    assert.match(stderr[0] ?? "", /tynenc\.app.*disk full/);
  });

  void it("observes a rejecting async user logger so it cannot become an unhandled rejection", async (t) => {
    const stderr = captureStderr(t);
    // LoggerLike says void, yet some user loggers are async: exactly the case under test.
    const asyncUser = {
      ...recordingLogger().user,
      error: async (): Promise<void> => {
        throw new Error("remote sink down");
      },
    };
    adaptLogger(asyncUser, "tynenc.app").error("e");
    await nextTurn();
    assert.equal(stderr.length, 1);
    assert.match(stderr[0] ?? "", /remote sink down/);
  });
});

void describe("createLogger on a failing stream", () => {
  void it("does not throw into the caller when the stream has ended", async (t) => {
    const stderr = captureStderr(t);
    const stream = new Writable({ write: (_chunk, _encoding, done) => done() });
    stream.end();
    const logger = createLogger({ name: "tynenc.app", level: "info", format: "text", stream, now: fixedNow });
    assert.doesNotThrow(() => {
      logger.info("lost");
      logger.error("lost too");
    });
    await nextTurn();
    assert.equal(stderr.length, 1);
    assert.match(stderr[0] ?? "", /closed/);
  });

  void it("handles a stream that fails asynchronously instead of crashing on its error event", async (t) => {
    const stderr = captureStderr(t);
    const stream = new Writable({ write: (_chunk, _encoding, done) => done(new Error("EPIPE")) });
    const logger = createLogger({ name: "tynenc.app", level: "info", format: "json", stream });
    logger.info("first");
    await nextTurn();
    logger.info("second");
    await nextTurn();
    assert.equal(stderr.length, 1);
    assert.match(stderr[0] ?? "", /EPIPE/);
  });

  void it("survives a throwing clock", (t) => {
    const stderr = captureStderr(t);
    const stream = new Writable({ write: (_chunk, _encoding, done) => done() });
    const now = () => {
      throw new Error("no clock");
    };
    const logger = createLogger({ name: "tynenc.app", level: "info", format: "text", stream, now });
    assert.doesNotThrow(() => logger.info("m"));
    assert.equal(stderr.length, 1);
  });
});
