import type { LogMethodLevel } from "./levels.js";
import type { LogContext, LogFields, LogRecord } from "./logger.js";
import { safeJson } from "./serialize.js";

/**
 * The human format: `<time> <LEVEL> <logger> [runner=… inv=… task=…] <msg> key=value …`, with error
 * stacks on indented lines below. Ids are cut to 8 characters: enough to tell them apart in a terminal.
 */

const SHORT_ID_LENGTH = 8;
const STACK_INDENT = "    ";
/** A longer chain is either a loop or more than anyone reads in a terminal. */
const MAX_CAUSE_DEPTH = 5;

const LABELS: Record<LogMethodLevel, string> = {
  debug: "DEBUG",
  info: "INFO ",
  warn: "WARN ",
  error: "ERROR",
};

const ANSI = {
  reset: "\x1b[0m",
  dim: "\x1b[2m",
  grey: "\x1b[90m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  red: "\x1b[31m",
} as const;

const LEVEL_COLORS: Record<LogMethodLevel, string> = {
  debug: ANSI.grey,
  info: ANSI.green,
  warn: ANSI.yellow,
  error: ANSI.red,
};

/** Context keys printed first, in this order and under these (shorter) names. */
const KNOWN_CONTEXT: readonly (readonly [key: string, label: string, isId: boolean])[] = [
  ["runner", "runner", true],
  ["invocation", "inv", true],
  ["task", "task", false],
];

export function formatTextLine(record: LogRecord, colors: boolean): string {
  const label = colors ? paint(LEVEL_COLORS[record.level], LABELS[record.level]) : LABELS[record.level];
  let line = `${record.time.toISOString()} ${label} ${record.logger}`;
  const context = formatContext(record.context);
  if (context !== "") line += " " + (colors ? paint(ANSI.dim, `[${context}]`) : `[${context}]`);
  line += " " + record.msg;
  if (record.fields === undefined) return line;
  const errors: Error[] = [];
  const fields = formatFields(record.fields, errors);
  if (fields !== "") line += " " + fields;
  for (const error of errors) line += "\n" + formatStack(error);
  return line;
}

export function formatContext(context: Readonly<LogContext>): string {
  const parts: string[] = [];
  for (const [key, label, isId] of KNOWN_CONTEXT) {
    const value = context[key];
    if (value === undefined) continue;
    parts.push(`${label}=${isId && typeof value === "string" ? shortId(value) : formatValue(value)}`);
  }
  for (const [key, value] of Object.entries(context)) {
    if (value === undefined || KNOWN_CONTEXT.some(([known]) => known === key)) continue;
    parts.push(`${key}=${formatValue(value)}`);
  }
  return parts.join(" ");
}

export function shortId(id: string): string {
  return id.length > SHORT_ID_LENGTH ? id.slice(0, SHORT_ID_LENGTH) : id;
}

/** Errors are shown inline by their name and message and collected so their stacks go below. */
function formatFields(fields: LogFields, errors: Error[]): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value instanceof Error) {
      errors.push(value);
      parts.push(`${key}=${quoteIfNeeded(`${value.name}: ${value.message}`)}`);
    } else {
      parts.push(`${key}=${formatValue(value)}`);
    }
  }
  return parts.join(" ");
}

export function formatValue(value: unknown): string {
  if (typeof value === "string") return quoteIfNeeded(value);
  if (value === null || typeof value !== "object") {
    return typeof value === "function" ? safeJson(value, { stacks: false }) : String(value);
  }
  return safeJson(value, { stacks: false });
}

/** Quotes a string only where a reader (or a `key=value` parser) would otherwise lose track of it. */
function quoteIfNeeded(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text === "" || /[\s"=\u0000-\u001f]/.test(text) ? JSON.stringify(text) : text;
}

/** The stack (its frames indented one step more), then each cause: an Error's stack, any other value as text. */
function formatStack(error: Error, depth = 0): string {
  let text = indent(error.stack ?? `${error.name}: ${error.message}`);
  const cause = error.cause;
  if (cause === undefined) return text;
  text += `\n${STACK_INDENT}Caused by: `;
  if (depth >= MAX_CAUSE_DEPTH) return text + "… (further causes not shown)";
  return text + (cause instanceof Error ? formatStack(cause, depth + 1).trimStart() : formatValue(cause));
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => STACK_INDENT + line)
    .join("\n");
}

function paint(color: string, text: string): string {
  return color + text + ANSI.reset;
}
