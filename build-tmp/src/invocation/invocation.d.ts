import type { HistoryEntry, InvocationStatus } from "./status.js";
/** What a handle needs from its app; an interface so handles stay plain and cheap. */
export interface InvocationClient {
    status(invocation: Invocation<unknown>): Promise<InvocationStatus>;
    history(invocation: Invocation<unknown>): Promise<HistoryEntry[]>;
    result<R>(invocation: Invocation<R>): Promise<R>;
}
/** The identity every handle exposes about the task it runs. */
export interface TaskRef {
    readonly id: string;
}
/** One execution request of a task call. Returned at once by calling a task. */
export declare class Invocation<R> {
    readonly id: string;
    readonly task: TaskRef;
    readonly args: readonly unknown[];
    readonly parent: Invocation<unknown> | null;
    private readonly client;
    private resultPromise;
    constructor(id: string, task: TaskRef, args: readonly unknown[], parent: Invocation<unknown> | null, client: InvocationClient);
    /** Settles with the task's return value or rejects with its error. The same promise on every read. */
    get result(): Promise<R>;
    /** The current status. */
    status(): Promise<InvocationStatus>;
    /** Every status it went through, in order, with the runner that moved it and when (ms epoch). */
    history(): Promise<HistoryEntry[]>;
    toString(): string;
}
