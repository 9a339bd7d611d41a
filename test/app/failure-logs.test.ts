import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CancelledError,
  memoryBackend,
  NonRetryableError,
  SerializationError,
  TimeoutError,
  UnknownTaskError,
  InvocationStatus as S,
} from "../../src/index.js";
import { waitForStatus } from "../../src/testing/index.js";
import { captureLogger, testApp, withRunner, type CapturedLine } from "../helpers.js";

class TransientError extends Error {
  override name = "TransientError";
}

const quick = { retryDelayMs: 1, retryJitter: false } as const;

/** The lines at warn and above about one invocation. */
function loudLines(logger: { lines: CapturedLine[] }, id: string): CapturedLine[] {
  return logger.lines.filter(
    (l) => l.fields.invocation === id && (l.level === "warn" || l.level === "error"),
  );
}

/** An invocation's final failure line: the one error line about it, which names it and its error. */
function assertOneFailureLine(logger: { lines: CapturedLine[] }, id: string, task: string): CapturedLine {
  const errors = logger.lines.filter((l) => l.fields.invocation === id && l.level === "error");
  assert.equal(errors.length, 1, errors.map((l) => l.msg).join("\n"));
  const line = errors[0]!;
  assert.match(line.msg, /^FAILED/);
  assert.ok(line.msg.includes(id), "the full invocation id is in the message");
  assert.ok(line.msg.includes(`(task "${task}")`), line.msg);
  assert.equal(line.fields.task, task);
  return line;
}

