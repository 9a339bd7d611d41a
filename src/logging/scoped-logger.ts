import { LogLevel, parseLogLevel, type LogLevelName, type LogMethodLevel } from "./levels.js";
import type { LogContext, LogFields, Logger } from "./logger.js";

/**
 * Where a logger tree writes to. One sink is shared by a root and all its children, so changing
 * `threshold` on it changes the level of the whole tree at once. `write` must never throw.
 */
export interface LogSink {
  threshold: number;
  write(
    level: LogMethodLevel,
    msg: string,
    context: Readonly<LogContext>,
    fields: LogFields | undefined,
  ): void;
}

export const EMPTY_CONTEXT: Readonly<LogContext> = Object.freeze({});

/** The `Logger` every tynenc component holds: a context plus a pointer to its tree's sink. */
export class ScopedLogger implements Logger {
  constructor(
    protected readonly sink: LogSink,
    readonly context: Readonly<LogContext>,
  ) {}

  // Each method is one comparison when its level is off, so debug calls on hot paths cost next to nothing.
  debug(msg: string, fields?: LogFields): void {
    if (LogLevel.debug >= this.sink.threshold) this.sink.write("debug", msg, this.context, fields);
  }

  info(msg: string, fields?: LogFields): void {
    if (LogLevel.info >= this.sink.threshold) this.sink.write("info", msg, this.context, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    if (LogLevel.warn >= this.sink.threshold) this.sink.write("warn", msg, this.context, fields);
  }

  error(msg: string, fields?: LogFields): void {
    if (LogLevel.error >= this.sink.threshold) this.sink.write("error", msg, this.context, fields);
  }

  isEnabled(level: LogLevelName): boolean {
    return level !== "silent" && LogLevel[level] >= this.sink.threshold;
  }

  child(context: LogContext): Logger {
    return new ScopedLogger(this.sink, mergeContext(this.context, context));
  }
}

/** The child's keys win; an `undefined` value is skipped so it cannot erase the parent's. */
export function mergeContext(parent: Readonly<LogContext>, child: LogContext): Readonly<LogContext> {
  const merged: LogContext = { ...parent };
  for (const key in child) {
    const value = child[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** A root: the one place that may change the tree's level. */
export class RootScopedLogger extends ScopedLogger {
  #level: LogLevelName;

  constructor(sink: LogSink, level: LogLevelName) {
    super(sink, EMPTY_CONTEXT);
    this.#level = level;
    sink.threshold = LogLevel[level];
  }

  get level(): LogLevelName {
    return this.#level;
  }

  /** Throws a `ConfigError` for an unknown name rather than silently logging nothing. */
  setLevel(level: LogLevelName): void {
    this.#level = parseLogLevel(level, "level");
    this.sink.threshold = LogLevel[this.#level];
  }
}
