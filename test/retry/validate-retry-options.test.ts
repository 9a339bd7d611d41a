import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, ConfigError, NonRetryableError, RetryError } from "../../src/errors/errors.js";
import { validateRetryOptions, type RetryOptionsInput } from "../../src/retry/index.js";

class TransientError extends Error {}
class NotAnError {}

function messageOf(options: RetryOptionsInput, context = {}): string {
  try {
    validateRetryOptions("billing.send", options, context);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail("expected validateRetryOptions to throw");
}

void describe("validateRetryOptions accepts", () => {
  void it("no retry options at all, and the defaults", () => {
    validateRetryOptions("t", {});
    validateRetryOptions("t", { maxRetries: 0, retryDelayMs: 1000, retryMaxDelayMs: 60000 });
  });

  void it("Error classes, subclasses, RetryError and an empty list", () => {
    validateRetryOptions("t", { retryFor: [TransientError, TypeError, Error, RetryError], maxRetries: 2 });
    validateRetryOptions("t", { retryFor: [], maxRetries: 0 });
  });

  void it("a cap equal to the first delay", () => {
    validateRetryOptions("t", { retryDelayMs: 500, retryMaxDelayMs: 500 });
  });

  void it("retryFor with maxRetries 0 when a config file or env turned retries off", () => {
    validateRetryOptions("t", { retryFor: [TransientError], maxRetries: 0 }, { maxRetriesSource: "env" });
    validateRetryOptions("t", { retryFor: [TransientError], maxRetries: 0 }, { maxRetriesSource: "file" });
  });
});

void describe("validateRetryOptions rejects retryFor that is", () => {
  void it("a string", () => {
    assert.equal(
      messageOf({ retryFor: "TypeError", maxRetries: 1 }),
      'Invalid value "TypeError" for retryFor of task "billing.send": expected an array of Error classes; e.g. [TypeError].',
    );
  });

  void it("a single class, and shows how to wrap it", () => {
    assert.match(
      messageOf({ retryFor: TransientError, maxRetries: 1 }),
      /the class TransientError.*write \[TransientError\]/,
    );
  });

  void it("holding an instance instead of a class", () => {
    assert.equal(
      messageOf({ retryFor: [new TypeError("x")], maxRetries: 1 }),
      'retryFor of task "billing.send" holds an instance of TypeError at index 0: an instance, not a class; ' +
        'list the class itself (TypeError, without "new").',
    );
  });

  void it("holding a class that does not extend Error, or a plain function", () => {
    assert.match(
      messageOf({ retryFor: [NotAnError], maxRetries: 1 }),
      /the class NotAnError at index 0: .*does not extend Error/,
    );
    assert.match(
      messageOf({ retryFor: [() => 1], maxRetries: 1 }),
      /an anonymous function at index 0: expected an Error class, not a plain function/,
    );
  });

  void it("holding other values", () => {
    assert.match(
      messageOf({ retryFor: [TypeError, 42], maxRetries: 1 }),
      /holds 42 at index 1: expected an Error class/,
    );
  });

  void it("listing NonRetryableError, a subclass of it, or CancelledError", () => {
    class Declined extends NonRetryableError {}
    assert.match(
      messageOf({ retryFor: [NonRetryableError], maxRetries: 1 }),
      /NonRetryableError always fails at once.*remove it/,
    );
    assert.match(
      messageOf({ retryFor: [Declined], maxRetries: 1 }),
      /the class Declined .*NonRetryableError always fails/,
    );
    assert.match(
      messageOf({ retryFor: [CancelledError], maxRetries: 1 }),
      /CancelledError always fails at once/,
    );
  });

  void it("set while maxRetries is 0 from code or the default", () => {
    const expected =
      'retryFor of task "billing.send" is set but maxRetries is 0, so it could never apply: ' +
      "set maxRetries (e.g. maxRetries: 3) or remove retryFor.";
    assert.equal(messageOf({ retryFor: [TransientError] }), expected);
    assert.equal(
      messageOf({ retryFor: [TransientError], maxRetries: 0 }, { maxRetriesSource: "code" }),
      expected,
    );
  });
});

void describe("validateRetryOptions rejects delays where", () => {
  void it("retryMaxDelayMs is below retryDelayMs", () => {
    assert.equal(
      messageOf({ retryDelayMs: 1000, retryMaxDelayMs: 500 }),
      'retryMaxDelayMs of task "billing.send" (500) is below retryDelayMs (1000), so the cap would cut ' +
        "even the first delay: raise retryMaxDelayMs or lower retryDelayMs.",
    );
  });
});

void describe("validateRetryOptions reports", () => {
  void it("every problem in one error", () => {
    const message = messageOf({ retryFor: [1, "x"], maxRetries: 1, retryDelayMs: 10, retryMaxDelayMs: 1 });
    assert.match(message, /^3 configuration problems:/);
    assert.match(message, /index 0/);
    assert.match(message, /index 1/);
    assert.match(message, /retryMaxDelayMs/);
  });
});
