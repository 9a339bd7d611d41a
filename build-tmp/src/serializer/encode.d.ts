import type { ClassRegistry } from "./class-registry.js";
import { type Envelope } from "./envelope.js";
import { type ErrorEncodingContext, type ErrorPayload } from "./error-codec.js";
/** One encoder per top-level value: it owns the path and ancestor stacks of that walk. */
export declare class Encoder implements ErrorEncodingContext {
    private readonly registry;
    private readonly where;
    private readonly path;
    private readonly ancestors;
    constructor(registry: ClassRegistry, where: string | undefined);
    encode(value: unknown): unknown;
    /** The entry point for a top-level error: the error itself counts as an ancestor of its properties. */
    encodeErrorPayload(err: unknown): ErrorPayload;
    registeredName(err: object): string | undefined;
    /** Used for error properties, which are dropped on failure: the stacks must survive the throw. */
    encodeNested(value: unknown, key: string): unknown;
    encodeMap(map: Map<unknown, unknown>): Envelope;
    encodeSet(set: Set<unknown>): Envelope;
    private child;
    private encodeObject;
    private encodeByType;
    private encodeArray;
    private encodePlain;
    private encodeRegistered;
    private unsupported;
    private cycle;
    private fail;
}
