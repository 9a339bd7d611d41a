/**
 * The slow path of deserialization: rebuilds values from parsed JSON that contains envelopes.
 * Always builds new containers, so decoding the same data twice (a stored payload) is safe.
 */
import { SerializationError } from "../errors/errors.js";
import { base64ToArrayBuffer, EnvelopeKind, setOwn, TAG, TYPED_ARRAYS, } from "./envelope.js";
import { decodeError } from "./error-codec.js";
const DECODERS = {
    [EnvelopeKind.undefined]: () => undefined,
    // Number() reads "NaN", "Infinity", "-Infinity" and "-0" exactly as String() wrote them.
    [EnvelopeKind.number]: (data) => Number(expectString(data, "num")),
    [EnvelopeKind.bigint]: (data) => BigInt(expectString(data, "big")),
    [EnvelopeKind.date]: (data) => new Date(data === null ? NaN : expectNumber(data, "date")),
    [EnvelopeKind.map]: (data, serializer) => new Map(expectArray(data, "map").map((entry) => decodeMapEntry(entry, serializer))),
    [EnvelopeKind.set]: (data, serializer) => new Set(expectArray(data, "set").map((item) => decodeTree(item, serializer))),
    [EnvelopeKind.regexp]: (data) => {
        const [source, flags] = expectArray(data, "re");
        return new RegExp(expectString(source, "re"), expectString(flags, "re"));
    },
    [EnvelopeKind.buffer]: (data) => Buffer.from(expectString(data, "buf"), "base64"),
    [EnvelopeKind.arrayBuffer]: (data) => base64ToArrayBuffer(expectString(data, "ab")),
    [EnvelopeKind.typedArray]: (data) => decodeTypedArray(data),
    [EnvelopeKind.dataView]: (data) => new DataView(base64ToArrayBuffer(expectString(data, "dv"))),
    [EnvelopeKind.error]: (data, serializer) => decodeError(expectObject(data, "err"), serializer),
    [EnvelopeKind.class]: (_data, serializer, envelope) => decodeClass(envelope, serializer),
    [EnvelopeKind.escaped]: (data, serializer) => decodeLiteral(expectObject(data, "esc"), {}, serializer),
    [EnvelopeKind.nullProto]: (data, serializer) => decodeLiteral(expectObject(data, "np"), Object.create(null), serializer),
};
export function decodeTree(node, serializer) {
    if (typeof node !== "object" || node === null)
        return node;
    if (Array.isArray(node))
        return node.map((item) => decodeTree(item, serializer));
    if (!Object.hasOwn(node, TAG))
        return decodeLiteral(node, {}, serializer);
    const envelope = node;
    const decoder = Object.hasOwn(DECODERS, envelope[TAG]) ? DECODERS[envelope[TAG]] : undefined;
    if (decoder === undefined) {
        throw new SerializationError(`Cannot deserialize: unknown envelope kind ${JSON.stringify(envelope[TAG])}; ` +
            "was the text written by a newer tynenc version?");
    }
    return decoder(envelope.v, serializer, envelope);
}
/** An object whose keys are user data, never envelope markers (escaped and null-prototype objects). */
function decodeLiteral(node, target, serializer) {
    for (const key of Object.keys(node)) {
        setOwn(target, key, decodeTree(node[key], serializer));
    }
    return target;
}
function decodeMapEntry(entry, serializer) {
    const [key, value] = expectArray(entry, "map");
    return [decodeTree(key, serializer), decodeTree(value, serializer)];
}
function decodeTypedArray(data) {
    const { t, b } = expectObject(data, "ta");
    if (typeof t !== "string" || !Object.hasOwn(TYPED_ARRAYS, t)) {
        throw new SerializationError(`Cannot deserialize: unknown typed array type ${JSON.stringify(t)}`);
    }
    return new TYPED_ARRAYS[t](base64ToArrayBuffer(expectString(b, "ta")));
}
function decodeClass(envelope, serializer) {
    const name = expectString(envelope.n, "cls");
    const entry = serializer.registry.byName(name);
    if (entry === undefined) {
        throw new SerializationError(`Cannot deserialize an instance of class "${name}": it is not registered in this process; ` +
            `register it with serializer.registerClass(${name}) / app.registerClass(${name}) before reading`);
    }
    const data = decodeTree(envelope.v, serializer);
    try {
        return entry.decode(data);
    }
    catch (error) {
        throw new SerializationError(`Cannot deserialize an instance of class "${name}": decoding threw: ${String(error)}`, {
            cause: error,
        });
    }
}
function malformed(kind) {
    return new SerializationError(`Cannot deserialize: malformed "${kind}" envelope; the text was damaged or hand-written`);
}
function expectString(value, kind) {
    if (typeof value !== "string")
        throw malformed(kind);
    return value;
}
function expectNumber(value, kind) {
    if (typeof value !== "number")
        throw malformed(kind);
    return value;
}
function expectArray(value, kind) {
    if (!Array.isArray(value))
        throw malformed(kind);
    return value;
}
function expectObject(value, kind) {
    if (typeof value !== "object" || value === null || Array.isArray(value))
        throw malformed(kind);
    return value;
}
//# sourceMappingURL=decode.js.map