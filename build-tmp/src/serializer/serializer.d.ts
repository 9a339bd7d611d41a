import { ClassRegistry, type ClassConstructor, type RegisterClassOptions } from "./class-registry.js";
import { type ErrorPayload } from "./error-codec.js";
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
export declare class JsonSerializer implements Serializer {
    readonly registry: ClassRegistry;
    serialize(value: unknown, where?: string): string;
    deserialize(text: string): unknown;
    /** Lets instances of `cls` cross processes; every process must register it under the same name. */
    registerClass<T extends object, D = any>(cls: ClassConstructor<T>, options?: RegisterClassOptions<T, D>): this;
    isRegistered(cls: ClassConstructor): boolean;
    /** Value -> JSON-safe tree (envelopes included); `serialize` is `JSON.stringify` of this. */
    encodeValue(value: unknown, where?: string): unknown;
    /** JSON-safe tree -> value. Does not modify `data`. */
    decodeValue(data: unknown): unknown;
    /** Any thrown value -> JSON-safe payload; unserializable extra properties are dropped, never fatal. */
    encodeError(err: unknown): ErrorPayload;
    decodeError(payload: ErrorPayload): Error;
}
