import { ConfigSource, type Entry, type FieldLabel } from "./resolve.js";
import type { Schema, ValuesOf } from "./schema.js";
export interface ConfigRow {
    field: string;
    value: unknown;
    source: ConfigSource;
    detail: string;
    doc: string;
}
export type ChangeListener<V> = (field: keyof V & string, value: unknown) => void;
export interface ResolvedConfigInit {
    readonly schema: Schema;
    readonly entries: ReadonlyMap<string, Entry>;
    readonly label: FieldLabel;
    readonly warnings?: readonly string[];
}
export declare class ResolvedConfig<V extends object> {
    #private;
    /** Things worth logging that were not errors, e.g. unknown `TYNENC__` environment variables. */
    readonly warnings: readonly string[];
    constructor(init: ResolvedConfigInit);
    get<K extends keyof V & string>(field: K): V[K];
    /** Validates like every other source (JavaScript callers get no compile-time check). */
    set<K extends keyof V & string>(field: K, value: V[K]): void;
    sourceOf(field: keyof V & string): {
        source: ConfigSource;
        detail: string;
    };
    toJSON(): V;
    describe(): ConfigRow[];
    /** Called after an assignment changes a value; returns the function that unsubscribes. */
    onChange(listener: ChangeListener<V>): () => void;
}
/** A config class whose instances have one typed property per value of `V`. */
export type ConfigClass<V extends object> = new (init: ResolvedConfigInit) => ResolvedConfig<V> & V;
/** A ResolvedConfig subclass with a typed getter/setter per field of `schema`. */
export declare function withFieldProperties<S extends Schema>(schema: S): ConfigClass<ValuesOf<S>>;
