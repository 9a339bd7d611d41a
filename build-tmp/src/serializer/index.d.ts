export { JsonSerializer, type Serializer } from "./serializer.js";
export type { ClassConstructor, ClassRegistry, RegisterClassOptions } from "./class-registry.js";
export { decodeError, encodeError, type ErrorPayload } from "./error-codec.js";
export { decodeArgs, encodeArgs, NO_ARGS_ID, type EncodedArgs } from "./args.js";
