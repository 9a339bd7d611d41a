/**
 * Positional task arguments as stored text, and the args id that identifies "the same call":
 * a hash of a canonical text in which plain-object key order does not matter.
 */
import * as crypto from "node:crypto";
import { SerializationError } from "../errors/errors.js";
import { setOwn } from "./envelope.js";
import type { Serializer } from "./serializer.js";

export interface EncodedArgs {
  readonly serialized: string;
  /** Hashed on first read: most invocations never need their call id. */
  readonly argsId: string;
  /** Data store keys of the large values `serialized` refers to, each once (absent when none). */
  readonly largeValueKeys?: readonly string[];
  /** Settles once those values are stored, when the data store answers asynchronously. */
  readonly largeValuesSaved?: Promise<void>;
}

class LazyArgs implements EncodedArgs {
  private id: string | undefined;

  constructor(
    readonly serialized: string,
    private readonly canonical: string,
  ) {}

  get argsId(): string {
    return (this.id ??= sha256Hex(this.canonical));
  }
}

export const NO_ARGS_ID = "no_args";

/** Past this depth the key-order check gives up and canonicalizes, which is always correct. */
const MAX_CHECK_DEPTH = 64;

export function encodeArgs(args: readonly unknown[], serializer: Serializer, taskId: string): EncodedArgs {
  let count = args.length;
  // `f(1)` and `f(1, undefined)` are the same call.
  while (count > 0 && args[count - 1] === undefined) count--;
  const list = count === args.length ? args : args.slice(0, count);
  const serialized = serializeArgs(list, serializer, taskId);
  if (count === 0) return { serialized, argsId: NO_ARGS_ID };
  const canonical = hasUnsortedKeys(list, 0)
    ? serializeArgs(canonicalize(list, []) as unknown[], serializer, taskId)
    : serialized;
  return new LazyArgs(serialized, canonical);
}

/**
 * The same call with another text (large arguments replaced by references): the args id still
 * hashes the original arguments, so externalizing never changes which calls count as the same.
 */
/** The same call with its text replaced (large values swapped for references to `largeValueKeys`). */
export function withSerialized(
  encoded: EncodedArgs,
  serialized: string,
  largeValueKeys?: readonly string[],
  largeValuesSaved?: Promise<void>,
): EncodedArgs {
  if (serialized === encoded.serialized) return encoded;
  return {
    serialized,
    largeValueKeys,
    largeValuesSaved,
    get argsId() {
      return encoded.argsId;
    },
  };
}

/** `crypto.hash` (Node >= 20.12) is a one-shot several times faster than `createHash`; older 20.x lacks it. */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === "function"
    ? (text) => crypto.hash("sha256", text, "hex")
    : (text) => crypto.createHash("sha256").update(text).digest("hex");

export function decodeArgs(serialized: string, serializer: Serializer): unknown[] {
  const args = serializer.deserialize(serialized);
  if (!Array.isArray(args)) {
    throw new SerializationError(
      `Cannot decode task arguments: expected an array, got ${typeof args}; the stored arguments are damaged`,
    );
  }
  return args;
}

function serializeArgs(list: readonly unknown[], serializer: Serializer, taskId: string): string {
  try {
    return serializer.serialize(list);
  } catch (error) {
    if (!(error instanceof SerializationError)) throw error;
    // The happy path builds no message; only a failure pays for naming the argument.
    throw blameArgument(list, serializer, taskId) ?? error;
  }
}

function blameArgument(
  list: readonly unknown[],
  serializer: Serializer,
  taskId: string,
): SerializationError | undefined {
  for (let i = 0; i < list.length; i++) {
    try {
      serializer.serialize(list[i], `argument ${i + 1} of task "${taskId}"`);
    } catch (error) {
      if (error instanceof SerializationError) return error;
      throw error;
    }
  }
  return undefined;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === Object.prototype || proto === null;
}

/** True if some plain object (also inside arrays, Maps, Sets) has 2+ keys out of sorted order. */
function hasUnsortedKeys(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (depth > MAX_CHECK_DEPTH) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasUnsortedKeys(value[i], depth + 1)) return true;
    return false;
  }
  if (value instanceof Map) {
    for (const [key, item] of value)
      if (hasUnsortedKeys(key, depth + 1) || hasUnsortedKeys(item, depth + 1)) return true;
    return false;
  }
  if (value instanceof Set) {
    for (const item of value) if (hasUnsortedKeys(item, depth + 1)) return true;
    return false;
  }
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    if (i > 0 && keys[i - 1]! > keys[i]!) return true;
    if (hasUnsortedKeys((value as Record<string, unknown>)[keys[i]!], depth + 1)) return true;
  }
  return false;
}

/** A copy with plain-object keys inserted in sorted order; `ancestors` guards serializers that allow cycles. */
function canonicalize(value: unknown, ancestors: object[]): unknown {
  if (typeof value !== "object" || value === null || ancestors.includes(value)) return value;
  ancestors.push(value);
  let copy: unknown = value;
  if (Array.isArray(value)) copy = value.map((item) => canonicalize(item, ancestors));
  else if (value instanceof Map) {
    copy = new Map(
      [...value].map(([key, item]) => [canonicalize(key, ancestors), canonicalize(item, ancestors)]),
    );
  } else if (value instanceof Set) copy = new Set([...value].map((item) => canonicalize(item, ancestors)));
  else if (isPlainObject(value)) copy = sortedCopy(value, ancestors);
  ancestors.pop();
  return copy;
}

function sortedCopy(value: object, ancestors: object[]): object {
  const copy: object = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
  for (const key of Object.keys(value).sort()) {
    setOwn(copy, key, canonicalize((value as Record<string, unknown>)[key], ancestors));
  }
  return copy;
}
