/**
 * One error tree: every error tynenc raises is a `TynencError` with a stable string `code`.
 * Errors cross threads and processes as plain objects (see serializer/error-codec.ts) and come back
 * as instances of these classes.
 */
export declare class TynencError extends Error {
    readonly code: string;
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
/** A configuration value is missing, of the wrong type or out of range. */
export declare class ConfigError extends TynencError {
    readonly code = "CONFIG_INVALID";
}
/** A value (argument, result, error payload) cannot be turned into text for the backend. */
export declare class SerializationError extends TynencError {
    readonly code = "SERIALIZATION_FAILED";
}
/** `app.task` was given something it cannot register (duplicate id, missing name, not a function). */
export declare class TaskRegistrationError extends TynencError {
    readonly code = "TASK_REGISTRATION";
}
/** A task id that this app does not know (e.g. a stored invocation of a task not registered here). */
export declare class UnknownTaskError extends TynencError {
    readonly code = "TASK_UNKNOWN";
}
/** No invocation with that id is known to the backend. */
export declare class InvocationNotFoundError extends TynencError {
    readonly code = "INVOCATION_NOT_FOUND";
}
/** A status change that the status table does not allow. */
export declare class StatusTransitionError extends TynencError {
    readonly code: string;
}
/** A status change attempted by a runner that does not own the invocation. */
export declare class OwnershipError extends StatusTransitionError {
    readonly code = "STATUS_OWNERSHIP";
}
/** Awaiting an invocation would close a cycle in the wait graph: it could never finish. */
export declare class WaitCycleError extends TynencError {
    readonly cycle: readonly string[];
    readonly code = "WAIT_CYCLE";
    constructor(message: string, cycle?: readonly string[]);
}
/** The runner cannot be used as configured (wrong backend, already running, ...). */
export declare class RunnerError extends TynencError {
    readonly code = "RUNNER";
}
/** `.result` was awaited where nothing can ever run the invocation. */
export declare class NoRunnerError extends TynencError {
    readonly code = "NO_RUNNER";
}
/** The invocation was stopped by its runner's shutdown before it could finish. */
export declare class InvocationKilledError extends TynencError {
    readonly code = "INVOCATION_KILLED";
}
