/**
 * The fast-path test: can `JSON.stringify` carry this value exactly, with no envelope?
 * Only finite numbers other than -0, strings, booleans, null, dense arrays and plain objects
 * (without the envelope tag as a key) qualify. Anything else falls back to the full encoder.
 */
import { TAG } from "./envelope.js";
/** Deeper trees take the slow path, which also catches cycles this check does not track. */
const MAX_FAST_DEPTH = 32;
export function isPlainNumber(value) {
    // `value - value` is NaN for NaN and ±Infinity; 1 / -0 is -Infinity.
    return value - value === 0 && (value !== 0 || 1 / value > 0);
}
export function isPlainJson(value, depth) {
    switch (typeof value) {
        case "string":
        case "boolean":
            return true;
        case "number":
            return isPlainNumber(value);
        case "object":
            return value === null || isPlainJsonObject(value, depth);
        default:
            return false;
    }
}
export function isPlainJsonObject(value, depth) {
    if (depth > MAX_FAST_DEPTH)
        return false;
    if (Array.isArray(value)) {
        // Holes read as undefined and fail the check, as they should.
        for (let i = 0; i < value.length; i++)
            if (!isPlainJson(value[i], depth + 1))
                return false;
        return true;
    }
    if (Object.getPrototypeOf(value) !== Object.prototype)
        return false;
    for (const key in value) {
        if (key === TAG || !isPlainJson(value[key], depth + 1))
            return false;
    }
    return true;
}
//# sourceMappingURL=plain-json.js.map