import type { Logger } from "../logging/index.js";
import { type Awaitable } from "../util/awaitable.js";
import type { InvocationRecord } from "./invocation-record.js";
type RegisterFn = (records: InvocationRecord[], registrarId: string | null) => Awaitable<void>;
/**
 * Calls return at once; their registrations are written in one batch per tick (10,000 calls made in a
 * loop are one backend write). Batches are written in call order; with an in-process store a batch is
 * written synchronously at the end of the tick it was made in.
 */
export declare class Registrar {
    private readonly register;
    private readonly logger;
    private batch;
    private scheduled;
    private writing;
    private tail;
    private batchWritten;
    private readonly failures;
    constructor(register: RegisterFn, logger: Logger);
    add(record: InvocationRecord, registrarId: string | null): void;
    /** Nothing waits to be written: every registration made so far is stored (or has failed). */
    get idle(): boolean;
    /** Resolves once every registration made so far has been written (or has failed). */
    settled(): Promise<void>;
    /** The error that prevented this invocation's registration, if any. */
    failureOf(id: string): unknown;
    private flush;
    private write;
    private writeFlow;
}
export {};
