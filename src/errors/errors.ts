/**
 * One error tree: every error tynenc raises is a `TynencError` with a stable string `code`.
 * Errors cross threads and processes as plain objects (see serializer/error-codec.ts) and come back
 * as instances of these classes.
 */
export class TynencError extends Error {
  readonly code: string = "TYNENC_ERROR";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration value is missing, of the wrong type or out of range. */
export class ConfigError extends TynencError {
  override readonly code = "CONFIG_INVALID";
}

/** A value (argument, result, error payload) cannot be turned into text for the backend. */
export class SerializationError extends TynencError {
  override readonly code = "SERIALIZATION_FAILED";
}

/** `app.task` was given something it cannot register (duplicate id, missing name, not a function). */
export class TaskRegistrationError extends TynencError {
  override readonly code = "TASK_REGISTRATION";
}

/** `task.with(options)` was given an option it does not know or a value it cannot use. */
export class CallOptionsError extends TynencError {
  override readonly code = "CALL_OPTIONS_INVALID";
}

/** A task id that this app does not know (e.g. a stored invocation of a task not registered here). */
export class UnknownTaskError extends TynencError {
  override readonly code = "TASK_UNKNOWN";
}

/** No invocation with that id is known to the backend. */
export class InvocationNotFoundError extends TynencError {
  override readonly code: string = "INVOCATION_NOT_FOUND";
}

/** A status change that the status table does not allow. */
export class StatusTransitionError extends TynencError {
  override readonly code: string = "STATUS_TRANSITION";
}

/** A status change attempted by a runner that does not own the invocation. */
export class OwnershipError extends StatusTransitionError {
  override readonly code = "STATUS_OWNERSHIP";
}

/**
 * A cancel was asked for the invocation (`OrchestratorStore.requestCancel`): it may not end any other
 * way than CANCELLED. The engine catches it and cancels instead; it never reaches user code.
 */
export class CancelRequestedError extends StatusTransitionError {
  override readonly code = "CANCEL_REQUESTED";
}

/** Awaiting an invocation would close a cycle in the wait graph: it could never finish. */
export class WaitCycleError extends TynencError {
  override readonly code = "WAIT_CYCLE";
  constructor(
    message: string,
    readonly cycle: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * A handle's `id` (or `args`, `reused`) was read before the backend answered its call: with
 * registrationConcurrency or callResultCache on a backend that answers through promises, which invocation
 * a call stands for is known only then. Await `invocation.registered` first.
 */
export class RegistrationPendingError extends TynencError {
  override readonly code = "REGISTRATION_PENDING";
}

/** The runner cannot be used as configured (wrong backend, already running, ...). */
export class RunnerError extends TynencError {
  override readonly code = "RUNNER";
}

/** `.result` was awaited where nothing can ever run the invocation. */
export class NoRunnerError extends TynencError {
  override readonly code = "NO_RUNNER";
}

/** The invocation was stopped by its runner's shutdown before it could finish. */
export class InvocationKilledError extends TynencError {
  override readonly code = "INVOCATION_KILLED";
}

/**
 * The worker thread or child process running the invocation died (process.exit, an uncaught exception
 * outside the task's promise, out of memory, a native crash); `cause` in the message says which.
 */
export class WorkerCrashedError extends TynencError {
  override readonly code = "WORKER_CRASHED";
}

/**
 * Thrown by a task to ask for another attempt, optionally after `delayMs` (else the task's backoff).
 * Counts against `maxRetries`.
 */
export class RetryError extends TynencError {
  override readonly code = "RETRY_REQUESTED";
  constructor(
    message = "The task asked to be retried",
    readonly delayMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown by a task (or wrapping another error as `cause`) to fail at once, whatever `retryFor` says. */
export class NonRetryableError extends TynencError {
  override readonly code = "NON_RETRYABLE";
}

/** The invocation was cancelled (`invocation.cancel()`, or its waiting parent was cancelled). */
export class CancelledError extends TynencError {
  override readonly code = "CANCELLED";
}

/** The invocation ran longer than its task's `timeoutMs`. */
export class TimeoutError extends TynencError {
  override readonly code = "TIMEOUT";
}

/** Running concurrency dropped the invocation (`rerouteOnConcurrencyControl: false`). */
export class ConcurrencyControlledError extends TynencError {
  override readonly code = "CONCURRENCY_CONTROLLED";
}

/** The invocation finished and was purged by retention: its status and result are gone. */
export class InvocationPurgedError extends InvocationNotFoundError {
  override readonly code = "INVOCATION_PURGED";

  /** The error for invocation `id`, saying which settings keep finished invocations longer. */
  static of(id: string): InvocationPurgedError {
    return new InvocationPurgedError(
      `Invocation ${id} is no longer in the backend: retention purged it after it finished (raise retentionMaxFinished or retentionMs to keep finished invocations longer), or the backend lost it (a Redis restarted without persistence)`,
    );
  }
}

/** A backend cannot be used: its driver is missing, its file or server is unusable, its data is not tynenc's. */
export class BackendError extends TynencError {
  override readonly code = "BACKEND";
}

/**
 * A trigger cannot be used as declared (an invalid cron expression or timezone, a task of another app,
 * an unknown status, two triggers of one task with one id), or `app.emitEvent` was given a bad name or
 * payload. The message names the task and the trigger.
 */
export class TriggerError extends TynencError {
  override readonly code = "TRIGGER_INVALID";
}
