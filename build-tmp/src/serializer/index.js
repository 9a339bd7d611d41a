export { JsonSerializer } from "./serializer.js";
export { decodeError, encodeError } from "./error-codec.js";
export { decodeArgs, encodeArgs, NO_ARGS_ID } from "./args.js";
//# sourceMappingURL=index.js.map