/** A promise with its resolver, for "the loop has stopped". */
export declare class StopSignal {
    readonly promise: Promise<void>;
    resolve: () => void;
    constructor();
}
