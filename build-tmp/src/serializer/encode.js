/**
 * The slow path of serialization: walks a value that plain JSON cannot carry and replaces what JSON
 * lacks with envelopes, tracking the path (for messages) and the ancestors (to reject cycles).
 */
import { SerializationError } from "../errors/errors.js";
import { bytesToBase64, envelope, EnvelopeKind, setOwn, TAG, TYPED_ARRAYS, UNDEFINED_ENVELOPE, } from "./envelope.js";
import { encodeErrorWith, isError } from "./error-codec.js";
import { describeLocation, mapKeySegment, mapValueSegment, setItemSegment, } from "./path.js";
const typedArrayEncoders = Object.entries(TYPED_ARRAYS).map(([name, ctor]) => [
    ctor.prototype,
    (_encoder, view) => envelope(EnvelopeKind.typedArray, { t: name, b: bytesToBase64(view) }),
]);
/** Keyed by exact prototype: a subclass of a built-in is a class of its own and must be registered. */
const BUILTINS = new Map([
    [Date.prototype, (_encoder, date) => encodeDate(date)],
    [Map.prototype, (encoder, map) => encoder.encodeMap(map)],
    [Set.prototype, (encoder, set) => encoder.encodeSet(set)],
    [RegExp.prototype, (_encoder, re) => envelope(EnvelopeKind.regexp, [re.source, re.flags])],
    [Buffer.prototype, (_encoder, buf) => envelope(EnvelopeKind.buffer, bytesToBase64(buf))],
    [
        ArrayBuffer.prototype,
        (_encoder, buf) => envelope(EnvelopeKind.arrayBuffer, bytesToBase64(buf)),
    ],
    [DataView.prototype, (_encoder, view) => envelope(EnvelopeKind.dataView, bytesToBase64(view))],
    ...typedArrayEncoders,
]);
const REJECTED = new Map([
    [WeakMap.prototype, "a WeakMap cannot be serialized (its entries cannot be listed); use a Map"],
    [WeakSet.prototype, "a WeakSet cannot be serialized (its items cannot be listed); use a Set"],
    [WeakRef.prototype, "a WeakRef cannot be serialized; pass the referenced value itself"],
    [SharedArrayBuffer.prototype, "a SharedArrayBuffer cannot be serialized; copy it into an ArrayBuffer"],
]);
function encodeNumber(value) {
    if (Number.isFinite(value))
        return Object.is(value, -0) ? envelope(EnvelopeKind.number, "-0") : value;
    return envelope(EnvelopeKind.number, String(value));
}
function encodeDate(date) {
    const time = date.getTime();
    return envelope(EnvelopeKind.date, Number.isNaN(time) ? null : time);
}
/** One encoder per top-level value: it owns the path and ancestor stacks of that walk. */
export class Encoder {
    registry;
    where;
    path = [];
    ancestors = [];
    constructor(registry, where) {
        this.registry = registry;
        this.where = where;
    }
    encode(value) {
        switch (typeof value) {
            case "string":
            case "boolean":
                return value;
            case "number":
                return encodeNumber(value);
            case "undefined":
                return UNDEFINED_ENVELOPE;
            case "bigint":
                return envelope(EnvelopeKind.bigint, value.toString());
            case "object":
                return value === null ? null : this.encodeObject(value);
            case "function":
                throw this.fail("functions cannot be serialized; pass data, not code");
            case "symbol":
                throw this.fail("symbols cannot be serialized; use a string instead");
        }
    }
    /** The entry point for a top-level error: the error itself counts as an ancestor of its properties. */
    encodeErrorPayload(err) {
        if (isError(err))
            this.ancestors.push(err);
        return encodeErrorWith(err, this);
    }
    registeredName(err) {
        return this.registry.byPrototype(Object.getPrototypeOf(err))?.name;
    }
    /** Used for error properties, which are dropped on failure: the stacks must survive the throw. */
    encodeNested(value, key) {
        const depth = this.ancestors.length;
        const pathLength = this.path.length;
        try {
            return this.child(value, key);
        }
        catch (error) {
            this.ancestors.length = depth;
            this.path.length = pathLength;
            throw error;
        }
    }
    encodeMap(map) {
        const entries = [];
        let index = 0;
        for (const [key, value] of map) {
            entries.push([this.child(key, mapKeySegment(index)), this.child(value, mapValueSegment(key, index))]);
            index++;
        }
        return envelope(EnvelopeKind.map, entries);
    }
    encodeSet(set) {
        const items = [];
        for (const item of set)
            items.push(this.child(item, setItemSegment(items.length)));
        return envelope(EnvelopeKind.set, items);
    }
    child(value, segment) {
        this.path.push(segment);
        const encoded = this.encode(value);
        this.path.pop();
        return encoded;
    }
    encodeObject(value) {
        const index = this.ancestors.indexOf(value);
        if (index !== -1)
            throw this.cycle(index);
        this.ancestors.push(value);
        const encoded = this.encodeByType(value);
        this.ancestors.pop();
        return encoded;
    }
    encodeByType(value) {
        if (Array.isArray(value))
            return this.encodeArray(value);
        const proto = Object.getPrototypeOf(value);
        if (proto === Object.prototype || proto === null)
            return this.encodePlain(value, proto);
        const entry = this.registry.byPrototype(proto);
        // Registered errors without their own encoding still go through the error codec (stack, cause).
        if (entry !== undefined && (entry.custom || !isError(value)))
            return this.encodeRegistered(value, entry);
        const builtin = BUILTINS.get(proto);
        if (builtin !== undefined)
            return builtin(this, value);
        if (isError(value))
            return envelope(EnvelopeKind.error, encodeErrorWith(value, this));
        throw this.unsupported(value, proto);
    }
    encodeArray(array) {
        const encoded = new Array(array.length);
        for (let i = 0; i < array.length; i++)
            encoded[i] = this.child(array[i], i);
        return encoded;
    }
    encodePlain(value, proto) {
        const encoded = {};
        for (const key of Object.keys(value)) {
            setOwn(encoded, key, this.child(value[key], key));
        }
        if (proto === null)
            return envelope(EnvelopeKind.nullProto, encoded);
        return Object.hasOwn(value, TAG) ? envelope(EnvelopeKind.escaped, encoded) : encoded;
    }
    encodeRegistered(value, entry) {
        let data;
        try {
            data = entry.encode(value);
        }
        catch (error) {
            if (error instanceof SerializationError)
                throw error;
            throw this.fail(`encoding class ${entry.name} threw: ${String(error)}`, error);
        }
        // The data stands in for the instance, so it adds no path segment of its own.
        return { [TAG]: EnvelopeKind.class, n: entry.name, v: this.child(data, { text: "" }) };
    }
    unsupported(value, proto) {
        const rejected = REJECTED.get(proto);
        if (rejected !== undefined)
            return this.fail(rejected);
        if (value instanceof Promise)
            return this.fail("a Promise cannot be serialized; await it and pass the result");
        const ctor = proto.constructor;
        const name = typeof ctor === "function" && ctor.name !== "" ? ctor.name : undefined;
        if (name === undefined) {
            return this.fail("instances of an anonymous class cannot be serialized; give it a name with " +
                "serializer.registerClass(cls, { name }) / app.registerClass(cls, { name })");
        }
        return this.fail(`instances of class ${name} cannot be serialized because the class is not registered; ` +
            `register it with serializer.registerClass(${name}) / app.registerClass(${name})`);
    }
    cycle(ancestorIndex) {
        const target = describeLocation(this.where, this.path.slice(0, ancestorIndex));
        return this.fail(`it refers back to ${target}, which contains it (a cycle); cycles cannot be serialized, ` +
            "so pass a tree (e.g. an id instead of the back-reference)");
    }
    fail(reason, cause) {
        const message = `Cannot serialize ${describeLocation(this.where, this.path)}: ${reason}`;
        return new SerializationError(message, cause === undefined ? undefined : { cause });
    }
}
//# sourceMappingURL=encode.js.map