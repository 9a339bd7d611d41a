import type { Backend } from "../backends/backend.js";
import type { TynencEvents } from "../events.js";
import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";
import { InvocationStatus, type HistoryEntry, type StatusRecord } from "../invocation/status.js";
import type { Logger, SafeEmitter } from "../logging/index.js";
import { type Awaitable } from "../util/awaitable.js";
import type { Unsubscribe } from "./notifier.js";
/**
 * The core of orchestration, written once over the backend interfaces: registration, the claim order,
 * pause and resume, finishing, killing. Backends only store; every rule lives here or in status.ts.
 * Store calls use `isPromise(r) ? await r : r` so in-process stores cost no extra promise.
 */
export declare class Orchestrator {
    private readonly backend;
    private readonly logger;
    private readonly events;
    constructor(backend: Backend, logger: Logger, events: SafeEmitter<TynencEvents>);
    private get store();
    register(records: readonly InvocationRecord[], runnerId: string | null): Awaitable<void>;
    private registerFlow;
    getRecord(id: string): Promise<InvocationRecord>;
    status(id: string): Awaitable<StatusRecord | undefined>;
    statuses(ids: readonly string[]): Awaitable<(StatusRecord | undefined)[]>;
    history(id: string): Awaitable<HistoryEntry[]>;
    outcome(id: string): Awaitable<Outcome | undefined>;
    /** One validated status change (see status.ts), announced to `invocation:status` listeners. */
    transition(id: string, to: InvocationStatus, runnerId: string | null, options?: {
        clearWaits?: boolean;
    }): Awaitable<StatusRecord>;
    /**
     * Claim up to `max` invocations for `runnerId` (moved to PENDING): first those others wait for, the
     * most waited-on first, then the broker queue in order. Stale queue entries are dropped.
     */
    claim(runnerId: string, max: number): Awaitable<InvocationRecord[]>;
    private claimFlow;
    /**
     * RUNNING -> PAUSED, recording what it waits for. The edges go in first and the cycle check runs after,
     * so two waits racing to close a cycle both see it (and both fail) instead of both pausing forever.
     * Returns the cycle, in which case nothing changed, or undefined once paused.
     */
    pause(waiterId: string, waitedIds: readonly string[], runnerId: string): Awaitable<string[] | undefined>;
    private pauseFlow;
    /**
     * Calls `listener` once every id in `ids` is final. Subscribes before checking, so a status reached in
     * between is never missed; may call `listener` before returning. Returns a cancel function.
     */
    whenAllFinal(ids: readonly string[], listener: () => void): Unsubscribe;
    /** Store the outcome, move to SUCCESS/FAILED, release the wait graph and wake whoever waits. */
    finish(id: string, outcome: Outcome, runnerId: string): Awaitable<void>;
    private finishFlow;
    /** Runner shutdown: KILLED then REROUTED and back in the queue for another runner. */
    killAndReroute(id: string, runnerId: string): Promise<void>;
    /** Put an invocation already in a runnable status back in the queue, and wake the runners. */
    reroute(id: string): Promise<void>;
    private announce;
    /** Tell listeners; skipped entirely (no payload built) when nobody listens. */
    private emitStatus;
}
