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
};
const ok = (value) => ({ ok: true, value });
const bad = { ok: false };
function makeField(kind, common, accepted, rules) {
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
export function stringField(options) {
    const { pattern, patternDoc, nonEmpty = false } = options;
    const accepted = pattern
        ? `a non-empty string of ${patternDoc ?? String(pattern)}`
        : nonEmpty
            ? "a non-empty string"
            : "a string";
    const check = (value) => {
        if (typeof value !== "string")
            return bad;
        if ((nonEmpty || pattern) && value === "")
            return bad;
        if (pattern && !pattern.test(value))
            return bad;
        return ok(value);
    };
    return makeField(FieldKind.string, options, accepted, { check, parseText: check });
}
function rangeText(noun, min, max) {
    if (min !== undefined && max !== undefined)
        return `${noun} from ${min} to ${max}`;
    if (min !== undefined)
        return `${noun} >= ${min}`;
    if (max !== undefined)
        return `${noun} <= ${max}`;
    return noun;
}
function inRange(n, min, max) {
    return (min === undefined || n >= min) && (max === undefined || n <= max);
}
const INT_TEXT = /^[+-]?\d+$/;
// Decimal only: Number() would also take "0x1f", "" and "Infinity", which nobody means in a setting.
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
function numericField(kind, options, noun, integer) {
    const { min, max } = options;
    const check = (value) => {
        if (typeof value !== "number" || !Number.isFinite(value))
            return bad;
        if (integer && !Number.isSafeInteger(value))
            return bad;
        return inRange(value, min, max) ? ok(value) : bad;
    };
    const parseText = (raw) => {
        const text = raw.trim();
        return (integer ? INT_TEXT : NUMBER_TEXT).test(text) ? check(Number(text)) : bad;
    };
    return makeField(kind, options, rangeText(noun, min, max), { check, parseText });
}
export function intField(options) {
    return numericField(FieldKind.int, options, "an integer", true);
}
export function numberField(options) {
    return numericField(FieldKind.number, options, "a number", false);
}
/** Whole milliseconds, never negative: a duration a timer can be set to. */
export function durationMsField(options) {
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
};
export function booleanField(options) {
    // Spelled out: Object.keys would list the integer-like "1" and "0" first.
    const words = "true, false, 1, 0, yes, no, on, off";
    const check = (value) => (typeof value === "boolean" ? ok(value) : bad);
    const parseText = (raw) => {
        const key = raw.trim().toLowerCase();
        // Only listed words count: Pynenc read any non-empty string, "false" included, as true.
        return Object.hasOwn(BOOLEAN_WORDS, key) ? ok(BOOLEAN_WORDS[key]) : bad;
    };
    return makeField(FieldKind.boolean, options, `true or false (text: ${words}; any case)`, {
        check,
        parseText,
    });
}
export function enumField(options) {
    const { values } = options;
    const check = (value) => typeof value === "string" && values.includes(value) ? ok(value) : bad;
    // Text sources ignore case ("DEBUG" in an env var is clearly "debug"); typed code must be exact.
    const parseText = (raw) => {
        const found = values.find((v) => v.toLowerCase() === raw.trim().toLowerCase());
        return found === undefined ? bad : ok(found);
    };
    return makeField(FieldKind.enum, options, `one of ${values.join(", ")}`, { check, parseText });
}
//# sourceMappingURL=field.js.map