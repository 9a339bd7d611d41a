import type { Outcome } from "../invocation/invocation-record.js";
import { InvocationStatus } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import type { RetryDecision } from "../retry/index.js";

/**
 * The lines a runner writes when an invocation does not succeed. Every invocation that ends without
 * succeeding is logged once, at `error` with the error's stack and cause chain, unless it was asked
 * to end (cancelled: one `info` line). A timeout is one `error` line without a stack: the stack would
 * only show tynenc's timer. A failed attempt that will run again is one `warn` line with the error's
 * name and message; its stack is added only at `debug`, so retries never drown the final failure.
 */

/** What the lines need of an execution (its logger carries the runner, invocation and task). */
export interface FailingExecution {
  readonly id: string;
  readonly taskId: string;
  readonly killed: boolean;
  readonly logger: Logger;
}

/** Executions whose failure `logFailure` reported, so the finish does not report it again. */
const reported = new WeakSet<FailingExecution>();

/** A failed attempt that runs again; `attempt` counts from 1. */
export function logRetry(
  execution: FailingExecution,
  error: unknown,
  decision: RetryDecision,
  attempt: number,
): void {
  const logger = execution.logger;
  logger.warn(`RETRY: ${decision.reason}`, {
    attempt,
    error: logger.isEnabled("debug") ? error : describe(error),
  });
}

/**
 * The task threw and is not retried: the invocation fails. `attempts` counts every attempt made, and
 * `reason` (why no retry follows) is shown when there were several.
 */
export function logFailure(
  execution: FailingExecution,
  error: unknown,
  attempts: number,
  reason: string,
): void {
  // Cancelled or timed out while the failure was being handled: that line was written instead.
  if (execution.killed) return;
  reported.add(execution);
  const after = attempts > 1 ? ` after ${attempts} attempts` : "";
  execution.logger.error(`FAILED${after}: ${who(execution)} threw ${describe(error)}`, {
    error,
    attempts: attempts > 1 ? attempts : undefined,
    reason: attempts > 1 ? reason : undefined,
  });
}

/**
 * About to store a failed outcome. One `logFailure` reported already is not logged again; any other
 * comes from a task that returned a result that cannot be stored, logged here with that error.
 */
export function logFailedOutcome(
  execution: FailingExecution,
  outcome: Extract<Outcome, { ok: false }>,
): void {
  if (reported.delete(execution) || execution.killed) return;
  const error = storedError(outcome);
  const what = error === undefined ? "" : `: ${describe(error)}`;
  execution.logger.error(`FAILED: ${who(execution)} returned a result that cannot be stored${what}`, {
    error,
  });
}

/** Cancelled (asked for: `info`) or timed out (`error`): one line, the error's message, no stack. */
export function logAborted(logger: Logger, status: InvocationStatus, error: Error): void {
  if (status === InvocationStatus.CANCELLED) logger.info(`${status}: ${error.message}`);
  else logger.error(`${status}: ${error.message}`);
}

/** The full id (the text format shortens the one of its context) and the task. */
function who(execution: FailingExecution): string {
  return `invocation ${execution.id} (task "${execution.taskId}")`;
}

/** `Name: message` of an error; any other thrown value as text. */
export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === "string") return JSON.stringify(error);
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/**
 * The error of a stored failure, rebuilt from its payload (name, message, stack, cause chain) for the
 * log line only; undefined when the payload was moved to the data store or cannot be read.
 */
function storedError(outcome: Extract<Outcome, { ok: false }>): Error | undefined {
  if (outcome.largeValueKey !== undefined) return undefined;
  try {
    return payloadError(JSON.parse(outcome.error), 0);
  } catch {
    return undefined;
  }
}

function payloadError(payload: unknown, depth: number): Error | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const fields = payload as { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown };
  if (typeof fields.name !== "string" || typeof fields.message !== "string") return undefined;
  const error = new Error(fields.message);
  error.name = fields.name;
  error.stack = typeof fields.stack === "string" ? fields.stack : `${fields.name}: ${fields.message}`;
  const cause = depth < 10 ? payloadError(fields.cause, depth + 1) : undefined;
  if (cause !== undefined) error.cause = cause;
  return error;
}

/** A claimed invocation whose task or arguments cannot be resolved here: it fails without running. */
export function logCannotRun(logger: Logger, id: string, taskId: string, error: unknown): void {
  logger.error(`FAILED: cannot run invocation ${id} (task "${taskId}"): ${describe(error)}`, {
    invocation: id,
    task: taskId,
    error,
  });
}
