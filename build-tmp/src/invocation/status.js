import { OwnershipError, StatusTransitionError } from "../errors/errors.js";
/** Every status an invocation can be in. A const object with a derived union, not an enum. */
export const InvocationStatus = {
    REGISTERED: "REGISTERED",
    PENDING: "PENDING",
    RUNNING: "RUNNING",
    PAUSED: "PAUSED",
    RESUMED: "RESUMED",
    RETRY: "RETRY",
    KILLED: "KILLED",
    REROUTED: "REROUTED",
    CONCURRENCY_CONTROLLED: "CONCURRENCY_CONTROLLED",
    PENDING_RECOVERY: "PENDING_RECOVERY",
    RUNNING_RECOVERY: "RUNNING_RECOVERY",
    SUCCESS: "SUCCESS",
    FAILED: "FAILED",
    CONCURRENCY_CONTROLLED_FINAL: "CONCURRENCY_CONTROLLED_FINAL",
};
/** How a status treats the invocation's owner (the runner that claimed it). */
export const Ownership = {
    /** Only the owner may move it on; the owner is kept. */
    requires: "requires",
    /** Entering it makes the acting runner the owner. */
    acquires: "acquires",
    /** Entering it clears the owner. */
    releases: "releases",
    /** Entering it is allowed whoever owns it (recovery takes over), and clears the owner. */
    overrides: "overrides",
};
const S = InvocationStatus;
const O = Ownership;
/** The status table of DESIGN §4: the one source of truth for every backend. */
export const STATUS_TABLE = {
    REGISTERED: { final: false, runnable: true, ownership: O.releases, next: [S.PENDING, S.CONCURRENCY_CONTROLLED, S.CONCURRENCY_CONTROLLED_FINAL] },
    PENDING: { final: false, runnable: false, ownership: O.acquires, next: [S.RUNNING, S.KILLED, S.REROUTED, S.PENDING_RECOVERY] },
    RUNNING: { final: false, runnable: false, ownership: O.requires, next: [S.PAUSED, S.SUCCESS, S.FAILED, S.RETRY, S.KILLED, S.RUNNING_RECOVERY] },
    PAUSED: { final: false, runnable: false, ownership: O.requires, next: [S.RESUMED, S.KILLED, S.RUNNING_RECOVERY] },
    RESUMED: { final: false, runnable: false, ownership: O.requires, next: [S.RUNNING, S.KILLED, S.RUNNING_RECOVERY] },
    RETRY: { final: false, runnable: true, ownership: O.releases, next: [S.PENDING] },
    KILLED: { final: false, runnable: false, ownership: O.releases, next: [S.REROUTED] },
    REROUTED: { final: false, runnable: true, ownership: O.releases, next: [S.PENDING, S.CONCURRENCY_CONTROLLED] },
    CONCURRENCY_CONTROLLED: { final: false, runnable: false, ownership: O.releases, next: [S.REROUTED] },
    PENDING_RECOVERY: { final: false, runnable: false, ownership: O.overrides, next: [S.REROUTED] },
    RUNNING_RECOVERY: { final: false, runnable: false, ownership: O.overrides, next: [S.REROUTED] },
    SUCCESS: { final: true, runnable: false, ownership: O.releases, next: [] },
    FAILED: { final: true, runnable: false, ownership: O.releases, next: [] },
    CONCURRENCY_CONTROLLED_FINAL: { final: true, runnable: false, ownership: O.releases, next: [] },
};
/** The status every invocation starts in; registration is not a transition. */
export const INITIAL_STATUS = S.REGISTERED;
export const FINAL_STATUSES = statusesWhere((d) => d.final);
export const RUNNABLE_STATUSES = statusesWhere((d) => d.runnable);
function statusesWhere(pred) {
    return Object.keys(STATUS_TABLE).filter((s) => pred(STATUS_TABLE[s]));
}
export function isFinal(status) {
    return STATUS_TABLE[status].final;
}
export function isRunnable(status) {
    return STATUS_TABLE[status].runnable;
}
/**
 * Validates one status change and returns the new record. Pure: every backend calls it inside its own
 * atomic section (a lock, a transaction, a Lua script fed with STATUS_TABLE), so the rules live here once.
 */
export function transition(invocationId, current, to, runnerId, at) {
    const from = STATUS_TABLE[current.status];
    const target = STATUS_TABLE[to];
    if (!from.next.includes(to)) {
        const allowed = from.next.length ? from.next.join(", ") : "nothing (it is final)";
        throw new StatusTransitionError(`Invocation ${invocationId} cannot move from ${current.status} to ${to}; from ${current.status} it can move to ${allowed}`);
    }
    if (target.ownership !== O.overrides) {
        if (from.ownership === O.requires || from.ownership === O.acquires) {
            if (current.owner !== runnerId) {
                throw new OwnershipError(`Runner ${runnerId ?? "(none)"} cannot move invocation ${invocationId} from ${current.status} to ${to}: it is owned by runner ${current.owner ?? "(none)"}`);
            }
        }
        if (target.ownership === O.acquires && !runnerId) {
            throw new OwnershipError(`Moving invocation ${invocationId} to ${to} needs a runner id to own it`);
        }
    }
    const owner = target.ownership === O.releases || target.ownership === O.overrides
        ? null
        : target.ownership === O.acquires
            ? runnerId
            : current.owner;
    return { status: to, owner, at };
}
//# sourceMappingURL=status.js.map