const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
export function formatPath(segments) {
    let text = "";
    for (const segment of segments) {
        if (typeof segment === "number")
            text += `[${segment}]`;
        else if (typeof segment === "string")
            text += IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
        else
            text += segment.text;
    }
    return text;
}
/** `argument 2 of task "fib" at .cb`, or just the root description when the fault is the value itself. */
export function describeLocation(where, segments) {
    const root = where ?? "value";
    return segments.length === 0 ? root : `${root} at ${formatPath(segments)}`;
}
/** A Map key segment that reads like code when the key is simple (`.get("id")`). */
export function mapValueSegment(key, index) {
    if (typeof key === "string" && key.length <= 40)
        return { text: `.get(${JSON.stringify(key)})` };
    if (typeof key === "number" || typeof key === "boolean")
        return { text: `.get(${String(key)})` };
    return { text: `<Map value #${index}>` };
}
export function mapKeySegment(index) {
    return { text: `<Map key #${index}>` };
}
export function setItemSegment(index) {
    return { text: `<Set item #${index}>` };
}
//# sourceMappingURL=path.js.map