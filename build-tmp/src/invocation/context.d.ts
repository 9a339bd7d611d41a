import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "../logging/index.js";
import type { Invocation } from "./invocation.js";
/**
 * What code running inside an invocation can reach: travels in AsyncLocalStorage, so a nested task call
 * finds its parent and a `.result` await finds the waiter without anyone passing them.
 */
export interface ExecutionScope {
    readonly invocation: Invocation<unknown>;
    readonly runnerId: string;
    readonly logger: Logger;
    /** Route an await of another invocation's result through the runner (pause, free the slot, resume). */
    waitOn<T>(waitedId: string, settled: Promise<T>): Promise<T>;
}
export declare const executionStorage: AsyncLocalStorage<ExecutionScope>;
export declare function currentExecution(): ExecutionScope | undefined;
