import type { Backend } from "../backends/backend.js";
import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";
import { InvocationStatus, type HistoryEntry, type StatusRecord } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import type { Unsubscribe } from "./notifier.js";
/**
 * The core of orchestration, written once over the backend interfaces: registration, the claim order,
 * pause and resume, finishing, killing. Backends only store; every rule lives here or in status.ts.
 */
export declare class Orchestrator {
    private readonly backend;
    private readonly logger;
    constructor(backend: Backend, logger: Logger);
    private get store();
    register(records: readonly InvocationRecord[], runnerId: string | null): Promise<void>;
    getRecord(id: string): Promise<InvocationRecord>;
    status(id: string): Promise<StatusRecord | undefined>;
    statuses(ids: readonly string[]): Promise<(StatusRecord | undefined)[]>;
    history(id: string): Promise<HistoryEntry[]>;
    transition(id: string, to: InvocationStatus, runnerId: string | null): Promise<StatusRecord>;
    /**
     * Claim up to `max` invocations for `runnerId` (moved to PENDING): first those others wait for, the
     * most waited-on first, then the broker queue in order. Stale queue entries are dropped.
     */
    claim(runnerId: string, max: number): Promise<InvocationRecord[]>;
    /**
     * RUNNING -> PAUSED, recording what it waits for. The edges go in first and the cycle check runs after,
     * so two waits racing to close a cycle both see it (and both fail) instead of both pausing forever.
     * Returns the cycle, in which case nothing changed, or undefined once paused.
     */
    pause(waiterId: string, waitedIds: readonly string[], runnerId: string): Promise<string[] | undefined>;
    /**
     * Calls `listener` once every id in `ids` is final. Subscribes before checking, so a status reached in
     * between is never missed. Returns a function that cancels the subscription.
     */
    whenAllFinal(ids: readonly string[], listener: () => void): Unsubscribe;
    /** Store the outcome, move to SUCCESS/FAILED, release the wait graph and wake whoever waits. */
    finish(id: string, outcome: Outcome, runnerId: string): Promise<void>;
    /** Runner shutdown: KILLED then REROUTED and back in the queue for another runner. */
    killAndReroute(id: string, runnerId: string): Promise<void>;
}
