/**
 * Turns arbitrary field values into plain JSON-able data. Log fields come from anywhere (user payloads,
 * errors with causes, cyclic objects), and a log call must never throw because of them.
 */
export interface PlainOptions {
    /** Stacks belong in JSON output; the text format prints them on their own lines instead. */
    stacks: boolean;
}
export declare function errorToPlain(error: Error, options: PlainOptions, ancestors?: object[]): object;
export declare function toPlain(value: unknown, options: PlainOptions, ancestors?: object[]): unknown;
/** JSON text for any value; undefined becomes the string "undefined" so a field never vanishes. */
export declare function safeJson(value: unknown, options: PlainOptions): string;
