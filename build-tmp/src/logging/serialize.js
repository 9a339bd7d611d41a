/**
 * Turns arbitrary field values into plain JSON-able data. Log fields come from anywhere (user payloads,
 * errors with causes, cyclic objects), and a log call must never throw because of them.
 */
const MAX_DEPTH = 8;
export function errorToPlain(error, options, ancestors = []) {
    const plain = { name: error.name, message: error.message };
    const code = error.code;
    if (code !== undefined)
        plain["code"] = toPlain(code, options, ancestors);
    if (options.stacks && error.stack !== undefined)
        plain["stack"] = error.stack;
    if (error.cause !== undefined)
        plain["cause"] = toPlain(error.cause, options, [...ancestors, error]);
    return plain;
}
export function toPlain(value, options, ancestors = []) {
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
    return value === null ? null : objectToPlain(value, options, ancestors);
}
function objectToPlain(value, options, ancestors) {
    if (ancestors.includes(value))
        return "[Circular]";
    if (ancestors.length >= MAX_DEPTH)
        return "[Object]";
    if (value instanceof Error)
        return errorToPlain(value, options, ancestors);
    if (value instanceof Date)
        return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
    const inner = [...ancestors, value];
    if (Array.isArray(value))
        return value.map((item) => toPlain(item, options, inner) ?? null);
    if (value instanceof Map)
        return toPlain(Object.fromEntries(value), options, inner);
    if (value instanceof Set)
        return toPlain([...value], options, inner);
    const toJSON = value.toJSON;
    if (typeof toJSON === "function")
        return toPlain(toJSON.call(value), options, inner);
    const plain = {};
    for (const [key, item] of Object.entries(value))
        plain[key] = toPlain(item, options, inner);
    return plain;
}
/** JSON text for any value; undefined becomes the string "undefined" so a field never vanishes. */
export function safeJson(value, options) {
    return JSON.stringify(toPlain(value, options)) ?? "undefined";
}
//# sourceMappingURL=serialize.js.map