export declare function isPlainNumber(value: number): boolean;
export declare function isPlainJson(value: unknown, depth: number): boolean;
export declare function isPlainJsonObject(value: object, depth: number): boolean;
