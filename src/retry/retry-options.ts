/**
 * What a task's retries are made of, and the checks `app.task` runs on them so that a combination
 * that could never work fails at registration, naming the option, instead of at the first failure.
 */
import { ConfigSource, type TaskConfigValues } from "../config/index.js";
import { showValue, throwProblems } from "../config/resolve.js";
import { taskLabel } from "../config/task-config.js";
import { CancelledError, NonRetryableError } from "../errors/errors.js";

export type ErrorClass = abstract new (...args: any[]) => Error;

export interface RetryOptions {
  /** Attempts after the first; 0 turns retries off (a RetryError then fails too). */
  maxRetries: number;
  /** Errors (by class, subclasses included) worth another attempt; RetryError needs no listing. */
  retryFor: readonly ErrorClass[];
  retryBackoff: "fixed" | "exponential";
  /** Delay before the first retry. */
  retryDelayMs: number;
  /** Cap on every backoff delay, jitter included. */
  retryMaxDelayMs: number;
  /** Spread each delay at random over [delay/2, delay]. */
  retryJitter: boolean;
}

/** Options as `app.task` receives them: `retryFor` is still unchecked user input. */
export interface RetryOptionsInput {
  readonly retryFor?: unknown;
  readonly maxRetries?: number;
  readonly retryBackoff?: string;
  readonly retryDelayMs?: number;
  readonly retryMaxDelayMs?: number;
}

export interface RetryValidationContext {
  /**
   * Where the resolved `maxRetries` came from. A 0 set in a config file or env is an operator turning
   * retries off on purpose, so `retryFor` in code must not then break registration.
   */
  readonly maxRetriesSource?: ConfigSource;
}

// Errors that mean "stop", whatever retryFor says: listing them would be a contradiction.
const NEVER_RETRIED: readonly ErrorClass[] = [NonRetryableError, CancelledError];

/** Throws one ConfigError listing every problem, each naming the option and the task. */
export function validateRetryOptions(
  taskId: string,
  options: RetryOptionsInput,
  context: RetryValidationContext = {},
): void {
  const label = taskLabel(taskId);
  const problems = retryForProblems(options.retryFor, label("retryFor"));
  if (retryForNeedsRetries(options, context)) {
    problems.push(
      `${label("retryFor")} is set but maxRetries is 0, so it could never apply: ` +
        `set maxRetries (e.g. maxRetries: 3) or remove retryFor.`,
    );
  }
  const { retryDelayMs: delay, retryMaxDelayMs: cap } = options;
  if (delay !== undefined && cap !== undefined && cap < delay) {
    problems.push(
      `${label("retryMaxDelayMs")} (${cap}) is below retryDelayMs (${delay}), so the cap would cut ` +
        `even the first delay: raise retryMaxDelayMs or lower retryDelayMs.`,
    );
  }
  throwProblems(problems);
}

function retryForNeedsRetries(options: RetryOptionsInput, context: RetryValidationContext): boolean {
  const { retryFor, maxRetries = 0 } = options;
  const operatorOff =
    context.maxRetriesSource === ConfigSource.file || context.maxRetriesSource === ConfigSource.env;
  return Array.isArray(retryFor) && retryFor.length > 0 && maxRetries === 0 && !operatorOff;
}

function retryForProblems(retryFor: unknown, label: string): string[] {
  if (retryFor === undefined) return [];
  if (!Array.isArray(retryFor)) {
    const fix = isErrorClass(retryFor) ? `write [${retryFor.name}]` : "e.g. [TypeError]";
    return [`Invalid value ${showItem(retryFor)} for ${label}: expected an array of Error classes; ${fix}.`];
  }
  return retryFor.flatMap((item: unknown, index) => {
    const problem = itemProblem(item);
    return problem === undefined ? [] : [`${label} holds ${showItem(item)} at index ${index}: ${problem}.`];
  });
}

function itemProblem(item: unknown): string | undefined {
  if (item instanceof Error) {
    return `an instance, not a class; list the class itself (${item.constructor.name}, without "new")`;
  }
  if (typeof item !== "function") return "expected an Error class such as TypeError";
  if (!isErrorClass(item)) {
    return isClassSyntax(item)
      ? "this class does not extend Error; only Error classes can be listed"
      : "expected an Error class, not a plain function";
  }
  const never = NEVER_RETRIED.find((cls) => item === cls || item.prototype instanceof cls);
  if (never !== undefined) return `${never.name} always fails at once, so it cannot be retried; remove it`;
  return undefined;
}

export function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === "function" && (value === Error || value.prototype instanceof Error);
}

function showItem(value: unknown): string {
  if (typeof value === "function") {
    const kind = isErrorClass(value) || isClassSyntax(value) ? "the class" : "the function";
    return value.name === "" ? `an anonymous ${kind.slice(4)}` : `${kind} ${value.name}`;
  }
  if (value instanceof Error) return `an instance of ${value.constructor.name}`;
  return showValue(value);
}

function isClassSyntax(fn: object): boolean {
  return /^class\b/.test(Function.prototype.toString.call(fn));
}

/** The options `decideRetry` needs, from a task's resolved config and its (validated) `retryFor`. */
export function retryOptionsFrom(
  conf: Pick<TaskConfigValues, Exclude<keyof RetryOptions, "retryFor">>,
  retryFor: readonly ErrorClass[] = [],
): RetryOptions {
  const { maxRetries, retryBackoff, retryDelayMs, retryMaxDelayMs, retryJitter } = conf;
  return { maxRetries, retryFor, retryBackoff, retryDelayMs, retryMaxDelayMs, retryJitter };
}
