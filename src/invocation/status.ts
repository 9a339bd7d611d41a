import { CancelRequestedError, OwnershipError, StatusTransitionError } from "../errors/errors.js";

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
  CANCELLED: "CANCELLED",
  TIMED_OUT: "TIMED_OUT",
} as const;
export type InvocationStatus = (typeof InvocationStatus)[keyof typeof InvocationStatus];

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
} as const;
export type Ownership = (typeof Ownership)[keyof typeof Ownership];

export interface StatusDefinition {
  readonly final: boolean;
  /** A runner may claim it (move it to PENDING). */
  readonly runnable: boolean;
  readonly ownership: Ownership;
  readonly next: readonly InvocationStatus[];
}

const S = InvocationStatus;
const O = Ownership;

/** The status table of DESIGN §4: the one source of truth for every backend. */
export const STATUS_TABLE: Readonly<Record<InvocationStatus, StatusDefinition>> = {
  REGISTERED: {
    final: false,
    runnable: true,
    ownership: O.releases,
    next: [S.PENDING, S.CONCURRENCY_CONTROLLED, S.CONCURRENCY_CONTROLLED_FINAL, S.CANCELLED],
  },
  PENDING: {
    final: false,
    runnable: false,
    ownership: O.acquires,
    next: [S.RUNNING, S.KILLED, S.REROUTED, S.PENDING_RECOVERY, S.CANCELLED],
  },
  RUNNING: {
    final: false,
    runnable: false,
    ownership: O.requires,
    next: [S.PAUSED, S.SUCCESS, S.FAILED, S.RETRY, S.KILLED, S.RUNNING_RECOVERY, S.CANCELLED, S.TIMED_OUT],
  },
  PAUSED: {
    final: false,
    runnable: false,
    ownership: O.requires,
    next: [S.RESUMED, S.KILLED, S.RUNNING_RECOVERY, S.CANCELLED, S.TIMED_OUT],
  },
  RESUMED: {
    final: false,
    runnable: false,
    ownership: O.requires,
    next: [S.RUNNING, S.KILLED, S.RUNNING_RECOVERY, S.CANCELLED, S.TIMED_OUT],
  },
  RETRY: {
    final: false,
    runnable: true,
    ownership: O.releases,
    next: [S.PENDING, S.CONCURRENCY_CONTROLLED, S.CONCURRENCY_CONTROLLED_FINAL, S.CANCELLED],
  },
  KILLED: { final: false, runnable: false, ownership: O.releases, next: [S.REROUTED, S.CANCELLED] },
  REROUTED: {
    final: false,
    runnable: true,
    ownership: O.releases,
    next: [S.PENDING, S.CONCURRENCY_CONTROLLED, S.CANCELLED],
  },
  CONCURRENCY_CONTROLLED: {
    final: false,
    runnable: false,
    ownership: O.releases,
    next: [S.REROUTED, S.CANCELLED],
  },
  /** Taken over from a dead owner (or stuck PENDING) by recovery; CANCELLED if a cancel was asked. */
  PENDING_RECOVERY: {
    final: false,
    runnable: false,
    ownership: O.overrides,
    next: [S.REROUTED, S.CANCELLED],
  },
  RUNNING_RECOVERY: {
    final: false,
    runnable: false,
    ownership: O.overrides,
    next: [S.REROUTED, S.CANCELLED],
  },
  SUCCESS: { final: true, runnable: false, ownership: O.releases, next: [] },
  FAILED: { final: true, runnable: false, ownership: O.releases, next: [] },
  CONCURRENCY_CONTROLLED_FINAL: { final: true, runnable: false, ownership: O.releases, next: [] },
  /** Stopped on request (`invocation.cancel()`, or a cancelled parent that alone waited for it). */
  CANCELLED: { final: true, runnable: false, ownership: O.releases, next: [] },
  /** Ran (or waited) longer than its task's `timeoutMs`. */
  TIMED_OUT: { final: true, runnable: false, ownership: O.releases, next: [] },
};

/**
 * What an invocation with a pending cancel request (`OrchestratorStore.requestCancel`) may not move to:
 * its end is CANCELLED, so neither its owner's outcome, nor a timeout, nor a retry, nor a reroute after a stop. Every
 * backend calls `refuseUnderCancel` in the same atomic step as the change.
 */
const REFUSED_UNDER_CANCEL: ReadonlySet<InvocationStatus> = new Set([
  S.SUCCESS,
  S.FAILED,
  S.TIMED_OUT,
  S.RETRY,
  S.REROUTED,
]);

