/**
 * The slow path of deserialization: rebuilds values from parsed JSON that contains envelopes.
 * Always builds new containers, so decoding the same data twice (a stored payload) is safe.
 */
import { SerializationError } from "../errors/errors.js";
import {
  base64ToArrayBuffer,
  EnvelopeKind,
  setOwn,
  TAG,
  TYPED_ARRAYS,
  type Envelope,
  type TypedArrayName,
} from "./envelope.js";
import { decodeError, type ErrorPayload } from "./error-codec.js";
import type { JsonSerializer } from "./serializer.js";

type EnvelopeDecoder = (data: unknown, serializer: JsonSerializer, envelope: Envelope) => unknown;

const DECODERS: Readonly<Record<EnvelopeKind, EnvelopeDecoder>> = {
  [EnvelopeKind.undefined]: () => undefined,
  // Number() reads "NaN", "Infinity", "-Infinity" and "-0" exactly as String() wrote them.
  [EnvelopeKind.number]: (data) => Number(expectString(data, "num")),
  [EnvelopeKind.bigint]: (data) => BigInt(expectString(data, "big")),
  [EnvelopeKind.date]: (data) => new Date(data === null ? NaN : expectNumber(data, "date")),
  [EnvelopeKind.map]: (data, serializer) =>
    new Map(expectArray(data, "map").map((entry) => decodeMapEntry(entry, serializer))),
  [EnvelopeKind.set]: (data, serializer) =>
    new Set(expectArray(data, "set").map((item) => decodeTree(item, serializer))),
  [EnvelopeKind.regexp]: (data) => {
    const [source, flags] = expectArray(data, "re");
    return new RegExp(expectString(source, "re"), expectString(flags, "re"));
  },
  [EnvelopeKind.buffer]: (data) => Buffer.from(expectString(data, "buf"), "base64"),
  [EnvelopeKind.arrayBuffer]: (data) => base64ToArrayBuffer(expectString(data, "ab")),
  [EnvelopeKind.typedArray]: (data) => decodeTypedArray(data),
  [EnvelopeKind.dataView]: (data) => new DataView(base64ToArrayBuffer(expectString(data, "dv"))),
  [EnvelopeKind.error]: (data, serializer) =>
    decodeError(expectObject(data, "err") as ErrorPayload, serializer),
  [EnvelopeKind.class]: (_data, serializer, envelope) => decodeClass(envelope, serializer),
  [EnvelopeKind.escaped]: (data, serializer) => decodeLiteral(expectObject(data, "esc"), {}, serializer),
  [EnvelopeKind.nullProto]: (data, serializer) =>
    decodeLiteral(expectObject(data, "np"), Object.create(null) as object, serializer),
};

export function decodeTree(node: unknown, serializer: JsonSerializer): unknown {
  if (typeof node !== "object" || node === null) return node;
  if (Array.isArray(node)) return node.map((item) => decodeTree(item, serializer));
  if (!Object.hasOwn(node, TAG)) return decodeLiteral(node, {}, serializer);
  const envelope = node as Envelope;
  const decoder = Object.hasOwn(DECODERS, envelope[TAG]) ? DECODERS[envelope[TAG]] : undefined;
  if (decoder === undefined) {
    throw new SerializationError(
      `Cannot deserialize: unknown envelope kind ${JSON.stringify(envelope[TAG])}; ` +
        "was the text written by a newer tynenc version?",
    );
  }
  return decoder(envelope.v, serializer, envelope);
}

/** An object whose keys are user data, never envelope markers (escaped and null-prototype objects). */
function decodeLiteral(node: object, target: object, serializer: JsonSerializer): object {
  for (const key of Object.keys(node)) {
    setOwn(target, key, decodeTree((node as Record<string, unknown>)[key], serializer));
  }
  return target;
}

function decodeMapEntry(entry: unknown, serializer: JsonSerializer): [unknown, unknown] {
  const [key, value] = expectArray(entry, "map");
  return [decodeTree(key, serializer), decodeTree(value, serializer)];
}

function decodeTypedArray(data: unknown): ArrayBufferView {
  const { t, b } = expectObject(data, "ta") as { t?: unknown; b?: unknown };
  if (typeof t !== "string" || !Object.hasOwn(TYPED_ARRAYS, t)) {
    throw new SerializationError(`Cannot deserialize: unknown typed array type ${JSON.stringify(t)}`);
  }
  return new TYPED_ARRAYS[t as TypedArrayName](base64ToArrayBuffer(expectString(b, "ta")));
}

function decodeClass(envelope: Envelope, serializer: JsonSerializer): unknown {
  const name = expectString(envelope.n, "cls");
  const entry = serializer.registry.byName(name);
  if (entry === undefined) {
    throw new SerializationError(
      `Cannot deserialize an instance of class "${name}": it is not registered in this process; ` +
        `register it with serializer.registerClass(${name}) / app.registerClass(${name}) before reading`,
    );
  }
  const data = decodeTree(envelope.v, serializer);
  try {
    return entry.decode(data);
  } catch (error) {
    throw new SerializationError(
      `Cannot deserialize an instance of class "${name}": decoding threw: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}

function malformed(kind: string): SerializationError {
  return new SerializationError(
    `Cannot deserialize: malformed "${kind}" envelope; the text was damaged or hand-written`,
  );
}

function expectString(value: unknown, kind: string): string {
  if (typeof value !== "string") throw malformed(kind);
  return value;
}

function expectNumber(value: unknown, kind: string): number {
  if (typeof value !== "number") throw malformed(kind);
  return value;
}

function expectArray(value: unknown, kind: string): unknown[] {
  if (!Array.isArray(value)) throw malformed(kind);
  return value;
}

function expectObject(value: unknown, kind: string): object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed(kind);
  return value;
}
