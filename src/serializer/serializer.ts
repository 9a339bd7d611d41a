import { SerializationError } from "../errors/errors.js";
import { ClassRegistry, type ClassConstructor, type RegisterClassOptions } from "./class-registry.js";
import { decodeTree } from "./decode.js";
import { Encoder } from "./encode.js";
import { TAG_IN_TEXT } from "./envelope.js";
import { decodeError, type ErrorPayload } from "./error-codec.js";
import { numberArrayText, parseNumberText } from "./number-text.js";
import { isPlainJsonObject, isPlainNumber } from "./plain-json.js";

/** Turns task arguments, results and errors into text for a backend, and back. */
export interface Serializer {
  /**
   * Value -> text. Throws `SerializationError` naming the path of the offending part; `where`
   * describes the value in that message (e.g. `argument 2 of task "fib"`).
   */
  serialize(value: unknown, where?: string): string;
  deserialize(text: string): unknown;
}

/**
 * The default serializer: JSON, plus tagged envelopes for what JSON cannot carry (undefined,
 * special numbers, bigint, Date, Map, Set, RegExp, binary data, errors, registered classes).
 * Plain JSON data skips the envelope walk both ways, which is what keeps the hot path fast.
 */
export class JsonSerializer implements Serializer {
  readonly registry = new ClassRegistry();

  serialize(value: unknown, where?: string): string {
    switch (typeof value) {
      case "string":
        return JSON.stringify(value);
      case "boolean":
        return value ? "true" : "false";
      case "number":
        // Same text as JSON.stringify for finite numbers, several times faster.
        if (isPlainNumber(value)) return String(value);
        break;
      case "object":
        if (value === null) return "null";
        if (Array.isArray(value)) {
          const text = numberArrayText(value);
          if (text !== undefined) return text;
        }
        if (isPlainJsonObject(value, 0)) return JSON.stringify(value);
        break;
    }
    return JSON.stringify(this.encodeValue(value, where));
  }

  deserialize(text: string): unknown {
    const numbers = parseNumberText(text);
    if (numbers !== undefined) return numbers;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new SerializationError(
        `Cannot deserialize: the text is not JSON (${(error as Error).message}); ` +
          "was it written by a different serializer?",
        { cause: error },
      );
    }
    return text.includes(TAG_IN_TEXT) ? decodeTree(parsed, this) : parsed;
  }

  /** Lets instances of `cls` cross processes; every process must register it under the same name. */
  registerClass<T extends object, D = any>(
    cls: ClassConstructor<T>,
    options?: RegisterClassOptions<T, D>,
  ): this {
    this.registry.register(cls, options);
    return this;
  }

  isRegistered(cls: ClassConstructor): boolean {
    return this.registry.has(cls);
  }

  /** Value -> JSON-safe tree (envelopes included); `serialize` is `JSON.stringify` of this. */
  encodeValue(value: unknown, where?: string): unknown {
    return new Encoder(this.registry, where).encode(value);
  }

  /** JSON-safe tree -> value. Does not modify `data`. */
  decodeValue(data: unknown): unknown {
    return decodeTree(data, this);
  }

  /** Any thrown value -> JSON-safe payload; unserializable extra properties are dropped, never fatal. */
  encodeError(err: unknown): ErrorPayload {
    return new Encoder(this.registry, "error").encodeErrorPayload(err);
  }

  decodeError(payload: ErrorPayload): Error {
    return decodeError(payload, this);
  }
}
