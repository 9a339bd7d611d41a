import { ConfigError } from "../errors/errors.js";
import { setOwn } from "./envelope.js";

/** Any class, abstract ones included: only its prototype and static `fromJSON` are used. */
export type ClassConstructor<T = object> = abstract new (...args: any[]) => T;

export interface RegisterClassOptions<T, D = any> {
  /** Name written into the serialized text; defaults to `cls.name`. Must be the same in every process. */
  name?: string;
  /** Instance -> data; the data is serialized recursively. Defaults to `toJSON()` or own enumerable properties. */
  encode?: (value: T) => D;
  /** Data -> instance. Defaults to static `fromJSON()` or `Object.create(cls.prototype)` plus the properties. */
  decode?: (data: D) => T;
}

export interface ClassEntry {
  readonly name: string;
  readonly cls: ClassConstructor;
  readonly prototype: object;
  /** True when the class brings its own encoding; errors then skip the error codec. */
  readonly custom: boolean;
  encode(value: object): unknown;
  decode(data: unknown): object;
}

/** Classes the serializer already knows how to carry; registering them would shadow that. */
const RESERVED: ReadonlySet<unknown> = new Set<unknown>([
  Object,
  Array,
  Function,
  Error,
  Date,
  Map,
  Set,
  RegExp,
]);

/** The classes one serializer may carry, by prototype (to encode) and by name (to decode). */
export class ClassRegistry {
  private readonly byProto = new Map<object, ClassEntry>();
  private readonly byNameMap = new Map<string, ClassEntry>();

  register<T extends object, D>(cls: ClassConstructor<T>, options: RegisterClassOptions<T, D> = {}): void {
    if (typeof cls !== "function" || typeof cls.prototype !== "object" || cls.prototype === null) {
      throw new ConfigError("registerClass(cls) needs a class (a constructor function with a prototype)");
    }
    if (RESERVED.has(cls)) {
      throw new ConfigError(`registerClass(${cls.name}): ${cls.name} is built in and serialized already`);
    }
    const name = options.name ?? cls.name;
    if (typeof name !== "string" || name === "") {
      throw new ConfigError("registerClass(cls): the class has no name; pass one with { name: '...' }");
    }
    this.checkConflicts(cls, name);
    const entry = makeEntry(cls, name, options);
    this.byProto.set(entry.prototype, entry);
    this.byNameMap.set(name, entry);
  }

  has(cls: ClassConstructor): boolean {
    return typeof cls === "function" && this.byProto.get(cls.prototype as object)?.cls === cls;
  }

  byPrototype(prototype: object): ClassEntry | undefined {
    return this.byProto.get(prototype);
  }

  byName(name: string): ClassEntry | undefined {
    return this.byNameMap.get(name);
  }

  private checkConflicts(cls: ClassConstructor, name: string): void {
    const sameName = this.byNameMap.get(name);
    if (sameName !== undefined && sameName.cls !== cls) {
      throw new ConfigError(
        `registerClass: the name "${name}" is already registered for another class; pass a distinct { name }`,
      );
    }
    const sameClass = this.byProto.get(cls.prototype as object);
    if (sameClass !== undefined && sameClass.name !== name) {
      throw new ConfigError(
        `registerClass: class ${cls.name} is already registered as "${sameClass.name}"; a class has one name`,
      );
    }
  }
}

function makeEntry<T extends object, D>(
  cls: ClassConstructor<T>,
  name: string,
  options: RegisterClassOptions<T, D>,
): ClassEntry {
  const prototype = cls.prototype as object;
  const fromJSON = (cls as unknown as { fromJSON?: unknown }).fromJSON;
  const jsonPair =
    typeof (prototype as { toJSON?: unknown }).toJSON === "function" && typeof fromJSON === "function";
  const encode =
    options.encode ??
    (jsonPair ? (value: T) => (value as unknown as { toJSON(): unknown }).toJSON() : ownProperties);
  const decode =
    options.decode ??
    (jsonPair
      ? (data: unknown) => (fromJSON as (data: unknown) => T).call(cls, data)
      : (data: unknown) => withProperties(prototype, data));
  return {
    name,
    cls,
    prototype,
    custom: options.encode !== undefined || options.decode !== undefined || jsonPair,
    encode,
    decode,
  };
}

function ownProperties(value: object): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(data, key, (value as Record<string, unknown>)[key]);
  return data;
}

/** Defines rather than assigns, so setters on the prototype do not run and `__proto__` stays a key. */
function withProperties(prototype: object, data: unknown): object {
  const instance: object = Object.create(prototype);
  if (typeof data !== "object" || data === null) return instance;
  for (const key of Object.keys(data)) {
    const value = (data as Record<string, unknown>)[key];
    Object.defineProperty(instance, key, { value, writable: true, enumerable: true, configurable: true });
  }
  return instance;
}
