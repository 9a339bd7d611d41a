/**
 * Where inside a value the encoder is, kept as raw segments and only turned into text when an
 * error needs it (the happy path never pays for string building).
 */
export type PathSegment = string | number | {
    readonly text: string;
};
export declare function formatPath(segments: readonly PathSegment[]): string;
/** `argument 2 of task "fib" at .cb`, or just the root description when the fault is the value itself. */
export declare function describeLocation(where: string | undefined, segments: readonly PathSegment[]): string;
/** A Map key segment that reads like code when the key is simple (`.get("id")`). */
export declare function mapValueSegment(key: unknown, index: number): PathSegment;
export declare function mapKeySegment(index: number): PathSegment;
export declare function setItemSegment(index: number): PathSegment;
