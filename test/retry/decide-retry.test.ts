import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CancelledError, NonRetryableError, RetryError, TimeoutError } from "../../src/errors/errors.js";
import { decideRetry, formatDelay, type RetryOptions } from "../../src/retry/index.js";

class TransientError extends Error {}
class FlakyNetworkError extends TransientError {}

const OPTIONS: RetryOptions = {
  maxRetries: 3,
  retryFor: [TransientError],
  retryBackoff: "exponential",
  retryDelayMs: 1000,
  retryMaxDelayMs: 60000,
  retryJitter: false,
};

void describe("decideRetry: errors listed in retryFor", () => {
  void it("retries while failedAttempts < maxRetries, with the backoff of that retry", () => {
    const delays = [0, 1, 2].map((failed) => decideRetry(new TransientError(), failed, OPTIONS));
    assert.deepEqual(
      delays.map((d) => [d.retry, d.delayMs]),
      [
        [true, 1000],
        [true, 2000],
        [true, 4000],
      ],
    );
    assert.equal(delays[1]?.reason, "attempt 2 of 4 failed with TransientError; retrying in 2 s");
  });

  void it("fails once the retries are used up", () => {
    const decision = decideRetry(new TransientError(), 3, OPTIONS);
    assert.deepEqual(decision, {
      retry: false,
      delayMs: 0,
      reason: "attempt 4 of 4 failed with TransientError and no retries are left: failing",
    });
  });

  void it("matches subclasses of a listed class", () => {
    assert.equal(decideRetry(new FlakyNetworkError(), 0, OPTIONS).retry, true);
  });

  void it("matches tynenc errors by class, e.g. TimeoutError", () => {
    assert.equal(
      decideRetry(new TimeoutError("slow"), 0, { ...OPTIONS, retryFor: [TimeoutError] }).retry,
      true,
    );
  });

  void it("uses the jittered backoff from the injected random source", () => {
    const jittered = { ...OPTIONS, retryJitter: true };
    assert.equal(decideRetry(new TransientError(), 1, jittered, () => 0).delayMs, 1000);
    assert.equal(decideRetry(new TransientError(), 1, jittered, () => 0.9999).delayMs, 2000);
  });
});

void describe("decideRetry: other errors", () => {
  void it("fails at once for an error not in retryFor, even with retries left", () => {
    const decision = decideRetry(new TypeError("bad"), 0, OPTIONS);
    assert.deepEqual(decision, {
      retry: false,
      delayMs: 0,
      reason: "attempt 1 of 4 failed with TypeError, not in retryFor: failing",
    });
  });

  void it("does not look at the cause of the thrown error", () => {
    const wrapped = new Error("outer", { cause: new TransientError() });
    assert.equal(decideRetry(wrapped, 0, OPTIONS).retry, false);
  });

  void it("fails for thrown values that are not errors", () => {
    const decision = decideRetry("oops", 0, { ...OPTIONS, retryFor: [Error] });
    assert.equal(decision.retry, false);
    assert.match(decision.reason, /failed with a thrown string/);
    assert.match(decideRetry(null, 0, OPTIONS).reason, /a thrown null/);
  });
});

void describe("decideRetry: NonRetryableError and CancelledError", () => {
  void it("never retries NonRetryableError, even when retryFor lists Error", () => {
    const decision = decideRetry(new NonRetryableError("stop"), 0, { ...OPTIONS, retryFor: [Error] });
    assert.deepEqual(decision, {
      retry: false,
      delayMs: 0,
      reason: "attempt 1 of 4 failed with NonRetryableError: failing at once",
    });
  });

  void it("never retries a subclass of NonRetryableError, named as itself", () => {
    class PaymentDeclined extends NonRetryableError {}
    const decision = decideRetry(new PaymentDeclined("no"), 0, { ...OPTIONS, retryFor: [Error] });
    assert.equal(decision.retry, false);
    assert.match(decision.reason, /PaymentDeclined: failing at once/);
  });

  void it("fails at once for NonRetryableError wrapping a retriable cause", () => {
    const error = new NonRetryableError("give up", { cause: new TransientError() });
    assert.equal(decideRetry(error, 0, OPTIONS).retry, false);
  });

  void it("never retries a cancelled invocation", () => {
    const decision = decideRetry(new CancelledError("by user"), 0, { ...OPTIONS, retryFor: [Error] });
    assert.equal(decision.retry, false);
    assert.match(decision.reason, /cancelled \(CancelledError\): never retried/);
  });
});

void describe("decideRetry: RetryError", () => {
  void it("retries without being listed in retryFor, with backoff", () => {
    const decision = decideRetry(new RetryError(), 1, { ...OPTIONS, retryFor: [] });
    assert.deepEqual(decision, {
      retry: true,
      delayMs: 2000,
      reason: "attempt 2 of 4 asked for a retry (RetryError); retrying in 2 s",
    });
  });

  void it("waits its own delayMs, uncapped and without jitter", () => {
    const options = { ...OPTIONS, retryJitter: true, retryMaxDelayMs: 1000 };
    assert.equal(decideRetry(new RetryError("later", 120_000), 0, options, () => 0).delayMs, 120_000);
    const now = decideRetry(new RetryError("now", 0), 0, options);
    assert.deepEqual([now.delayMs, now.reason.endsWith("retrying at once")], [0, true]);
  });

  void it("falls back to backoff for a delayMs that is not a duration, and says so", () => {
    for (const bad of [-5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const decision = decideRetry(new RetryError("x", bad), 0, OPTIONS);
      assert.equal(decision.delayMs, 1000);
      assert.match(decision.reason, /delayMs .* is not a duration; used backoff/);
    }
  });

  void it("counts against maxRetries", () => {
    const decision = decideRetry(new RetryError("again", 10), 3, OPTIONS);
    assert.equal(decision.retry, false);
    assert.match(decision.reason, /attempt 4 of 4 asked for a retry \(RetryError\) and no retries are left/);
  });

  void it("fails with maxRetries 0 and says why", () => {
    const decision = decideRetry(new RetryError(), 0, { ...OPTIONS, maxRetries: 0 });
    assert.equal(decision.retry, false);
    assert.equal(
      decision.reason,
      "attempt 1 of 1 asked for a retry (RetryError) but maxRetries is 0: failing",
    );
  });
});

void describe("decideRetry: arguments", () => {
  void it("rejects a negative or fractional failedAttempts", () => {
    assert.throws(() => decideRetry(new RetryError(), -1, OPTIONS), RangeError);
    assert.throws(() => decideRetry(new RetryError(), 0.5, OPTIONS), RangeError);
  });
});

void describe("formatDelay", () => {
  void it("shows milliseconds under a second, else seconds to one decimal", () => {
    assert.deepEqual([250, 1000, 1900, 1949, 60000].map(formatDelay), [
      "250 ms",
      "1 s",
      "1.9 s",
      "1.9 s",
      "60 s",
    ]);
  });
});
