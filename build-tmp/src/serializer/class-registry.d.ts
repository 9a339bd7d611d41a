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
/** The classes one serializer may carry, by prototype (to encode) and by name (to decode). */
export declare class ClassRegistry {
    private readonly byProto;
    private readonly byNameMap;
    register<T extends object, D>(cls: ClassConstructor<T>, options?: RegisterClassOptions<T, D>): void;
    has(cls: ClassConstructor): boolean;
    byPrototype(prototype: object): ClassEntry | undefined;
    byName(name: string): ClassEntry | undefined;
    private checkConflicts;
}
