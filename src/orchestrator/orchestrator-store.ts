import type { HistoryEntry, InvocationStatus, StatusRecord } from "../invocation/status.js";
import type { Awaitable } from "../util/awaitable.js";
import type { ClaimBatch, FinishClaim } from "../backends/backend.js";

export interface NewStatus {
  readonly id: string;
  readonly taskId: string;
  /** Registration concurrency: no two unfinished invocations may share it (see `register`). */
  readonly registrationKey?: string;
  /** Running concurrency: no two claimed or running invocations may share it (see `claim`). */
  readonly runningKey?: string;
  /** Call result cache: the call, whose latest success `cachedResult` finds. */
  readonly cacheKey?: string;
}

/**
 * Where a backend keeps statuses, history and the wait graph. Every status change (`transition`, and
 * the conditional ones `claim` and `resume`) must validate with `status.ts#transition()` and append the
 * history entry in the same atomic step, so status and history never disagree.
 */
export interface OrchestratorStore {
  /**
   * Insert invocations in REGISTERED (with their first history entry). An item whose registrationKey an
   * unfinished invocation already holds is not inserted: its slot in the answer is that invocation's id
   * (undefined for every item inserted).
   */
  register(
    items: readonly NewStatus[],
    runnerId: string | null,
    at: number,
  ): Awaitable<(string | undefined)[]>;
  /**
   * Atomically validate and apply one change; throws StatusTransitionError/OwnershipError, and
   * InvocationNotFoundError for an unknown id. With `clearWaits`, every wait edge leaving the
   * invocation is removed in the same step (it finished, was killed or will retry: it waits no more).
   * The edges pointing at it stay: each belongs to its waiter, which drops it (`removeWaitsOf`, or its
   * own `clearWaits`) once it has read the result, and until then it keeps retention off the result.
   */
  transition(
    id: string,
    to: InvocationStatus,
    runnerId: string | null,
    at: number,
    options?: { clearWaits?: boolean },
  ): Awaitable<StatusRecord>;
  /**
   * A cancel is asked for a non-final invocation: mark it, atomically, so that from now on `transition`
   * refuses to move it to SUCCESS, FAILED, TIMED_OUT, RETRY or REROUTED (`status.ts#refuseUnderCancel`, throwing
   * CancelRequestedError) until it is final. Returns its status record as it is (final ones are not
   * marked), or undefined if unknown.
   */
  requestCancel(id: string): Awaitable<StatusRecord | undefined>;
  /**
   * Claim: move each id that is runnable now to PENDING owned by `runnerId`, atomically per id. Ids that
   * are not runnable (already claimed, final, unknown) are skipped, not errors; so are ids whose
   * runningKey is held by a PENDING or RUNNING invocation (they stay runnable), and those are also
   * appended to `blocked` when it is given (so the caller can park them without reading them again).
   * Returns the claimed ids.
   */
  claim(ids: readonly string[], runnerId: string, at: number, blocked?: string[]): Awaitable<string[]>;
  /**
   * Resume: move a RESUMED invocation to RUNNING (as `transition` does, history entry included) only if
   * its runningKey is not held by a PENDING or RUNNING invocation, checked and applied in one atomic
   * step. Returns the new record, or undefined when the key is held (nothing changed). An invocation
   * without a runningKey always resumes. Throws as `transition` does (validated first, key held or not):
   * StatusTransitionError when it is not RESUMED, OwnershipError, InvocationNotFoundError.
   */
  resume(id: string, runnerId: string, at: number): Awaitable<StatusRecord | undefined>;
  getStatus(id: string): Awaitable<StatusRecord | undefined>;
  getStatuses(ids: readonly string[]): Awaitable<(StatusRecord | undefined)[]>;
  /**
   * `getStatuses` by a process about to wait for the finals of `ids` (whenAllFinal), where a store tells
   * a final only to the processes it knows wait for it (Redis): it records this one as a listener of
   * the unfinished ones in the same atomic step, so a finish after the read is told here. An id it does
   * not know is not marked: its waiter takes it for gone (an await of a result fails as purged).
   */
  watchStatuses?(ids: readonly string[]): Awaitable<(StatusRecord | undefined)[]>;
  getHistory(id: string): Awaitable<HistoryEntry[]>;
  /** Ids currently in one of `statuses` (optionally of one task), for recovery and monitoring. */
  findByStatus(statuses: readonly InvocationStatus[], taskId?: string): Awaitable<string[]>;

