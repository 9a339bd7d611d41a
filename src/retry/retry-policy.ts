/**
 * Whether a failed attempt is run again, and after how long. One pure function that the core calls
 * for every backend and runner, so the rules live in one place.
 */
import { CancelledError, NonRetryableError, RetryError } from "../errors/errors.js";
import { backoffDelay } from "./backoff.js";
import type { RetryOptions } from "./retry-options.js";

export { backoffDelay, jitter } from "./backoff.js";
export {
  isErrorClass,
  retryOptionsFrom,
  validateRetryOptions,
  type ErrorClass,
  type RetryOptions,
  type RetryOptionsInput,
  type RetryValidationContext,
} from "./retry-options.js";

export interface RetryDecision {
  retry: boolean;
  /** Wait before the next attempt; 0 when `retry` is false. */
  delayMs: number;
  /** One line for logs and the invocation's history. */
  reason: string;
}

/**
 * Decides for the attempt that just failed with `error`; `failedAttempts` counts the attempts that
 * failed before it. NonRetryableError and CancelledError stop at once (even when `retryFor` names a
 * parent class such as Error); RetryError retries without being listed; anything else retries only
 * when it is an instance of a `retryFor` class. Only the thrown error counts, not its `cause`.
 */
export function decideRetry(
  error: unknown,
  failedAttempts: number,
  options: RetryOptions,
  random: () => number = Math.random,
): RetryDecision {
  if (!Number.isSafeInteger(failedAttempts) || failedAttempts < 0) {
    throw new RangeError(`failedAttempts must be an integer >= 0, got ${failedAttempts}`);
  }
  const attempt = `attempt ${failedAttempts + 1} of ${options.maxRetries + 1}`;
  const name = errorName(error);
  if (error instanceof NonRetryableError) return fail(`${attempt} failed with ${name}: failing at once`);
  if (error instanceof CancelledError) return fail(`${attempt} was cancelled (${name}): never retried`);
  const left = options.maxRetries - failedAttempts;
  if (error instanceof RetryError) {
    const what = `${attempt} asked for a retry (${name})`;
    if (left <= 0) return fail(`${what} ${noRetriesLeft(options.maxRetries)}`);
    const explicit = explicitDelay(error.delayMs);
    if (explicit !== undefined) return retry(what, explicit);
    return retry(what, backoffDelay(failedAttempts + 1, options, random), badDelayNote(error.delayMs));
  }
  const what = `${attempt} failed with ${name}`;
  if (!options.retryFor.some((cls) => error instanceof cls)) return fail(`${what}, not in retryFor: failing`);
  if (left <= 0) return fail(`${what} ${noRetriesLeft(options.maxRetries)}`);
  return retry(what, backoffDelay(failedAttempts + 1, options, random));
}

function fail(reason: string): RetryDecision {
  return { retry: false, delayMs: 0, reason };
}

function retry(what: string, delayMs: number, note = ""): RetryDecision {
  const when = delayMs === 0 ? "retrying at once" : `retrying in ${formatDelay(delayMs)}`;
  return { retry: true, delayMs, reason: `${what}; ${when}${note}` };
}

function noRetriesLeft(maxRetries: number): string {
  return maxRetries === 0 ? "but maxRetries is 0: failing" : `and no retries are left: failing`;
}

// The task's own delay wins over backoff (it may know better, e.g. from a Retry-After header),
// and is not capped by retryMaxDelayMs, which only bounds the computed backoff.
function explicitDelay(delayMs: number | undefined): number | undefined {
  return delayMs !== undefined && Number.isFinite(delayMs) && delayMs >= 0 ? Math.round(delayMs) : undefined;
}

function badDelayNote(delayMs: number | undefined): string {
  return delayMs === undefined ? "" : ` (RetryError delayMs ${delayMs} is not a duration; used backoff)`;
}

function errorName(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${error === null ? "null" : typeof error}`;
  // `class MyError extends Error {}` keeps the name "Error"; its class name says more.
  const className: unknown = error.constructor?.name;
  return error.name === "Error" && typeof className === "string" && className !== "" ? className : error.name;
}

/** `1900` -> "1.9 s", `250` -> "250 ms". */
export function formatDelay(delayMs: number): string {
  return delayMs < 1000 ? `${delayMs} ms` : `${Number((delayMs / 1000).toFixed(1))} s`;
}
