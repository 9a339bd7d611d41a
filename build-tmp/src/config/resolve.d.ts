import type { Schema } from "./schema.js";
export declare const ConfigSource: {
    readonly default: "default";
    readonly file: "file";
    readonly code: "code";
    readonly env: "env";
    readonly assignment: "assignment";
};
export type ConfigSource = (typeof ConfigSource)[keyof typeof ConfigSource];
export interface RawSetting {
    readonly value: unknown;
    /** Shown by sourceOf(): file path, env variable name, ... */
    readonly detail: string;
    /** How an error message names where the value came from. */
    readonly origin: string;
    /** Text to parse by the field's kind (env values, quoted file values) rather than a typed value. */
    readonly text: boolean;
}
export interface Layer {
    readonly source: ConfigSource;
    readonly settings: ReadonlyMap<string, RawSetting>;
}
export interface Entry {
    readonly value: unknown;
    readonly source: ConfigSource;
    readonly detail: string;
}
/** Names a field in messages: `maxParallelSlots`, or `maxRetries of task "fib"`. */
export type FieldLabel = (field: string) => string;
export declare function showValue(value: unknown): string;
export declare function invalidValue(label: string, value: unknown, origin: string, accepted: string): string;
/** One ConfigError for all problems found, so a user fixes a config in one round. */
export declare function throwProblems(problems: readonly string[]): void;
/** Settings from one object (a file section, code options), keeping only the schema's fields. */
export declare function objectLayer(source: ConfigSource, schema: Schema, settings: Readonly<Record<string, unknown>>, where: {
    origin: string;
    detail: string;
}): Layer;
export declare function unknownKeys(keys: readonly string[], schema: Schema, origin: string, ignore?: readonly string[]): string[];
export declare function resolveEntries(schema: Schema, layers: readonly Layer[], label: FieldLabel): {
    entries: Map<string, Entry>;
    problems: string[];
};
