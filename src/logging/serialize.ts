/**
 * Turns arbitrary field values into plain JSON-able data. Log fields come from anywhere (user payloads,
 * errors with causes, cyclic objects), and a log call must never throw because of them.
 */

const MAX_DEPTH = 8;

export interface PlainOptions {
  /** Stacks belong in JSON output; the text format prints them on their own lines instead. */
  stacks: boolean;
}

export function errorToPlain(error: Error, options: PlainOptions, ancestors: object[] = []): object {
  const plain: Record<string, unknown> = { name: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) plain["code"] = toPlain(code, options, ancestors);
  if (options.stacks && error.stack !== undefined) plain["stack"] = error.stack;
  const inner = [...ancestors, error];
  if (error.cause !== undefined) plain["cause"] = toPlain(error.cause, options, inner);
  // Extra properties (an HTTP status, a retry hint) often say more than the message.
  for (const key of Object.keys(error)) {
    if (RESERVED_ERROR_KEYS.has(key)) continue;
    try {
      plain[key] = toPlain((error as unknown as Record<string, unknown>)[key], options, inner);
    } catch {
      plain[key] = "[unreadable]"; // a throwing getter must not cost the log line
    }
  }
  return plain;
}

const RESERVED_ERROR_KEYS: ReadonlySet<string> = new Set(["name", "message", "code", "stack", "cause"]);

export function toPlain(value: unknown, options: PlainOptions, ancestors: object[] = []): unknown {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "symbol":
      return value.toString();
    case "function":
      return `[Function ${value.name || "anonymous"}]`;
    case "undefined":
      return undefined;
  }
  return value === null ? null : objectToPlain(value as object, options, ancestors);
}

function objectToPlain(value: object, options: PlainOptions, ancestors: object[]): unknown {
  if (ancestors.includes(value)) return "[Circular]";
  if (ancestors.length >= MAX_DEPTH) return "[Object]";
  if (value instanceof Error) return errorToPlain(value, options, ancestors);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  const inner = [...ancestors, value];
  if (Array.isArray(value)) return value.map((item: unknown) => toPlain(item, options, inner) ?? null);
  if (value instanceof Map) return toPlain(Object.fromEntries(value), options, inner);
  if (value instanceof Set) return toPlain([...value], options, inner);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return toPlain(toJSON.call(value), options, inner);
  const plain: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) plain[key] = toPlain(item, options, inner);
  return plain;
}

/** JSON text for any value; undefined becomes the string "undefined" so a field never vanishes. */
export function safeJson(value: unknown, options: PlainOptions): string {
  return JSON.stringify(toPlain(value, options)) ?? "undefined";
}
