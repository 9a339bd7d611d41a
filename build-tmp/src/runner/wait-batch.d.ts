/** The set of invocations one pause waits for, and the gate its awaiting code passes once resumed. */
export declare class WaitBatch {
    readonly ids: Set<string>;
    readonly opened: Promise<void>;
    private resolveOpened;
    private rejectOpened;
    constructor();
    open(): void;
    fail(error: unknown): void;
}
