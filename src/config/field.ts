/**
 * Field kinds: how one setting is parsed from text (environment, config files) and checked when it
 * arrives already typed (code options, assignment). A field never throws itself; it answers with a
 * `Parsed` so the caller can name where the bad value came from.
 */

export const FieldKind = {
  string: "string",
  int: "int",
  number: "number",
  boolean: "boolean",
  enum: "enum",
  durationMs: "duration-ms",
} as const;
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];

export type Parsed<T> = { ok: true; value: T } | { ok: false };

export interface FieldDef<T> {
  readonly kind: FieldKind;
  /** One line, shown by `tynenc config show` and in docs/configuration.md. */
  readonly doc: string;
  /** What is accepted, phrased to follow "expected ". */
  readonly accepted: string;
  /** The default as documentation shows it (may be a rule rather than a value, e.g. "number of CPUs"). */
  readonly defaultDoc: string;
  defaultValue(): T;
  /** Text from an environment variable or a quoted file value. */
  parseText(raw: string): Parsed<T>;
  /** A value that should already have the field's type (code options, assignment, JSON numbers). */
  check(value: unknown): Parsed<T>;
}

/** The field type a definition holds, e.g. `FieldTypeOf<typeof backendField>` is `"memory" | ...`. */
export type FieldTypeOf<F> = F extends FieldDef<infer T> ? T : never;

type Default<T> = T | { compute: () => T; doc: string };

interface Common<T> {
  default: Default<T>;
  doc: string;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad: Parsed<never> = { ok: false };

function makeField<T>(
  kind: FieldKind,
  common: Common<T>,
  accepted: string,
  rules: Pick<FieldDef<T>, "parseText" | "check">,
): FieldDef<T> {
  const dflt = common.default;
  const isComputed = typeof dflt === "object" && dflt !== null && "compute" in dflt;
  return {
    kind,
    doc: common.doc,
    accepted,
    defaultDoc: isComputed ? dflt.doc : JSON.stringify(dflt),
    defaultValue: isComputed ? dflt.compute : () => dflt,
    ...rules,
  };
}

export interface StringOptions extends Common<string> {
  /** Characters every value must match; the whole value is tested. */
  pattern?: RegExp;
  /** How `pattern` reads in an error message, e.g. "letters, digits, '_', '.' and '-'". */
  patternDoc?: string;
  nonEmpty?: boolean;
}

export function stringField(options: StringOptions): FieldDef<string> {
  const { pattern, patternDoc, nonEmpty = false } = options;
  const accepted = pattern
    ? `a non-empty string of ${patternDoc ?? String(pattern)}`
    : nonEmpty
      ? "a non-empty string"
      : "a string";
  const check = (value: unknown): Parsed<string> => {
    if (typeof value !== "string") return bad;
    if ((nonEmpty || pattern) && value === "") return bad;
    if (pattern && !pattern.test(value)) return bad;
    return ok(value);
  };
  return makeField(FieldKind.string, options, accepted, { check, parseText: check });
}

export interface RangeOptions<T> extends Common<T> {
  min?: number;
  max?: number;
}

function rangeText(noun: string, min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} >= ${min}`;
  if (max !== undefined) return `${noun} <= ${max}`;
  return noun;
}

function inRange(n: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || n >= min) && (max === undefined || n <= max);
}

const INT_TEXT = /^[+-]?\d+$/;
// Decimal only: Number() would also take "0x1f", "" and "Infinity", which nobody means in a setting.
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function numericField(
  kind: FieldKind,
  options: RangeOptions<number>,
  noun: string,
  integer: boolean,
): FieldDef<number> {
  const { min, max } = options;
  const check = (value: unknown): Parsed<number> => {
    if (typeof value !== "number" || !Number.isFinite(value)) return bad;
    if (integer && !Number.isSafeInteger(value)) return bad;
    return inRange(value, min, max) ? ok(value) : bad;
  };
  const parseText = (raw: string): Parsed<number> => {
    const text = raw.trim();
    return (integer ? INT_TEXT : NUMBER_TEXT).test(text) ? check(Number(text)) : bad;
  };
  return makeField(kind, options, rangeText(noun, min, max), { check, parseText });
}

export function intField(options: RangeOptions<number>): FieldDef<number> {
  return numericField(FieldKind.int, options, "an integer", true);
}

export function numberField(options: RangeOptions<number>): FieldDef<number> {
  return numericField(FieldKind.number, options, "a number", false);
}

/** Whole milliseconds, never negative: a duration a timer can be set to. */
export function durationMsField(options: Omit<RangeOptions<number>, "min">): FieldDef<number> {
  const field = numericField(FieldKind.durationMs, { ...options, min: 0 }, "an integer", true);
  return { ...field, accepted: `a duration in whole milliseconds (${field.accepted})` };
}

export const BOOLEAN_WORDS = {
  true: true,
  false: false,
  "1": true,
  "0": false,
  yes: true,
  no: false,
  on: true,
  off: false,
} as const satisfies Record<string, boolean>;

export function booleanField(options: Common<boolean>): FieldDef<boolean> {
  // Spelled out: Object.keys would list the integer-like "1" and "0" first.
  const words = "true, false, 1, 0, yes, no, on, off";
  const check = (value: unknown): Parsed<boolean> => (typeof value === "boolean" ? ok(value) : bad);
  const parseText = (raw: string): Parsed<boolean> => {
    const key = raw.trim().toLowerCase();
    // Only listed words count: Pynenc read any non-empty string, "false" included, as true.
    return Object.hasOwn(BOOLEAN_WORDS, key) ? ok(BOOLEAN_WORDS[key as keyof typeof BOOLEAN_WORDS]) : bad;
  };
  return makeField(FieldKind.boolean, options, `true or false (text: ${words}; any case)`, {
    check,
    parseText,
  });
}

export interface EnumOptions<V extends string> extends Common<V> {
  values: readonly V[];
}

export function enumField<const V extends string>(options: EnumOptions<V>): FieldDef<V> {
  const { values } = options;
  const check = (value: unknown): Parsed<V> =>
    typeof value === "string" && (values as readonly string[]).includes(value) ? ok(value as V) : bad;
  // Text sources ignore case ("DEBUG" in an env var is clearly "debug"); typed code must be exact.
  const parseText = (raw: string): Parsed<V> => {
    const found = values.find((v) => v.toLowerCase() === raw.trim().toLowerCase());
    return found === undefined ? bad : ok(found);
  };
  return makeField(FieldKind.enum, options, `one of ${values.join(", ")}`, { check, parseText });
}
