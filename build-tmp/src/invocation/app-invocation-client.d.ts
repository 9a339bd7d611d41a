import type { Orchestrator } from "../orchestrator/orchestrator.js";
import type { Invocation, InvocationClient } from "./invocation.js";
import type { Awaitable } from "../util/awaitable.js";
import type { Registrar } from "./registrar.js";
import type { HistoryEntry, InvocationStatus } from "./status.js";
/** How handles reach the backend of the app that made them. */
export interface ClientHost {
    readonly orchestrator: Orchestrator;
    readonly registrar: Registrar;
    decodeOutcome(id: string): Awaitable<unknown>;
    /** A reason the invocation can never run from here (checked once per result), or undefined. */
    cannotRunReason(): string | undefined;
    /** Called the first time a result is awaited outside any invocation. */
    onOutsideAwait(invocation: Invocation<unknown>): void;
}
export declare class AppInvocationClient implements InvocationClient {
    private readonly host;
    constructor(host: ClientHost);
    status(invocation: Invocation<unknown>): Promise<InvocationStatus>;
    history(invocation: Invocation<unknown>): Promise<HistoryEntry[]>;
    result<R>(invocation: Invocation<R>): Promise<R>;
    private settle;
    private ensureRegistered;
}
