/** `[1,2.5,3]` for a short array of plain numbers, else undefined. */
export declare function numberArrayText(array: readonly unknown[]): string | undefined;
/** An integer (`20`) or a list of them (`[1,-2,3]`); undefined means "not that simple, use JSON.parse". */
export declare function parseNumberText(text: string): number | number[] | undefined;
