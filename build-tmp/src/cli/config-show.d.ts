import type { Command } from "./main.js";
interface Row {
    field: string;
    value: unknown;
    source: string;
    detail: string;
}
export declare function formatTable(rows: readonly Row[]): string;
export declare const configShow: Command;
export {};
