import { parseLogLevel, type LogLevelName, type LogMethodLevel } from "./levels.js";
import { isPromiseLike } from "./promise-like.js";
import { createFailureReporter, type FailureReporter } from "./failure-notice.js";
import type { LogContext, LogFields, LoggerLike, RootLogger } from "./logger.js";
import { RootScopedLogger, type LogSink } from "./scoped-logger.js";

/**
 * Wraps a user's logger (pino, winston, console, ...) so tynenc code can use it like its own. Each call
 * becomes `user[level](msg, { logger: name, ...context, ...fields })`. `level` is tynenc's own filter in
 * front of the user's, so hot paths still skip building messages nobody will see; it defaults to `info`.
 */
export function adaptLogger(user: LoggerLike, name: string, level: LogLevelName = "info"): RootLogger {
  return new RootScopedLogger(new UserLoggerSink(user, name), parseLogLevel(level, "level"));
}

class UserLoggerSink implements LogSink {
  threshold = 0;
  private readonly reportFailure: FailureReporter;

  constructor(
    private readonly user: LoggerLike,
    private readonly name: string,
  ) {
    this.reportFailure = createFailureReporter(name);
  }

  write(
    level: LogMethodLevel,
    msg: string,
    context: Readonly<LogContext>,
    fields: LogFields | undefined,
  ): void {
    try {
      const result: unknown = this.user[level](msg, { logger: this.name, ...context, ...fields });
      // An async user logger could reject; unobserved, that would be an unhandled rejection.
      if (isPromiseLike(result)) result.then(undefined, this.reportFailure);
    } catch (error) {
      this.reportFailure(error);
    }
  }
}
