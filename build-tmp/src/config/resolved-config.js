/**
 * A resolved configuration: values with their sources, typed validated assignment and change
 * listeners. Shared by the app config and every task config; `withFieldProperties` adds one real
 * accessor per schema field (`conf.maxParallelSlots`) on top of `get`/`set`.
 */
import { ConfigError } from "../errors/errors.js";
import { ConfigSource, invalidValue, unknownKeys } from "./resolve.js";
export class ResolvedConfig {
    /** Things worth logging that were not errors, e.g. unknown `TYNENC__` environment variables. */
    warnings;
    #schema;
    #entries;
    #label;
    #listeners = new Set();
    constructor(init) {
        this.#schema = init.schema;
        this.#entries = new Map(init.entries);
        this.#label = init.label;
        this.warnings = Object.freeze([...(init.warnings ?? [])]);
    }
    get(field) {
        return this.#entry(field).value;
    }
    /** Validates like every other source (JavaScript callers get no compile-time check). */
    set(field, value) {
        const previous = this.#entry(field).value;
        const parsed = this.#schema[field]?.check(value);
        if (!parsed?.ok) {
            const accepted = this.#schema[field]?.accepted ?? "";
            throw new ConfigError(invalidValue(this.#label(field), value, "assignment", accepted));
        }
        this.#entries.set(field, { value: parsed.value, source: ConfigSource.assignment, detail: "" });
        if (!Object.is(previous, parsed.value))
            this.#emit(field, parsed.value);
    }
    sourceOf(field) {
        const { source, detail } = this.#entry(field);
        return { source, detail };
    }
    toJSON() {
        return Object.fromEntries([...this.#entries].map(([field, entry]) => [field, entry.value]));
    }
    describe() {
        return [...this.#entries].map(([field, { value, source, detail }]) => ({
            field,
            value,
            source,
            detail,
            doc: this.#schema[field]?.doc ?? "",
        }));
    }
    /** Called after an assignment changes a value; returns the function that unsubscribes. */
    onChange(listener) {
        this.#listeners.add(listener);
        return () => {
            this.#listeners.delete(listener);
        };
    }
    #entry(field) {
        const entry = this.#entries.get(field);
        if (entry === undefined) {
            throw new ConfigError(unknownKeys([field], this.#schema, "this configuration")[0] ?? field);
        }
        return entry;
    }
    #emit(field, value) {
        for (const listener of [...this.#listeners]) {
            try {
                listener(field, value);
            }
            catch (error) {
                // The value is already set: a failing listener must not undo it or hide other listeners.
                process.emitWarning(error instanceof Error ? error : String(error), {
                    code: "TYNENC_CONFIG_LISTENER",
                });
            }
        }
    }
}
/** A ResolvedConfig subclass with a typed getter/setter per field of `schema`. */
export function withFieldProperties(schema) {
    class WithFields extends ResolvedConfig {
    }
    for (const field of Object.keys(schema)) {
        if (field in WithFields.prototype) {
            throw new TypeError(`Config field "${field}" would hide a ResolvedConfig member.`);
        }
        Object.defineProperty(WithFields.prototype, field, {
            enumerable: true,
            get() {
                return this.get(field);
            },
            set(value) {
                this.set(field, value);
            },
        });
    }
    return WithFields;
}
//# sourceMappingURL=resolved-config.js.map