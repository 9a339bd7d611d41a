/**
 * The wire format of values plain JSON cannot carry. Such a value becomes an envelope object
 * `{ "$tyn": kind, "v": data }`; a user object that happens to own the tag key is itself wrapped in
 * an `escaped` envelope, so user data can never be mistaken for an envelope.
 */
export const TAG = "$tyn";

/** The tag as it appears in JSON text; text without it is plain JSON and needs no walk to decode. */
export const TAG_IN_TEXT = `"${TAG}"`;

export const EnvelopeKind = {
  undefined: "u",
  number: "num",
  bigint: "big",
  date: "date",
  map: "map",
  set: "set",
  regexp: "re",
  buffer: "buf",
  arrayBuffer: "ab",
  typedArray: "ta",
  dataView: "dv",
  error: "err",
  class: "cls",
  escaped: "esc",
  nullProto: "np",
} as const;
export type EnvelopeKind = (typeof EnvelopeKind)[keyof typeof EnvelopeKind];

/**
 * A large value stored once in the data store: `{"$tyn":"ref","v":"<sha256 of its text>"}`. It only
 * ever stands for a whole argument or a whole result and is resolved (src/data-store/large-values.ts)
 * before the text reaches the serializer, so it is not an `EnvelopeKind` the decoder rebuilds.
 */
export const REF_KIND = "ref";

export interface Envelope {
  [TAG]: EnvelopeKind;
  v?: unknown;
  /** Registered class name, only for `class` envelopes. */
  n?: string;
}

export function envelope(kind: EnvelopeKind, v: unknown): Envelope {
  return { [TAG]: kind, v };
}

export const UNDEFINED_ENVELOPE: Envelope = Object.freeze({ [TAG]: EnvelopeKind.undefined });

/** Every typed array constructor Node 20 has, by the name written into the envelope. */
export const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
export type TypedArrayName = keyof typeof TYPED_ARRAYS;

/** Sets an own property even for the key `__proto__`, which plain assignment would treat as the prototype. */
export function setOwn(target: object, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    (target as Record<string, unknown>)[key] = value;
  }
}

export function bytesToBase64(view: ArrayBufferView | ArrayBuffer): string {
  const bytes = ArrayBuffer.isView(view)
    ? Buffer.from(view.buffer, view.byteOffset, view.byteLength)
    : Buffer.from(view);
  return bytes.toString("base64");
}

/** A fresh, unshared ArrayBuffer: decoded Buffers may live in Node's shared pool. */
export function base64ToArrayBuffer(text: string): ArrayBuffer {
  const bytes = Buffer.from(text, "base64");
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}