/** Throws CancelRequestedError if an invocation whose cancel was requested may not move `to`. */
export function refuseUnderCancel(invocationId: string, to: InvocationStatus): void {
  if (REFUSED_UNDER_CANCEL.has(to)) {
    throw new CancelRequestedError(
      `Invocation ${invocationId} cannot move to ${to}: a cancel was requested, so it ends CANCELLED`,
    );
  }
}

/** The status every invocation starts in; registration is not a transition. */
export const INITIAL_STATUS = S.REGISTERED;

export const FINAL_STATUSES: readonly InvocationStatus[] = statusesWhere((d) => d.final);
export const RUNNABLE_STATUSES: readonly InvocationStatus[] = statusesWhere((d) => d.runnable);

/**
 * The runnable statuses the wait graph hands out: a runnable invocation that others wait for, and that
 * waits for nothing, is claimed before the queue's order (DESIGN §3), unless it is in RETRY. A retry
 * waits for its route, which its delay (the backoff, or RetryError's) holds back: claimed from the
 * queue only, once due, it never runs early because a paused parent waits for it.
 */
export const WAIT_READY_STATUSES: readonly InvocationStatus[] = RUNNABLE_STATUSES.filter(
  (s) => s !== S.RETRY,
);

function statusesWhere(pred: (d: StatusDefinition) => boolean): InvocationStatus[] {
  return (Object.keys(STATUS_TABLE) as InvocationStatus[]).filter((s) => pred(STATUS_TABLE[s]));
}

export function isFinal(status: InvocationStatus): boolean {
  return STATUS_TABLE[status].final;
}

export function isRunnable(status: InvocationStatus): boolean {
  return STATUS_TABLE[status].runnable;
}

// A lookup table like STATUS_TABLE (a property read; the claim scans every waited-on candidate with it).
const WAIT_READY = Object.fromEntries(
  (Object.keys(STATUS_TABLE) as InvocationStatus[]).map((s) => [s, WAIT_READY_STATUSES.includes(s)]),
) as Readonly<Record<InvocationStatus, boolean>>;

/** Whether the wait graph may hand out an invocation in `status` (see WAIT_READY_STATUSES). */
export function isWaitReady(status: InvocationStatus): boolean {
  return WAIT_READY[status];
}

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
export function transition(
  invocationId: string,
  current: StatusRecord,
  to: InvocationStatus,
  runnerId: string | null,
  at: number,
): StatusRecord {
  return { status: to, owner: ownerAfter(invocationId, current.status, current.owner, to, runnerId), at };
}

/**
 * Validates `resume` (RESUMED -> RUNNING by `runnerId`, see `OrchestratorStore.resume`) and returns the
 * owner after; throws StatusTransitionError when it is not RESUMED, OwnershipError as `ownerAfter`.
 */
export function ownerAfterResume(
  invocationId: string,
  status: InvocationStatus,
  owner: string | null,
  runnerId: string,
): string | null {
  if (status !== S.RESUMED) {
    throw new StatusTransitionError(
      `Invocation ${invocationId} cannot be resumed: it is ${status}, not ${S.RESUMED}`,
    );
  }
  return ownerAfter(invocationId, status, owner, S.RUNNING, runnerId);
}

/**
 * `transition` without the records: validates moving an invocation now in `status`, owned by `owner`,
 * to `to` by `runnerId` (throws StatusTransitionError / OwnershipError), and returns its owner after.
 */
export function ownerAfter(
  invocationId: string,
  status: InvocationStatus,
  owner: string | null,
  to: InvocationStatus,
  runnerId: string | null,
): string | null {
  const from = STATUS_TABLE[status];
  const target = STATUS_TABLE[to];
  if (!from.next.includes(to)) {
    const allowed = from.next.length ? from.next.join(", ") : "nothing (it is final)";
    throw new StatusTransitionError(
      `Invocation ${invocationId} cannot move from ${status} to ${to}; from ${status} it can move to ${allowed}`,
    );
  }
  if (target.ownership !== O.overrides) {
    if (from.ownership === O.requires || from.ownership === O.acquires) {
      if (owner !== runnerId) {
        throw new OwnershipError(
          `Runner ${runnerId ?? "(none)"} cannot move invocation ${invocationId} from ${status} to ${to}: it is owned by runner ${owner ?? "(none)"}`,
        );
      }
    }
    if (target.ownership === O.acquires && !runnerId) {
      throw new OwnershipError(`Moving invocation ${invocationId} to ${to} needs a runner id to own it`);
    }
  }
  return target.ownership === O.releases || target.ownership === O.overrides
    ? null
    : target.ownership === O.acquires
      ? runnerId
      : owner;
}
