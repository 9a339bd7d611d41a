/**
 * Field kinds: how one setting is parsed from text (environment, config files) and checked when it
 * arrives already typed (code options, assignment). A field never throws itself; it answers with a
 * `Parsed` so the caller can name where the bad value came from.
 */
export declare const FieldKind: {
    readonly string: "string";
    readonly int: "int";
    readonly number: "number";
    readonly boolean: "boolean";
    readonly enum: "enum";
    readonly durationMs: "duration-ms";
};
export type FieldKind = (typeof FieldKind)[keyof typeof FieldKind];
export type Parsed<T> = {
    ok: true;
    value: T;
} | {
    ok: false;
};
export interface FieldDef<T> {
    readonly kind: FieldKind;
    /** One line, shown by `tynenc config show` and in docs/configuration.md. */
    readonly doc: string;
    /** What is accepted, phrased to follow "expected ". */
    readonly accepted: string;
    /** The default as documentation shows it (may be a rule rather than a value, e.g. "number of CPUs"). */
    readonly defaultDoc: string;
    defaultValue(): T;
    /** Text from an environment variable or a quoted file value. */
    parseText(raw: string): Parsed<T>;
    /** A value that should already have the field's type (code options, assignment, JSON numbers). */
    check(value: unknown): Parsed<T>;
}
/** The field type a definition holds, e.g. `FieldTypeOf<typeof backendField>` is `"memory" | ...`. */
export type FieldTypeOf<F> = F extends FieldDef<infer T> ? T : never;
type Default<T> = T | {
    compute: () => T;
    doc: string;
};
interface Common<T> {
    default: Default<T>;
    doc: string;
}
export interface StringOptions extends Common<string> {
    /** Characters every value must match; the whole value is tested. */
    pattern?: RegExp;
    /** How `pattern` reads in an error message, e.g. "letters, digits, '_', '.' and '-'". */
    patternDoc?: string;
    nonEmpty?: boolean;
}
export declare function stringField(options: StringOptions): FieldDef<string>;
export interface RangeOptions<T> extends Common<T> {
    min?: number;
    max?: number;
}
export declare function intField(options: RangeOptions<number>): FieldDef<number>;
export declare function numberField(options: RangeOptions<number>): FieldDef<number>;
/** Whole milliseconds, never negative: a duration a timer can be set to. */
export declare function durationMsField(options: Omit<RangeOptions<number>, "min">): FieldDef<number>;
export declare const BOOLEAN_WORDS: {
    readonly true: true;
    readonly false: false;
    readonly "1": true;
    readonly "0": false;
    readonly yes: true;
    readonly no: false;
    readonly on: true;
    readonly off: false;
};
export declare function booleanField(options: Common<boolean>): FieldDef<boolean>;
export interface EnumOptions<V extends string> extends Common<V> {
    values: readonly V[];
}
export declare function enumField<const V extends string>(options: EnumOptions<V>): FieldDef<V>;
export {};
