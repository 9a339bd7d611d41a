import type { LogContext, LogFields, Logger, LogLevelName } from "../logging/index.js";
/**
 * `task.logger`: inside an invocation it logs with that invocation's context (runner, invocation,
 * task); elsewhere with the task's own.
 */
export declare class TaskLogger implements Logger {
    private readonly base;
    constructor(base: Logger);
    get context(): Readonly<LogContext>;
    debug(msg: string, fields?: LogFields): void;
    info(msg: string, fields?: LogFields): void;
    warn(msg: string, fields?: LogFields): void;
    error(msg: string, fields?: LogFields): void;
    isEnabled(level: LogLevelName): boolean;
    child(context: LogContext): Logger;
    private current;
}
