import type { Serializer } from "./serializer.js";
export interface EncodedArgs {
    serialized: string;
    argsId: string;
}
export declare const NO_ARGS_ID = "no_args";
export declare function encodeArgs(args: readonly unknown[], serializer: Serializer, taskId: string): EncodedArgs;
export declare function decodeArgs(serialized: string, serializer: Serializer): unknown[];
