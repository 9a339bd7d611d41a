/**
 * A resolved configuration: values with their sources, typed validated assignment and change
 * listeners. Shared by the app config and every task config; `withFieldProperties` adds one real
 * accessor per schema field (`conf.maxParallelSlots`) on top of `get`/`set`.
 */
import { ConfigError } from "../errors/errors.js";
import { ConfigSource, invalidValue, unknownKeys, type Entry, type FieldLabel } from "./resolve.js";
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

export class ResolvedConfig<V extends object> {
  #warnings: readonly string[];
  readonly #schema: Schema;
  readonly #entries: Map<string, Entry>;
  readonly #label: FieldLabel;
  readonly #listeners = new Set<ChangeListener<V>>();

  constructor(init: ResolvedConfigInit) {
    this.#schema = init.schema;
    this.#entries = new Map(init.entries);
    this.#label = init.label;
    this.#warnings = Object.freeze([...new Set(init.warnings)]);
  }

  /**
   * Things worth logging that were not errors: unknown `TYNENC__` environment variables, task settings
   * for ids no task has (found when a runner starts).
   */
  get warnings(): readonly string[] {
    return this.#warnings;
  }

  /** Adds the warnings not listed yet and returns them, so each is logged once. */
  protected addWarnings(warnings: readonly string[]): string[] {
    const added = [...new Set(warnings)].filter((warning) => !this.#warnings.includes(warning));
    if (added.length > 0) this.#warnings = Object.freeze([...this.#warnings, ...added]);
    return added;
  }

  get<K extends keyof V & string>(field: K): V[K] {
    return this.#entry(field).value as V[K];
  }

  /** Validates like every other source (JavaScript callers get no compile-time check). */
  set<K extends keyof V & string>(field: K, value: V[K]): void {
    const previous = this.#entry(field).value;
    const parsed = this.#schema[field]?.check(value);
    if (!parsed?.ok) {
      const accepted = this.#schema[field]?.accepted ?? "";
      throw new ConfigError(invalidValue(this.#label(field), value, "assignment", accepted));
    }
    this.#entries.set(field, { value: parsed.value, source: ConfigSource.assignment, detail: "" });
    if (!Object.is(previous, parsed.value)) this.#emit(field, parsed.value);
  }

  sourceOf(field: keyof V & string): { source: ConfigSource; detail: string } {
    const { source, detail } = this.#entry(field);
    return { source, detail };
  }

  toJSON(): V {
    return Object.fromEntries([...this.#entries].map(([field, entry]) => [field, entry.value])) as V;
  }

  describe(): ConfigRow[] {
    return [...this.#entries].map(([field, { value, source, detail }]) => ({
      field,
      value,
      source,
      detail,
      doc: this.#schema[field]?.doc ?? "",
    }));
  }

  /** Called after an assignment changes a value; returns the function that unsubscribes. */
  onChange(listener: ChangeListener<V>): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #entry(field: string): Entry {
    const entry = this.#entries.get(field);
    if (entry === undefined) {
      throw new ConfigError(unknownKeys([field], this.#schema, "this configuration")[0] ?? field);
    }
    return entry;
  }

  #emit(field: keyof V & string, value: unknown): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(field, value);
      } catch (error) {
        // The value is already set: a failing listener must not undo it or hide other listeners.
        process.emitWarning(error instanceof Error ? error : String(error), {
          code: "TYNENC_CONFIG_LISTENER",
        });
      }
    }
  }
}

/** A config class whose instances have one typed property per value of `V`. */
export type ConfigClass<V extends object> = new (init: ResolvedConfigInit) => ResolvedConfig<V> & V;

/** A ResolvedConfig subclass with a typed getter/setter per field of `schema`. */
export function withFieldProperties<S extends Schema>(schema: S): ConfigClass<ValuesOf<S>> {
  class WithFields extends ResolvedConfig<ValuesOf<S>> {}
  for (const field of Object.keys(schema)) {
    if (field in WithFields.prototype) {
      throw new TypeError(`Config field "${field}" would hide a ResolvedConfig member.`);
    }
    Object.defineProperty(WithFields.prototype, field, {
      enumerable: true,
      get(this: ResolvedConfig<Record<string, unknown>>) {
        return this.get(field);
      },
      set(this: ResolvedConfig<Record<string, unknown>>, value: unknown) {
        this.set(field, value);
      },
    });
  }
  return WithFields as unknown as ConfigClass<ValuesOf<S>>;
}
