import { type LogLevelName, type LogMethodLevel } from "./levels.js";
import type { LogContext, LogFields, Logger } from "./logger.js";
/**
 * Where a logger tree writes to. One sink is shared by a root and all its children, so changing
 * `threshold` on it changes the level of the whole tree at once. `write` must never throw.
 */
export interface LogSink {
    threshold: number;
    write(level: LogMethodLevel, msg: string, context: Readonly<LogContext>, fields: LogFields | undefined): void;
}
export declare const EMPTY_CONTEXT: Readonly<LogContext>;
/** The `Logger` every tynenc component holds: a context plus a pointer to its tree's sink. */
export declare class ScopedLogger implements Logger {
    protected readonly sink: LogSink;
    readonly context: Readonly<LogContext>;
    constructor(sink: LogSink, context: Readonly<LogContext>);
    debug(msg: string, fields?: LogFields): void;
    info(msg: string, fields?: LogFields): void;
    warn(msg: string, fields?: LogFields): void;
    error(msg: string, fields?: LogFields): void;
    isEnabled(level: LogLevelName): boolean;
    child(context: LogContext): Logger;
}
/** The child's keys win; an `undefined` value is skipped so it cannot erase the parent's. */
export declare function mergeContext(parent: Readonly<LogContext>, child: LogContext): Readonly<LogContext>;
/** A root: the one place that may change the tree's level. */
export declare class RootScopedLogger extends ScopedLogger {
    #private;
    constructor(sink: LogSink, level: LogLevelName);
    get level(): LogLevelName;
    /** Throws a `ConfigError` for an unknown name rather than silently logging nothing. */
    setLevel(level: LogLevelName): void;
}