  /**
   * Record wait edges `waiter -> waited`. An edge outlives the waited invocation's finish (see
   * `transition`): it is the waiter's claim on the result until the waiter drops it.
   */
  addWaits(waiterId: string, waitedIds: readonly string[]): Awaitable<void>;
  /** Remove every edge leaving `waiterId` (it read what it waited for, stopped waiting, or ended). */
  removeWaitsOf(waiterId: string): Awaitable<void>;
  /** Remove every edge pointing at `waitedId`. */
  removeWaitsOn(waitedId: string): Awaitable<void>;
  /** For each id, the ids it waits for (finished ones included, until the waiter drops the edge). */
  waitingFor(ids: readonly string[]): Awaitable<Map<string, string[]>>;
  /** For each id, the ids waiting for it. */
  waitersOf(ids: readonly string[]): Awaitable<Map<string, string[]>>;
  /**
   * Up to `limit` invocations that others wait for, that wait for nothing and are runnable, but not in
   * RETRY (status.ts WAIT_READY_STATUSES: a retry waits for its delayed route).
   */
  waitedOnRunnable(limit: number): Awaitable<string[]>;
  /**
   * Optional: for each id, how many invocations wait for it directly or transitively (counting stops past
   * `cap`), in one round trip. Without it the orchestrator walks `waitersOf` level by level, which is
   * cheap in process and one round trip per level on a network store.
   */
  countWaiters?(ids: readonly string[], cap: number): Awaitable<number[]>;

  /**
   * Optional, for a store over the network: `Waits.record` and `Waits.pause` in one atomic step. Replace
   * the edges leaving `waiterId` with edges to `waitedIds`; if none of them is unfinished (unknown counts
   * as finished), answer `open: []` and change nothing else. Else, if the edges close a cycle, remove them
   * and answer it (a path from the waiter back to it, as wait-cycle.ts finds it). Else move the waiter to
   * PAUSED as `transition` does (history entry included), or, if that is refused, remove the edges and
   * throw its error. A store may give up a long cycle search: it answers `unchecked` with the edges in
   * and nothing else changed, and the orchestrator goes on as without this method.
   *
   * With `options.claim` (a store that also claims, see `Backend.claimNext`), a pause that moved the
   * waiter to PAUSED claims for `runnerId` in the same step, as `claimNext(runnerId, claim.max, at,
   * claim)` does, for the slot the pause frees, and answers the batch as `claimed`; no other answer
   * claims anything. A store without that ignores `claim`.
   *
   * With `options.early` the caller sent the pause without waiting for the registrations of the waited
   * ids to be answered (they went first on the same connection): a waited id the store does not know is
   * then one whose registration has not arrived, not one retention purged. The store changes nothing
   * and answers `{ open: [], unregistered: id }`; the caller waits for its registrations and pauses
   * again without `early`. Every implementation must honour `early`.
   */
  recordAndPause?(
    waiterId: string,
    waitedIds: readonly string[],
    runnerId: string,
    at: number,
    options?: PauseOptions,
  ): Awaitable<StorePause>;

  /**
   * Optional, for a store over the network: a PAUSED invocation whose waits are over, taken up at once
   * by its owner, which has a slot for it: `transition` to RESUMED then `resume`, in one atomic step (both
   * history entries). Returns the RUNNING record, or undefined when it is left RESUMED (its running key
   * is held). Throws as `transition` to RESUMED does when that move is refused (nothing changed).
   */
  resumeFromPause?(id: string, runnerId: string, at: number): Awaitable<StatusRecord | undefined>;