describe("failure logs", () => {
  it("a task that throws logs one error line at the default level: task, id, error with its stack and cause", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "info" });
    const boom = app.task("boom", async (): Promise<number> => {
      throw new TypeError("no such user", { cause: new Error("row missing") });
    });
    const invocation = boom();
    await withRunner(app, () => assert.rejects(invocation.result, TypeError));
    const line = assertOneFailureLine(logger, invocation.id, "boom");
    assert.match(line.msg, /threw TypeError: no such user$/);
    assert.equal(line.fields.runner, app.runner.id);
    const error = line.fields.error as Error;
    assert.ok(error instanceof TypeError);
    assert.match(error.stack ?? "", /^TypeError: no such user\n\s+at /);
    assert.equal((error.cause as Error).message, "row missing");
    assert.equal(loudLines(logger, invocation.id).length, 1, "nothing else at warn or above");
  });

  it("NonRetryableError is logged like any failure, even when retries are configured", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "info" });
    const strict = app.task(
      "strict",
      async (): Promise<number> => {
        throw new NonRetryableError("bad input");
      },
      { maxRetries: 3, retryFor: [Error], ...quick },
    );
    const invocation = strict();
    await withRunner(app, () => assert.rejects(invocation.result, NonRetryableError));
    const line = assertOneFailureLine(logger, invocation.id, "strict");
    assert.match(line.msg, /^FAILED: .* threw NonRetryableError: bad input$/);
    assert.deepEqual(loudLines(logger, invocation.id), [line], "no retry line");
  });

  it("each retry is one warn line with the attempt and the message but no stack; the final failure one error line", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "info" });
    let calls = 0;
    const flaky = app.task(
      "flaky",
      async (): Promise<number> => {
        throw new TransientError(`attempt ${++calls}`);
      },
      { maxRetries: 2, retryFor: [TransientError], ...quick },
    );
    const invocation = flaky();
    // Not registered with the app: it comes back as an Error with its name.
    await withRunner(app, () => assert.rejects(invocation.result, { name: "TransientError" }));
    const retries = loudLines(logger, invocation.id).filter((l) => l.level === "warn");
    assert.deepEqual(
      retries.map((l) => [l.fields.attempt, l.fields.error]),
      [
        [1, "TransientError: attempt 1"],
        [2, "TransientError: attempt 2"],
      ],
    );
    assert.match(retries[0]!.msg, /^RETRY: attempt 1 of 3 failed with TransientError; retrying in 1 ms$/);
    const line = assertOneFailureLine(logger, invocation.id, "flaky");
    assert.match(line.msg, /^FAILED after 3 attempts: .* threw TransientError: attempt 3$/);
    assert.equal(line.fields.attempts, 3);
    assert.match(String(line.fields.reason), /no retries are left/);
    assert.equal(loudLines(logger, invocation.id).length, 3);
  });

  it("at debug a retry line carries the error itself, so its stack is printed", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "debug" });
    let calls = 0;
    const flaky = app.task(
      "flaky",
      async () => {
        if (++calls === 1) throw new TransientError("once");
        return "ok";
      },
      { maxRetries: 1, retryFor: [TransientError], ...quick },
    );
    const invocation = flaky();
    assert.equal(await withRunner(app, () => invocation.result), "ok");
    const [retry, ...others] = loudLines(logger, invocation.id);
    assert.deepEqual(others, []);
    assert.equal(retry?.level, "warn");
    assert.ok(retry.fields.error instanceof TransientError);
  });

  it("a child's failure is logged once by its runner, and the parent that re-throws it once as its own", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "info" });
    const child = app.task("child", async (): Promise<number> => {
      throw new RangeError("out of stock");
    });
    const parent = app.task("parent", async () => (await child().result) + 1);
    const invocation = parent();
    await withRunner(app, () => assert.rejects(invocation.result, RangeError));
    const errors = logger.lines.filter((l) => l.level === "error");
    assert.equal(errors.length, 2, errors.map((l) => l.msg).join("\n"));
    const childId = String(errors[0]!.fields.invocation);
    assert.notEqual(childId, invocation.id);
    assertOneFailureLine(logger, childId, "child");
    assertOneFailureLine(logger, invocation.id, "parent");
    assert.equal(errors[1]!.fields.invocation, invocation.id, "the child's line comes first");
  });

  it("a result that cannot be stored fails the invocation and is logged once, with the serialization error", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "info" });
    const bad = app.task("bad", async () => (() => 1) as unknown as number);
    const invocation = bad();
    await withRunner(app, () => assert.rejects(invocation.result, SerializationError));
    const line = assertOneFailureLine(logger, invocation.id, "bad");
    assert.match(line.msg, /returned a result that cannot be stored: SerializationError: .*functions cannot/);
    assert.match((line.fields.error as Error).stack ?? "", /^SerializationError: /);
  });

  it("an invocation its runner cannot run is logged once, with the reason", async () => {
    const backend = memoryBackend();
    const client = testApp({ backend, runnerCls: "DummyRunner" });
    const logger = captureLogger();
    const worker = testApp({ backend, logger, loggingLevel: "info" });
    const orphan = client.task("orphan", async () => 1);
    worker.task("known", async () => 2);
    const invocation = orphan();
    await withRunner(worker, () => assert.rejects(invocation.result, UnknownTaskError));
    const line = assertOneFailureLine(logger, invocation.id, "orphan");
    assert.match(line.msg, /^FAILED: cannot run invocation .*: UnknownTaskError: /);
    assert.ok(line.fields.error instanceof UnknownTaskError);
  });

  it("a cancellation is one info line and a timeout one error line, neither with a stack", async () => {
    const logger = captureLogger();
    const app = testApp({ logger, loggingLevel: "info", maxParallelSlots: 2 });
    const hang = app.task("hang", async () => new Promise<number>(() => {}));
    const slow = app.task("slow", async () => new Promise<number>(() => {}), { timeoutMs: 20 });
    await withRunner(app, async () => {
      const cancelled = hang();
      await waitForStatus(app, cancelled, S.RUNNING);
      await cancelled.cancel();
      await assert.rejects(cancelled.result, CancelledError);
      const timedOut = slow();
      await assert.rejects(timedOut.result, TimeoutError);
      const cancelLines = logger.lines.filter((l) => l.fields.invocation === cancelled.id);
      assert.deepEqual(
        cancelLines.map((l) => [l.level, l.msg.startsWith("CANCELLED: "), l.fields.error]),
        [["info", true, undefined]],
      );
      const timeoutLines = logger.lines.filter((l) => l.fields.invocation === timedOut.id);
      assert.deepEqual(
        timeoutLines.map((l) => [l.level, l.msg.startsWith("TIMED_OUT: "), l.fields.error]),
        [["error", true, undefined]],
      );
    });
  });
});
