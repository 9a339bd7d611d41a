/**
 * How long to wait before a retry. Pure, with the random source injectable, so the rules can be
 * tested exactly; the caller turns the delay into a "not before" time.
 */
import type { RetryOptions } from "./retry-options.js";

// 2 ** 1024 is Infinity, and 0 * Infinity is NaN; any exponent past this is over every cap anyway.
const MAX_EXPONENT = 1000;

/** Delay in whole milliseconds before retry number `retryNumber` (1 for the first retry). */
export function backoffDelay(
  retryNumber: number,
  options: Pick<RetryOptions, "retryBackoff" | "retryDelayMs" | "retryMaxDelayMs" | "retryJitter">,
  random: () => number = Math.random,
): number {
  if (!Number.isSafeInteger(retryNumber) || retryNumber < 1) {
    throw new RangeError(`retryNumber must be an integer >= 1, got ${retryNumber}`);
  }
  const exponent = options.retryBackoff === "exponential" ? Math.min(retryNumber - 1, MAX_EXPONENT) : 0;
  const capped = Math.round(Math.min(options.retryDelayMs * 2 ** exponent, options.retryMaxDelayMs));
  // Jitter after the cap, so the cap holds for the jittered delay too.
  return options.retryJitter ? jitter(capped, random) : capped;
}

/** A whole number of milliseconds, uniform over [ceil(delay/2), delay]. */
export function jitter(delayMs: number, random: () => number = Math.random): number {
  const low = Math.ceil(delayMs / 2);
  const r = random();
  // A bad random source must not push the delay out of its bounds.
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.min(delayMs, low + Math.floor(unit * (delayMs - low + 1)));
}
