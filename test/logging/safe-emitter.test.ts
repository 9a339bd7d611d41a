import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adaptLogger, SafeEmitter, type Logger } from "../../src/logging/index.js";
import { recordingLogger } from "./helpers.js";

interface TestEvents {
  "invocation:registered": { invocationId: string };
  "runner:stopped": { reason: string };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup() {
  const { user, calls } = recordingLogger();
  const emitter = new SafeEmitter<TestEvents>(adaptLogger(user, "tynenc.test"));
  return { emitter, calls };
}

void describe("SafeEmitter", () => {
  void it("calls listeners synchronously, in order, with the payload", () => {
    const { emitter } = setup();
    const seen: string[] = [];
    emitter.on("invocation:registered", ({ invocationId }) => void seen.push(`a:${invocationId}`));
    emitter.on("invocation:registered", ({ invocationId }) => void seen.push(`b:${invocationId}`));
    emitter.on("runner:stopped", () => void seen.push("wrong event"));
    emitter.emit("invocation:registered", { invocationId: "i1" });
    assert.deepEqual(seen, ["a:i1", "b:i1"]);
  });

  void it("unsubscribes once, even when called twice, and reports hasListeners", () => {
    const { emitter } = setup();
    const seen: number[] = [];
    assert.equal(emitter.hasListeners("runner:stopped"), false);
    const listener = () => void seen.push(1);
    const offFirst = emitter.on("runner:stopped", listener);
    emitter.on("runner:stopped", listener);
    assert.equal(emitter.hasListeners("runner:stopped"), true);
    offFirst();
    offFirst();
    emitter.emit("runner:stopped", { reason: "x" });
    assert.deepEqual(seen, [1]);
  });

  void it("forgets an event once its last listener is gone", () => {
    const { emitter } = setup();
    const off = emitter.on("runner:stopped", () => {});
    off();
    assert.equal(emitter.hasListeners("runner:stopped"), false);
  });

  void it("does not call a listener added during the emit that added it", () => {
    const { emitter } = setup();
    const seen: string[] = [];
    emitter.on("runner:stopped", () => {
      seen.push("first");
      emitter.on("runner:stopped", () => void seen.push("late"));
    });
    emitter.emit("runner:stopped", { reason: "x" });
    assert.deepEqual(seen, ["first"]);
  });

  void it("isolates a throwing listener and reports it at error", () => {
    const { emitter, calls } = setup();
    const seen: string[] = [];
    const failure = new Error("listener bug");
    emitter.on("runner:stopped", () => {
      throw failure;
    });
    emitter.on("runner:stopped", () => void seen.push("still called"));
    assert.doesNotThrow(() => emitter.emit("runner:stopped", { reason: "x" }));
    assert.deepEqual(seen, ["still called"]);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.level, "error");
    assert.match(String(calls[0]?.args[0]), /runner:stopped/);
    assert.deepEqual(calls[0]?.args[1], { logger: "tynenc.test", event: "runner:stopped", error: failure });
  });

  void it("reports a rejecting async listener without an unhandled rejection", async () => {
    const { emitter, calls } = setup();
    emitter.on("invocation:registered", async () => {
      throw new Error("async bug");
    });
    emitter.emit("invocation:registered", { invocationId: "i1" });
    await nextTurn();
    assert.equal(calls.length, 1);
    assert.equal((calls[0]?.args[1] as { error: Error }).error.message, "async bug");
  });

  void it("spares the caller even when the logger itself throws", () => {
    const throwing = new Proxy({} as Logger, {
      get: () => () => {
        throw new Error("broken logger");
      },
    });
    const emitter = new SafeEmitter<TestEvents>(throwing);
    emitter.on("runner:stopped", () => {
      throw new Error("listener bug");
    });
    assert.doesNotThrow(() => emitter.emit("runner:stopped", { reason: "x" }));
  });
});
