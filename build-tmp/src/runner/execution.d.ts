import type { ExecutionScope } from "../invocation/context.js";
import type { Invocation } from "../invocation/invocation.js";
import type { Logger } from "../logging/index.js";
/** What an execution needs from the runner that holds its slot. */
export interface SuspendHost {
    /**
     * The execution awaits `ids`: pause it if any is unfinished, and resolve once it holds a slot again.
     * Rejects (nothing paused) when the wait would close a cycle.
     */
    suspend(execution: Execution, ids: string[]): Promise<void>;
}
/**
 * One running invocation on a runner. Awaits of other invocations' results made in the same tick form
 * one batch (so `Promise.all` is one pause); their continuations run only after the runner gives the
 * slot back, which keeps the number of RUNNING invocations within the slot count.
 */
export declare class Execution implements ExecutionScope {
    readonly invocation: Invocation<unknown>;
    readonly runnerId: string;
    private readonly runnerLogger;
    private readonly host;
    state: "running" | "waiting" | "done";
    killed: boolean;
    pausedAt: number;
    /** Cancels the subscription of a paused execution to its dependencies (set by the runner). */
    cancelWait: (() => void) | undefined;
    private collecting;
    private deferred;
    private scopedLogger;
    constructor(invocation: Invocation<unknown>, runnerId: string, runnerLogger: Logger, host: SuspendHost);
    /** Made on first use: most invocations at `info` never log, and a child logger is not free. */
    get logger(): Logger;
    get id(): string;
    waitOn<T>(waitedId: string, settled: Promise<T>): Promise<T>;
    private collect;
    private decide;
    private continueWith;
}
