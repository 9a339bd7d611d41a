/**
 * Errors to plain objects and back, so a failure crosses threads and processes and comes back as a
 * real instance of its class with the original stack, code, cause chain and extra properties.
 */
import { inspect, types } from "node:util";
import * as tynencErrors from "../errors/errors.js";
/** A cause chain longer than this is cut: it is either a loop or nobody will read that far. */
const MAX_CAUSE_DEPTH = 20;
const RESERVED_KEYS = new Set(["name", "message", "stack", "cause"]);
const TYNENC_CLASSES = new Map(Object.values(tynencErrors)
    .filter((value) => typeof value === "function" && value.prototype instanceof Error)
    .map((cls) => [cls.name, cls]));
const BUILTIN_CLASSES = new Map([Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError].map((cls) => [cls.name, cls]));
export function isError(value) {
    return value instanceof Error || types.isNativeError(value);
}
/** Encodes any thrown value; see `JsonSerializer.encodeError` for the cycle-safe entry point. */
export function encodeError(err, serializer) {
    return serializer.encodeError(err);
}
export function encodeErrorWith(err, context, depth = 0, seen = new Set()) {
    if (!isError(err))
        return encodeThrownValue(err, context);
    seen.add(err);
    const fields = err;
    const payload = { name: String(fields.name), message: String(fields.message) };
    if (typeof fields.stack === "string")
        payload.stack = fields.stack;
    if (typeof fields.code === "string")
        payload.code = fields.code;
    const className = context.registeredName(err) ?? constructorName(err);
    if (className !== undefined && className !== payload.name)
        payload.className = className;
    const props = encodeProps(err, context, typeof fields.code === "string");
    if (props !== undefined)
        payload.props = props;
    if (Object.hasOwn(err, "cause")) {
        const cause = encodeCause(err.cause, context, depth, seen);
        if (cause !== undefined)
            payload.cause = cause;
    }
    return payload;
}
/** `throw "boom"` and friends: an Error whose message describes the value, kept as `thrown`. */
function encodeThrownValue(value, context) {
    const message = typeof value === "string"
        ? value
        : `Non-error value thrown: ${inspect(value, { depth: 2, breakLength: Infinity }).slice(0, 200)}`;
    const payload = { name: "Error", message };
    const thrown = tryEncode(value, "thrown", context);
    if (thrown !== DROPPED)
        payload.props = { thrown };
    return payload;
}
function encodeProps(err, context, codeIsField) {
    const keys = Object.keys(err);
    // AggregateError keeps its `errors` as a non-enumerable own property.
    if (err instanceof AggregateError && !keys.includes("errors"))
        keys.push("errors");
    let props;
    for (const key of keys) {
        if (RESERVED_KEYS.has(key) || (codeIsField && key === "code"))
            continue;
        const value = tryEncode(() => err[key], key, context, true);
        if (value === DROPPED)
            continue;
        props ??= {};
        Object.defineProperty(props, key, { value, writable: true, enumerable: true, configurable: true });
    }
    return props;
}
function encodeCause(cause, context, depth, seen) {
    if (depth + 1 >= MAX_CAUSE_DEPTH || seen.has(cause))
        return undefined;
    if (isError(cause))
        return encodeErrorWith(cause, context, depth + 1, seen);
    const value = tryEncode(cause, "cause", context);
    return value === DROPPED ? undefined : { value };
}
const DROPPED = Symbol("dropped");
/** Error payloads are best effort: a property that cannot be serialized (or whose getter throws) is left out. */
function tryEncode(source, key, context, isGetter = false) {
    try {
        const value = isGetter ? source() : source;
        return context.encodeNested(value, key);
    }
    catch {
        return DROPPED;
    }
}
function constructorName(err) {
    const ctor = Object.getPrototypeOf(err)?.constructor;
    return typeof ctor === "function" && ctor.name !== "" ? ctor.name : undefined;
}
export function decodeError(payload, serializer) {
    return decodeErrorAt(payload, serializer, 0);
}
function decodeErrorAt(payload, serializer, depth) {
    // Payloads come from storage or another process: tolerate a damaged one rather than lose the failure.
    const fields = typeof payload === "object" && payload !== null ? payload : {};
    const name = typeof fields.name === "string" ? fields.name : "Error";
    const message = typeof fields.message === "string" ? fields.message : "";
    const props = decodeProps(fields.props, serializer);
    const cls = resolveClass([fields.className, name], serializer);
    const err = construct(cls, message, props);
    if (err.name !== name)
        defineVisible(err, "name", name);
    defineHidden(err, "stack", typeof fields.stack === "string" ? fields.stack : `${name}: ${message}`);
    if (typeof fields.code === "string")
        defineVisible(err, "code", fields.code);
    for (const [key, value] of props) {
        if (!(key === "errors" && err instanceof AggregateError))
            defineVisible(err, key, value);
    }
    if (typeof fields.cause === "object" && fields.cause !== null && depth + 1 < MAX_CAUSE_DEPTH) {
        defineHidden(err, "cause", decodeCause(fields.cause, serializer, depth));
    }
    return err;
}
function decodeCause(cause, serializer, depth) {
    return "value" in cause ? serializer.decodeValue(cause.value) : decodeErrorAt(cause, serializer, depth + 1);
}
function decodeProps(props, serializer) {
    const decoded = new Map();
    if (typeof props !== "object" || props === null)
        return decoded;
    for (const key of Object.keys(props)) {
        try {
            decoded.set(key, serializer.decodeValue(props[key]));
        }
        catch {
            // Best effort, as when encoding: one bad property must not hide the error itself.
        }
    }
    return decoded;
}
/** Registered classes first, then tynenc's own error tree, then the built-in constructors. */
function resolveClass(names, serializer) {
    for (const name of names) {
        if (typeof name !== "string")
            continue;
        const registered = serializer.registry.byName(name);
        if (registered !== undefined && registered.prototype instanceof Error) {
            return registered.cls;
        }
        const known = TYNENC_CLASSES.get(name) ?? BUILTIN_CLASSES.get(name);
        if (known !== undefined)
            return known;
    }
    return Error;
}
/**
 * Builds a real native error (so `util.types.isNativeError` holds) whose prototype is `cls`, without
 * running `cls`'s constructor, which may need arguments the payload does not have.
 */
function construct(cls, message, props) {
    if (cls === AggregateError || cls.prototype instanceof AggregateError) {
        const errors = props.get("errors");
        return Reflect.construct(AggregateError, [Array.isArray(errors) ? errors : [], message], cls);
    }
    return Reflect.construct(Error, [message], cls);
}
function defineHidden(target, key, value) {
    Object.defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true });
}
/** Like a class field: own, writable and enumerable (tynenc's `code` is a field). */
function defineVisible(target, key, value) {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
//# sourceMappingURL=error-codec.js.map