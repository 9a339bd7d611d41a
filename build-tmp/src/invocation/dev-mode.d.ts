import type { Logger } from "../logging/index.js";
import { Invocation, type InvocationClient, type TaskRef } from "./invocation.js";
import { InvocationStatus, type HistoryEntry } from "./status.js";
/**
 * `devModeForceSyncTasks`: every call runs the task at once, inline in the caller, with no backend and
 * no runner: for unit tests. Arguments and results still go through the serializer, so a value that
 * would fail in production fails here too.
 */
export declare class DevModeClient implements InvocationClient {
    private readonly logger;
    private readonly roundTrip;
    private readonly states;
    constructor(logger: Logger, roundTrip: (value: unknown, where: string) => unknown);
    call<R>(task: TaskRef, args: readonly unknown[], run: (args: unknown[]) => Promise<R>): Invocation<R>;
    status(invocation: Invocation<unknown>): Promise<InvocationStatus>;
    history(invocation: Invocation<unknown>): Promise<HistoryEntry[]>;
    result<R>(invocation: Invocation<R>): Promise<R>;
    private end;
    private state;
}
