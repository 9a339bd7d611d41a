import type { JsonSerializer } from "./serializer.js";
export declare function decodeTree(node: unknown, serializer: JsonSerializer): unknown;
