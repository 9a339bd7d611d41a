/**
 * Hand-written text for the hottest values, numbers and short number lists such as the `[20]` of
 * `fib(20)`: several times faster than JSON.stringify / JSON.parse and producing the same text.
 */
import { isPlainNumber } from "./plain-json.js";

const MAX_FAST_ARRAY = 32;
/** 15 digits stay below 2^53, so accumulating them digit by digit is exact. */
const MAX_INTEGER_DIGITS = 15;
const MAX_INTEGER_LIST_TEXT = 128;

const MINUS = 45;
const ZERO = 48;
const NINE = 57;
const COMMA = 44;
const OPEN = 91;
const CLOSE = 93;

/** `[1,2.5,3]` for a short array of plain numbers, else undefined. */
export function numberArrayText(array: readonly unknown[]): string | undefined {
  if (array.length > MAX_FAST_ARRAY) return undefined;
  let text = "[";
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    if (typeof item !== "number" || !isPlainNumber(item)) return undefined;
    // String(n) is the JSON text of every finite number except -0, which isPlainNumber refuses.
    text += i === 0 ? String(item) : "," + String(item);
  }
  return text + "]";
}

/**
 * The integer in `text[start, end)` written the way JSON writes it (no `+`, no leading zeros),
 * or NaN. Callers turn NaN into "use JSON.parse", which then reports real syntax errors.
 */
function readInteger(text: string, start: number, end: number): number {
  let i = start;
  const negative = text.charCodeAt(i) === MINUS;
  if (negative) i++;
  const digits = end - i;
  if (digits === 0 || digits > MAX_INTEGER_DIGITS) return NaN;
  if (text.charCodeAt(i) === ZERO && digits > 1) return NaN;
  let value = 0;
  for (; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < ZERO || code > NINE) return NaN;
    value = value * 10 + (code - ZERO);
  }
  return negative ? -value : value;
}

/** An integer (`20`) or a list of them (`[1,-2,3]`); undefined means "not that simple, use JSON.parse". */
export function parseNumberText(text: string): number | number[] | undefined {
  const first = text.charCodeAt(0);
  if (first === OPEN) return parseIntegerList(text);
  if (first !== MINUS && (first < ZERO || first > NINE)) return undefined;
  const value = readInteger(text, 0, text.length);
  return Number.isNaN(value) ? undefined : value;
}

/** `[20]`, `[1,-2,3]` -> numbers; undefined for anything else (including `[]`). */
function parseIntegerList(text: string): number[] | undefined {
  const length = text.length;
  if (length > MAX_INTEGER_LIST_TEXT || text.charCodeAt(length - 1) !== CLOSE) return undefined;
  let count = 1;
  for (let i = 1; i < length - 1; i++) if (text.charCodeAt(i) === COMMA) count++;
  const values = new Array<number>(count); // sized once: most argument lists are short
  let start = 1;
  let at = 0;
  for (let i = 1; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code !== COMMA && i !== length - 1) continue;
    const value = readInteger(text, start, i);
    if (Number.isNaN(value)) return undefined;
    values[at++] = value;
    start = i + 1;
  }
  return values;
}
