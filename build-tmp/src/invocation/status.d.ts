/** Every status an invocation can be in. A const object with a derived union, not an enum. */
export declare const InvocationStatus: {
    readonly REGISTERED: "REGISTERED";
    readonly PENDING: "PENDING";
    readonly RUNNING: "RUNNING";
    readonly PAUSED: "PAUSED";
    readonly RESUMED: "RESUMED";
    readonly RETRY: "RETRY";
    readonly KILLED: "KILLED";
    readonly REROUTED: "REROUTED";
    readonly CONCURRENCY_CONTROLLED: "CONCURRENCY_CONTROLLED";
    readonly PENDING_RECOVERY: "PENDING_RECOVERY";
    readonly RUNNING_RECOVERY: "RUNNING_RECOVERY";
    readonly SUCCESS: "SUCCESS";
    readonly FAILED: "FAILED";
    readonly CONCURRENCY_CONTROLLED_FINAL: "CONCURRENCY_CONTROLLED_FINAL";
};
export type InvocationStatus = (typeof InvocationStatus)[keyof typeof InvocationStatus];
/** How a status treats the invocation's owner (the runner that claimed it). */
export declare const Ownership: {
    /** Only the owner may move it on; the owner is kept. */
    readonly requires: "requires";
    /** Entering it makes the acting runner the owner. */
    readonly acquires: "acquires";
    /** Entering it clears the owner. */
    readonly releases: "releases";
    /** Entering it is allowed whoever owns it (recovery takes over), and clears the owner. */
    readonly overrides: "overrides";
};
export type Ownership = (typeof Ownership)[keyof typeof Ownership];
export interface StatusDefinition {
    readonly final: boolean;
    /** A runner may claim it (move it to PENDING). */
    readonly runnable: boolean;
    readonly ownership: Ownership;
    readonly next: readonly InvocationStatus[];
}
/** The status table of DESIGN §4: the one source of truth for every backend. */
export declare const STATUS_TABLE: Readonly<Record<InvocationStatus, StatusDefinition>>;
/** The status every invocation starts in; registration is not a transition. */
export declare const INITIAL_STATUS: "REGISTERED";
export declare const FINAL_STATUSES: readonly InvocationStatus[];
export declare const RUNNABLE_STATUSES: readonly InvocationStatus[];
export declare function isFinal(status: InvocationStatus): boolean;
export declare function isRunnable(status: InvocationStatus): boolean;
/** The stored status of one invocation. `owner` is the id of the runner that owns it, if any. */
export interface StatusRecord {
    readonly status: InvocationStatus;
    readonly owner: string | null;
    readonly at: number;
}
/** One line of an invocation's history: every status it went through, who moved it, when (ms epoch). */
export interface HistoryEntry {
    readonly status: InvocationStatus;
    readonly runnerId: string | null;
    readonly at: number;
    /**
     * Position in the backend's one global order of status changes (strictly increasing): what tells
     * which of two changes made in the same millisecond came first.
     */
    readonly seq: number;
}
/**
 * Validates one status change and returns the new record. Pure: every backend calls it inside its own
 * atomic section (a lock, a transaction, a Lua script fed with STATUS_TABLE), so the rules live here once.
 */
export declare function transition(invocationId: string, current: StatusRecord, to: InvocationStatus, runnerId: string | null, at: number): StatusRecord;
