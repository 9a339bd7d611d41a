import { SerializationError } from "../errors/errors.js";
import { ClassRegistry } from "./class-registry.js";
import { decodeTree } from "./decode.js";
import { Encoder } from "./encode.js";
import { TAG_IN_TEXT } from "./envelope.js";
import { decodeError } from "./error-codec.js";
import { numberArrayText, parseNumberText } from "./number-text.js";
import { isPlainJsonObject, isPlainNumber } from "./plain-json.js";
/**
 * The default serializer: JSON, plus tagged envelopes for what JSON cannot carry (undefined,
 * special numbers, bigint, Date, Map, Set, RegExp, binary data, errors, registered classes).
 * Plain JSON data skips the envelope walk both ways, which is what keeps the hot path fast.
 */
export class JsonSerializer {
    registry = new ClassRegistry();
    serialize(value, where) {
        switch (typeof value) {
            case "string":
                return JSON.stringify(value);
            case "boolean":
                return value ? "true" : "false";
            case "number":
                // Same text as JSON.stringify for finite numbers, several times faster.
                if (isPlainNumber(value))
                    return String(value);
                break;
            case "object":
                if (value === null)
                    return "null";
                if (Array.isArray(value)) {
                    const text = numberArrayText(value);
                    if (text !== undefined)
                        return text;
                }
                if (isPlainJsonObject(value, 0))
                    return JSON.stringify(value);
                break;
        }
        return JSON.stringify(this.encodeValue(value, where));
    }
    deserialize(text) {
        const numbers = parseNumberText(text);
        if (numbers !== undefined)
            return numbers;
        let parsed;
        try {
            parsed = JSON.parse(text);
        }
        catch (error) {
            throw new SerializationError(`Cannot deserialize: the text is not JSON (${error.message}); ` +
                "was it written by a different serializer?", { cause: error });
        }
        return text.includes(TAG_IN_TEXT) ? decodeTree(parsed, this) : parsed;
    }
    /** Lets instances of `cls` cross processes; every process must register it under the same name. */
    registerClass(cls, options) {
        this.registry.register(cls, options);
        return this;
    }
    isRegistered(cls) {
        return this.registry.has(cls);
    }
    /** Value -> JSON-safe tree (envelopes included); `serialize` is `JSON.stringify` of this. */
    encodeValue(value, where) {
        return new Encoder(this.registry, where).encode(value);
    }
    /** JSON-safe tree -> value. Does not modify `data`. */
    decodeValue(data) {
        return decodeTree(data, this);
    }
    /** Any thrown value -> JSON-safe payload; unserializable extra properties are dropped, never fatal. */
    encodeError(err) {
        return new Encoder(this.registry, "error").encodeErrorPayload(err);
    }
    decodeError(payload) {
        return decodeError(payload, this);
    }
}
//# sourceMappingURL=serializer.js.map