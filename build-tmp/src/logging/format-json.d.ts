import type { LogRecord } from "./logger.js";
/**
 * The machine format: one JSON object per line, `{time, level, logger, msg, runner, invocation, task,
 * ...fields}`, ids in full and errors as `{name, message, stack}`.
 */
export declare function formatJsonLine(record: LogRecord): string;
