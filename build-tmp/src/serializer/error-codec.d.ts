import type { JsonSerializer } from "./serializer.js";
export interface ErrorPayload {
    name: string;
    message: string;
    stack?: string;
    code?: string;
    /** An error cause as a payload; any other cause value as `{ value }` in encoded (JSON-safe) form. */
    cause?: ErrorPayload | {
        value: unknown;
    };
    /** Own enumerable extra properties, in encoded (JSON-safe) form. */
    props?: Record<string, unknown>;
    /** The class to rebuild when it differs from `name` (registered name or constructor name). */
    className?: string;
}
/** How nested values get encoded; the serializer passes one that shares its cycle tracking. */
export interface ErrorEncodingContext {
    registeredName(err: object): string | undefined;
    /** Encodes one property value; throws when it cannot be serialized (the property is then dropped). */
    encodeNested(value: unknown, key: string): unknown;
}
export declare function isError(value: unknown): value is Error;
/** Encodes any thrown value; see `JsonSerializer.encodeError` for the cycle-safe entry point. */
export declare function encodeError(err: unknown, serializer: JsonSerializer): ErrorPayload;
export declare function encodeErrorWith(err: unknown, context: ErrorEncodingContext, depth?: number, seen?: Set<unknown>): ErrorPayload;
export declare function decodeError(payload: ErrorPayload, serializer: JsonSerializer): Error;
