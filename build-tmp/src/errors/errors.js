/**
 * One error tree: every error tynenc raises is a `TynencError` with a stable string `code`.
 * Errors cross threads and processes as plain objects (see serializer/error-codec.ts) and come back
 * as instances of these classes.
 */
export class TynencError extends Error {
    code = "TYNENC_ERROR";
    constructor(message, options) {
        super(message, options);
        this.name = new.target.name;
    }
}
/** A configuration value is missing, of the wrong type or out of range. */
export class ConfigError extends TynencError {
    code = "CONFIG_INVALID";
}
/** A value (argument, result, error payload) cannot be turned into text for the backend. */
export class SerializationError extends TynencError {
    code = "SERIALIZATION_FAILED";
}
/** `app.task` was given something it cannot register (duplicate id, missing name, not a function). */
export class TaskRegistrationError extends TynencError {
    code = "TASK_REGISTRATION";
}
/** A task id that this app does not know (e.g. a stored invocation of a task not registered here). */
export class UnknownTaskError extends TynencError {
    code = "TASK_UNKNOWN";
}
/** No invocation with that id is known to the backend. */
export class InvocationNotFoundError extends TynencError {
    code = "INVOCATION_NOT_FOUND";
}
/** A status change that the status table does not allow. */
export class StatusTransitionError extends TynencError {
    code = "STATUS_TRANSITION";
}
/** A status change attempted by a runner that does not own the invocation. */
export class OwnershipError extends StatusTransitionError {
    code = "STATUS_OWNERSHIP";
}
/** Awaiting an invocation would close a cycle in the wait graph: it could never finish. */
export class WaitCycleError extends TynencError {
    cycle;
    code = "WAIT_CYCLE";
    constructor(message, cycle = []) {
        super(message);
        this.cycle = cycle;
    }
}
/** The runner cannot be used as configured (wrong backend, already running, ...). */
export class RunnerError extends TynencError {
    code = "RUNNER";
}
/** `.result` was awaited where nothing can ever run the invocation. */
export class NoRunnerError extends TynencError {
    code = "NO_RUNNER";
}
/** The invocation was stopped by its runner's shutdown before it could finish. */
export class InvocationKilledError extends TynencError {
    code = "INVOCATION_KILLED";
}
//# sourceMappingURL=errors.js.map