import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay, jitter, type RetryOptions } from "../../src/retry/index.js";

const BASE: RetryOptions = {
  maxRetries: 10,
  retryFor: [],
  retryBackoff: "exponential",
  retryDelayMs: 1000,
  retryMaxDelayMs: 60000,
  retryJitter: false,
};

// A small seeded generator: the property tests see many values yet always the same ones.
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

void describe("backoffDelay without jitter", () => {
  void it("doubles per retry when exponential: delay * 2^(n-1)", () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, BASE));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 32000]);
  });

  void it("stops at retryMaxDelayMs", () => {
    assert.equal(backoffDelay(7, BASE), 60000);
    assert.equal(backoffDelay(50, BASE), 60000);
  });

  void it("stays finite for huge retry numbers, also with a zero delay", () => {
    assert.equal(backoffDelay(Number.MAX_SAFE_INTEGER, BASE), 60000);
    assert.equal(backoffDelay(5000, { ...BASE, retryDelayMs: 0 }), 0);
  });

  void it("waits retryDelayMs every time when fixed", () => {
    const fixed = { ...BASE, retryBackoff: "fixed" } as const;
    assert.deepEqual(
      [1, 2, 9].map((n) => backoffDelay(n, fixed)),
      [1000, 1000, 1000],
    );
  });

  void it("caps a fixed delay too", () => {
    assert.equal(backoffDelay(1, { ...BASE, retryBackoff: "fixed", retryMaxDelayMs: 300 }), 300);
  });

  void it("rejects a retry number below 1 or not an integer", () => {
    assert.throws(() => backoffDelay(0, BASE), RangeError);
    assert.throws(() => backoffDelay(1.5, BASE), RangeError);
  });
});

void describe("backoffDelay with jitter", () => {
  const JITTERED = { ...BASE, retryJitter: true };

  void it("takes the low end for random() = 0 and the delay itself as random() nears 1", () => {
    assert.equal(
      backoffDelay(2, JITTERED, () => 0),
      1000,
    );
    assert.equal(
      backoffDelay(2, JITTERED, () => 0.999999),
      2000,
    );
  });

  void it("stays within [ceil(d/2), d] and under the cap for many random values", () => {
    const random = seeded(42);
    for (let n = 1; n <= 12; n++) {
      const d = backoffDelay(n, BASE);
      for (let i = 0; i < 500; i++) {
        const got = backoffDelay(n, JITTERED, random);
        assert.ok(Number.isInteger(got), `integer, got ${got}`);
        assert.ok(got >= Math.ceil(d / 2) && got <= d, `retry ${n}: ${got} outside [${d / 2}, ${d}]`);
        assert.ok(got <= JITTERED.retryMaxDelayMs);
      }
    }
  });

  void it("spreads over the whole range, not a few points", () => {
    const random = seeded(7);
    const seen = Array.from({ length: 2000 }, () => backoffDelay(1, JITTERED, random));
    assert.equal(Math.min(...seen) < 520, true);
    assert.equal(Math.max(...seen) > 980, true);
    assert.ok(new Set(seen).size > 300);
  });
});

void describe("jitter", () => {
  void it("holds its bounds for odd, tiny and zero delays", () => {
    const random = seeded(1);
    for (const d of [0, 1, 2, 3, 999, 1001]) {
      for (let i = 0; i < 300; i++) {
        const got = jitter(d, random);
        assert.ok(got >= Math.ceil(d / 2) && got <= d, `${d}: ${got}`);
      }
    }
  });

  void it("keeps its bounds when the random source misbehaves", () => {
    for (const r of [-1, 1, 2, Number.NaN, Number.POSITIVE_INFINITY]) {
      const got = jitter(1000, () => r);
      assert.ok(got >= 500 && got <= 1000, `random ${r}: ${got}`);
    }
  });
});
