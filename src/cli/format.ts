/** Text output shared by the commands: aligned tables, ages, and values as JSON. */
import { inspect } from "node:util";

/** Columns padded to their widest cell, two spaces apart, no trailing spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((line) => (line[col] ?? "").length)));
  const lines = all.map((line) =>
    line
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join("  ")
      .trimEnd(),
  );
  return `${lines.join("\n")}\n`;
}

/** `850ms`, `12.3s`, `4m05s`, `2h03m`, `3d04h`: short enough for a table column. */
export function formatAge(ms: number): string {
  const age = Math.max(0, Math.round(ms));
  if (age < 1000) return `${age}ms`;
  if (age < 60_000) return `${(age / 1000).toFixed(1)}s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  const minutes = Math.floor(age / 60_000);
  if (minutes < 60) return `${minutes}m${pad(Math.floor((age % 60_000) / 1000))}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${pad(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d${pad(hours % 24)}h`;
}

export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A value as a person reads it in a terminal (Maps, Dates, errors and all). */
export function formatValue(value: unknown): string {
  return inspect(value, { depth: 6, breakLength: 100 });
}

/**
 * A value JSON can hold: task arguments and results may be BigInts, Maps, Sets, Dates or errors, which
 * JSON.stringify drops, mangles or throws on.
 */
export function jsonSafe(value: unknown, seen = new Set<unknown>()): unknown {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "undefined" || typeof value === "function" || typeof value === "symbol") {
    return value === undefined ? null : String(value);
  }
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  try {
    if (value instanceof Date) return value.toISOString();
    if (value instanceof Error) return errorJson(value, seen);
    if (value instanceof Map) return [...value].map(([k, v]) => [jsonSafe(k, seen), jsonSafe(v, seen)]);
    if (value instanceof Set || Array.isArray(value)) return [...value].map((v) => jsonSafe(v, seen));
    if (ArrayBuffer.isView(value)) return inspect(value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v, seen)]));
  } finally {
    seen.delete(value);
  }
}

function errorJson(error: Error, seen: Set<unknown>): Record<string, unknown> {
  const { name, message, stack } = error;
  const own = Object.fromEntries(Object.entries(error).map(([k, v]) => [k, jsonSafe(v, seen)]));
  return { name, message, ...own, stack };
}