  /** Invocations claimed or running under this running key. */
  runningKeyHolders(runningKey: string): Awaitable<string[]>;
  /** Invocations in CONCURRENCY_CONTROLLED waiting for this running key. */
  parkedOn(runningKey: string): Awaitable<string[]>;
  /** The latest successful invocation registered with this cacheKey, while it is kept. */
  cachedResult(cacheKey: string): Awaitable<string | undefined>;

  /**
   * A reader outside any invocation is about to read this invocation's result (it awaits it before
   * it finished): retention keeps it until the matching `unpin`. Counted: two pins need two unpins.
   * A backend shared across processes should let a pin expire, so a process that dies while reading
   * does not keep the invocation forever.
   */
  pin(id: string): Awaitable<void>;
  /** Let go of one `pin` of this invocation (its result was read, or the read gave up). */
  unpin(id: string): Awaitable<void>;

  /**
   * Retention: forget finished invocations (status and history) that became final before `olderThan`
   * (epoch ms), and all but the `keepNewest` most recently finished. Returns the ids forgotten, so the
   * state backend can drop their records and results too.
   *
   * Never forgets a result somebody has not read yet: a finished invocation with a wait edge pointing
   * at it (a waiter that has not dropped it) or a `pin` is skipped, checked in the same atomic step, and
   * forgotten by a later call once let go (it is then due, whatever finished since). `keep` names more
   * ids to skip the same way: results awaited in the calling process whose wait is not recorded yet.
   */
  purgeFinished(olderThan: number, keepNewest: number, keep?: IdSet): Awaitable<string[]>;

  /** How many invocations are in each status (monitoring); statuses with none may be left out. */
  countByStatus(): Awaitable<Partial<Record<InvocationStatus, number>>>;

  // Runner registry and recovery (see orchestrator/recovery.ts). Only backends shared across processes
  // need them to do anything useful; the memory backend keeps them for tests and `tynenc status`.

  /** Record that a runner is alive: inserts it the first time, else updates its `heartbeatAt`. */
  heartbeat(runner: RunnerInfo): Awaitable<void>;
  /** Forget a runner (it stopped, or it was found dead and its invocations recovered). */
  removeRunner(runnerId: string): Awaitable<void>;
  /** Every runner that sent a heartbeat and was not removed, with its last heartbeat time. */
  runners(): Awaitable<RunnerInfo[]>;
  /**
   * Take or renew the lease `name` for `holder` until `until` (epoch ms), atomically: granted when
   * nobody holds it, its holder's lease ended before `at`, or `holder` holds it already. True if held.
   */
  acquireLease(name: string, holder: string, at: number, until: number): Awaitable<boolean>;
  /** Non-final invocations owned by any of these runners (PENDING, RUNNING, PAUSED, RESUMED). */
  ownedBy(runnerIds: readonly string[]): Awaitable<string[]>;

  purge(): Awaitable<void>;
}

/** What `recordAndPause` did (see there). */
export interface StorePause {
  readonly open: readonly string[];
  readonly cycle?: readonly string[];
  readonly unchecked?: true;
  /** What the pause claimed for the slot it frees, when asked to (see `recordAndPause`). */
  readonly claimed?: ClaimBatch;
  /** Under `early`: a waited id not stored yet; nothing changed (see `recordAndPause`). */
  readonly unregistered?: string;
}

/** See `OrchestratorStore.recordAndPause`. */
export interface PauseOptions {
  readonly claim?: FinishClaim | undefined;
  readonly early?: boolean;
}

/** A runner as the registry knows it (`tynenc status` lists them; recovery finds the dead ones). */
export interface RunnerInfo {
  readonly runnerId: string;
  /** The runner class, e.g. "ThreadRunner". */
  readonly cls: string;
  readonly hostname: string;
  readonly pid: number;
  readonly startedAt: number;
  /** Time of its latest heartbeat (epoch ms). */
  readonly heartbeatAt: number;
}

/** What `purgeFinished` needs of a set of ids: membership only (a Set or a Map will do). */
export interface IdSet {
  has(id: string): boolean;
}
