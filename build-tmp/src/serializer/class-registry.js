import { ConfigError } from "../errors/errors.js";
import { setOwn } from "./envelope.js";
/** Classes the serializer already knows how to carry; registering them would shadow that. */
const RESERVED = new Set([
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
    byProto = new Map();
    byNameMap = new Map();
    register(cls, options = {}) {
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
    has(cls) {
        return typeof cls === "function" && this.byProto.get(cls.prototype)?.cls === cls;
    }
    byPrototype(prototype) {
        return this.byProto.get(prototype);
    }
    byName(name) {
        return this.byNameMap.get(name);
    }
    checkConflicts(cls, name) {
        const sameName = this.byNameMap.get(name);
        if (sameName !== undefined && sameName.cls !== cls) {
            throw new ConfigError(`registerClass: the name "${name}" is already registered for another class; pass a distinct { name }`);
        }
        const sameClass = this.byProto.get(cls.prototype);
        if (sameClass !== undefined && sameClass.name !== name) {
            throw new ConfigError(`registerClass: class ${cls.name} is already registered as "${sameClass.name}"; a class has one name`);
        }
    }
}
function makeEntry(cls, name, options) {
    const prototype = cls.prototype;
    const fromJSON = cls.fromJSON;
    const jsonPair = typeof prototype.toJSON === "function" && typeof fromJSON === "function";
    const encode = options.encode ??
        (jsonPair ? (value) => value.toJSON() : ownProperties);
    const decode = options.decode ??
        (jsonPair
            ? (data) => fromJSON.call(cls, data)
            : (data) => withProperties(prototype, data));
    return {
        name,
        cls,
        prototype,
        custom: options.encode !== undefined || options.decode !== undefined || jsonPair,
        encode,
        decode,
    };
}
function ownProperties(value) {
    const data = {};
    for (const key of Object.keys(value))
        setOwn(data, key, value[key]);
    return data;
}
/** Defines rather than assigns, so setters on the prototype do not run and `__proto__` stays a key. */
function withProperties(prototype, data) {
    const instance = Object.create(prototype);
    if (typeof data !== "object" || data === null)
        return instance;
    for (const key of Object.keys(data)) {
        const value = data[key];
        Object.defineProperty(instance, key, { value, writable: true, enumerable: true, configurable: true });
    }
    return instance;
}
//# sourceMappingURL=class-registry.js.map