import type { LogRecord } from "./logger.js";
import { safeJson } from "./serialize.js";

/**
 * The machine format: one JSON object per line, `{time, level, logger, msg, runner, invocation, task,
 * ...fields}`, ids in full and errors as `{name, message, code, stack, cause, ...own properties}`
 * (the cause chain nested, each with its stack).
 */
export function formatJsonLine(record: LogRecord): string {
  const event: Record<string, unknown> = {
    time: record.time.toISOString(),
    level: record.level,
    logger: record.logger,
    msg: record.msg,
    ...record.context,
    ...record.fields,
  };
  // A field named like a core key must not hide the event's own: re-assigning keeps the key order.
  event["time"] = record.time.toISOString();
  event["level"] = record.level;
  event["logger"] = record.logger;
  event["msg"] = record.msg;
  return safeJson(event, { stacks: true });
}
