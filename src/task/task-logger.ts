import { currentExecution } from "../invocation/context.js";
import type { LogContext, LogFields, Logger, LogLevelName } from "../logging/index.js";

/**
 * `task.logger`: inside an invocation it logs with that invocation's context (runner, invocation,
 * task); elsewhere with the task's own.
 */
export class TaskLogger implements Logger {
  constructor(private readonly base: Logger) {}

  get context(): Readonly<LogContext> {
    return this.current().context;
  }

  debug(msg: string, fields?: LogFields): void {
    this.current().debug(msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.current().info(msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.current().warn(msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.current().error(msg, fields);
  }

  isEnabled(level: LogLevelName): boolean {
    return this.base.isEnabled(level);
  }

  child(context: LogContext): Logger {
    return this.current().child(context);
  }

  private current(): Logger {
    return currentExecution()?.logger ?? this.base;
  }
}
