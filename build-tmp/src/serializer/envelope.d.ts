/**
 * The wire format of values plain JSON cannot carry. Such a value becomes an envelope object
 * `{ "$tyn": kind, "v": data }`; a user object that happens to own the tag key is itself wrapped in
 * an `escaped` envelope, so user data can never be mistaken for an envelope.
 */
export declare const TAG = "$tyn";
/** The tag as it appears in JSON text; text without it is plain JSON and needs no walk to decode. */
export declare const TAG_IN_TEXT = "\"$tyn\"";
export declare const EnvelopeKind: {
    readonly undefined: "u";
    readonly number: "num";
    readonly bigint: "big";
    readonly date: "date";
    readonly map: "map";
    readonly set: "set";
    readonly regexp: "re";
    readonly buffer: "buf";
    readonly arrayBuffer: "ab";
    readonly typedArray: "ta";
    readonly dataView: "dv";
    readonly error: "err";
    readonly class: "cls";
    readonly escaped: "esc";
    readonly nullProto: "np";
};
export type EnvelopeKind = (typeof EnvelopeKind)[keyof typeof EnvelopeKind];
export interface Envelope {
    [TAG]: EnvelopeKind;
    v?: unknown;
    /** Registered class name, only for `class` envelopes. */
    n?: string;
}
export declare function envelope(kind: EnvelopeKind, v: unknown): Envelope;
export declare const UNDEFINED_ENVELOPE: Envelope;
/** Every typed array constructor Node 20 has, by the name written into the envelope. */
export declare const TYPED_ARRAYS: {
    readonly Int8Array: Int8ArrayConstructor;
    readonly Uint8Array: Uint8ArrayConstructor;
    readonly Uint8ClampedArray: Uint8ClampedArrayConstructor;
    readonly Int16Array: Int16ArrayConstructor;
    readonly Uint16Array: Uint16ArrayConstructor;
    readonly Int32Array: Int32ArrayConstructor;
    readonly Uint32Array: Uint32ArrayConstructor;
    readonly Float32Array: Float32ArrayConstructor;
    readonly Float64Array: Float64ArrayConstructor;
    readonly BigInt64Array: BigInt64ArrayConstructor;
    readonly BigUint64Array: BigUint64ArrayConstructor;
};
export type TypedArrayName = keyof typeof TYPED_ARRAYS;
/** Sets an own property even for the key `__proto__`, which plain assignment would treat as the prototype. */
export declare function setOwn(target: object, key: string, value: unknown): void;
export declare function bytesToBase64(view: ArrayBufferView | ArrayBuffer): string;
/** A fresh, unshared ArrayBuffer: decoded Buffers may live in Node's shared pool. */
export declare function base64ToArrayBuffer(text: string): ArrayBuffer;
