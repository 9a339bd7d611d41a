import type { LogFormat, LogLevelName, LogMethodLevel } from "./levels.js";
/** What a user can plug in instead of ours: pino, winston, console all fit. */
export interface LoggerLike {
    debug(msg: string, ...rest: unknown[]): void;
    info(msg: string, ...rest: unknown[]): void;
    warn(msg: string, ...rest: unknown[]): void;
    error(msg: string, ...rest: unknown[]): void;
}
/** Who is speaking: a runner, one of its invocations, the task it runs, plus anything else useful. */
export interface LogContext {
    runner?: string;
    invocation?: string;
    task?: string;
    [key: string]: unknown;
}
export type LogFields = Record<string, unknown>;
/** What tynenc code uses internally. */
export interface Logger {
    debug(msg: string, fields?: LogFields): void;
    info(msg: string, fields?: LogFields): void;
    warn(msg: string, fields?: LogFields): void;
    error(msg: string, fields?: LogFields): void;
    /** Hot paths check this before building an expensive message or fields object. */
    isEnabled(level: LogLevelName): boolean;
    /** A logger with this context merged over ours; cheap, as one is created per invocation. */
    child(context: LogContext): Logger;
    readonly context: Readonly<LogContext>;
}
/** A root logger: its level (shared by all its children) can change while the app runs. */
export interface RootLogger extends Logger {
    readonly level: LogLevelName;
    setLevel(level: LogLevelName): void;
}
/** The built-in logger, which also owns its output format. */
export interface StreamLogger extends RootLogger {
    readonly format: LogFormat;
    setFormat(format: LogFormat): void;
}
export interface LoggerOptions {
    /** Printed on every line, e.g. `tynenc.auto_orchestration`. */
    name: string;
    level: LogLevelName;
    format: LogFormat;
    /** Default: the stream is a TTY and `NO_COLOR` is not set. */
    colors?: boolean;
    /** Default: `process.stderr`. */
    stream?: NodeJS.WritableStream;
    /** Clock for the time stamp; tests pin it. */
    now?: () => Date;
}
/** One event, as handed to a formatter. */
export interface LogRecord {
    time: Date;
    level: LogMethodLevel;
    logger: string;
    msg: string;
    context: Readonly<LogContext>;
    fields: LogFields | undefined;
}
