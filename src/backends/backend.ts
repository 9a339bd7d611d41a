import type { Broker } from "../broker/broker.js";
import type { DataStore } from "../data-store/data-store.js";
import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";
import type { InvocationStatus } from "../invocation/status.js";
import type { Notifier } from "../orchestrator/notifier.js";
import type { NewStatus, OrchestratorStore } from "../orchestrator/orchestrator-store.js";
import type { StateBackend } from "../state-backend/state-backend.js";
import type { TriggerStore } from "../triggers/trigger-store.js";

/** Everything a technology provides, built by one factory (`memoryBackend()`, later `sqliteBackend()`...). */
export interface Backend {
  readonly name: string;
  /** False when everything lives in this process (only in-process runners can use it). */
  readonly sharedAcrossProcesses: boolean;
  readonly broker: Broker;
  readonly orchestratorStore: OrchestratorStore;
  readonly stateBackend: StateBackend;
  readonly notifier: Notifier;
  /** Large arguments and results, stored once by content hash. */
  readonly dataStore: DataStore;
  /** Composite-trigger parts and cron ticks (src/triggers). */
  readonly triggerStore: TriggerStore;
  /**
   * Make this process's writes visible to other processes now, if the backend holds them back to group
   * them (SQLite commits once per event-loop turn). Runners call it before task code runs, so
   * synchronous task code never keeps the store locked for other processes.
   */
  flush?(): void;
  /**
   * Optional, for a backend over the network: `orchestratorStore.register` (items without registration or
   * cache keys), `stateBackend.saveInvocations` and `broker.route` of the same batch, in one atomic step
   * per chunk of it, in batch order. `stored(from, to)` is called once a chunk (`items.slice(from, to)`)
   * is stored and routed, so it can be announced before the rest are in. Without it, the orchestrator
   * makes the three calls in turn (memory and SQLite answer each at once).
   */
  registerAndRoute?(
    items: readonly NewStatus[],
    records: readonly InvocationRecord[],
    runnerId: string | null,
    at: number,
    stored: (from: number, to: number) => void,
  ): Promise<void>;
  /**
   * Settles once a backend with a network connection is usable; rejects with a BackendError that says
   * what is wrong (host, port, password). Absent on embedded backends.
   */
  readonly ready?: Promise<void>;
  /**
   * Optional, for network stores: the whole of `Orchestrator.claim` in one round trip. Claims up to
   * `max` invocations for `runnerId` at `at`, in the claim order of DESIGN section 3: the wait graph's
   * ready ones first (`waitedOnRunnable`, ranked by `countWaiters` when more than `max` of the first
   * `window`), then the broker queue in order, dropping queue entries that are not runnable any more.
   * Each claim is validated and written with its history entry as `OrchestratorStore.claim` does; with
   * `running`, each claimed one moves on to RUNNING in the same step (two history entries). Runnable
   * ones whose running key is held are not claimed but returned in `blocked` (popped from the queue:
   * the caller parks them). Returns the claimed ones' records (what `getInvocations` returns). A call a
   * driver sends again (after a reconnect) is answered as first made, never claiming twice. Without it,
   * the orchestrator makes one call per step (memory and SQLite answer at once).
   */
  claimNext?(runnerId: string, max: number, at: number, options: ClaimOptions): Promise<ClaimBatch>;
  /**
   * Optional, for network stores: `StateBackend.setOutcome(id, outcome, unowned)` then
   * `OrchestratorStore.transition(id, status, runnerId, now, { clearWaits: true })` in one atomic step
   * (the outcome is stored even when the move is refused, as the two calls would leave it). Calls made
   * in one event-loop turn may share a round trip. Rejects as `transition` throws (CancelRequestedError
   * under a cancel request, StatusTransitionError, ...). Without it, the orchestrator makes both calls.
   */
  finishFinal?(item: FinishItem): Promise<void>;
  /**
   * Optional, with `finishFinal` (network stores): `finishFinal(item)` and, once that finish is
   * accepted, `claimNext(item.runnerId, claim.max, ...)` for the slot it frees, in the same atomic step
   * and round trip (a runner at one slot then makes one round trip per invocation, not two). Nothing is
   * claimed when the finish is refused (it rejects as `finishFinal` does: the invocation is still
   * RUNNING and holds its slot). A backend may resume, in the same step, one of `claim.resume` whose
   * waits the finish ended, and answer it in `resumed`; it claims nothing when a paused waiter of
   * `item.runnerId` it did not resume has its waits over (a waiter that resumes comes before new work),
   * else claims as for any finish (a child whose parent still waits for a sibling). Finishes of one
   * event-loop turn may share a round trip.
   */
  finishAndClaim?(item: FinishItem, claim: FinishClaim): Promise<ClaimBatch>;
  /**
   * Optional (network stores): how long app.close() waits, in all, for what is still being written and
   * sent; the deadline it passes to `close` ends at this from when it began to wait.
   */
  readonly closeGraceMs?: number;
  /**
   * Optional (network stores): since when (a `performance.now()` time) the store has been unreachable,
   * undefined while it is reachable. app.close() does not wait a second grace for an outage that a
   * runner's stop has already waited out.
   */
  unreachableSince?(): number | undefined;
  /**
   * Releases the backend's resources. `deadline` (a `performance.now()` time, with `closeGraceMs`): past
   * it a network store stops waiting for its sends and drops its connections (what still waits fails).
   */
  close(deadline?: number): Promise<void>;
}

export interface FinishItem {
  readonly id: string;
  readonly outcome: Outcome;
  readonly runnerId: string | null;
  /** The final status it moves to. */
  readonly status: InvocationStatus;
  /** Finished from outside any owner (a cancel): an outcome already stored is kept (`setOutcome`). */
  readonly unowned: boolean;
}

export interface ClaimOptions {
  /**
   * How many of the ready set to look at: to rank (the first ones, longest ready first), or, where the
   * store keeps it in claim order (Redis), to pass over when some cannot be claimed (not due yet).
   */
  readonly window: number;
  /** Move the claimed ones on to RUNNING too (the caller starts them at once). */
  readonly running: boolean;
}

/** What `finishAndClaim` claims for `item.runnerId` once the finish is accepted. */
export interface FinishClaim extends ClaimOptions {
  /** How many to claim at most (the slots the finish frees). */
  readonly max: number;
  /**
   * Paused waiters of `item.runnerId` the store may resume in the slot the finish frees instead (see
   * `ClaimBatch.resumed`): each paused by a pause whose answer the runner has seen, so that it can
   * hand it the slot. One whose waits the finish did not end, or that is no longer PAUSED, stays as it is.
   */
  readonly resume?: readonly string[];
}

export interface ClaimBatch {
  readonly records: InvocationRecord[];
  /** Runnable but not claimed: their running key is held by a claimed or running invocation. */
  readonly blocked: string[];
  /** The call stopped early on many stale queue entries: call again for the rest of `max`. */
  readonly more: boolean;
  /**
   * `finishAndClaim` only: paused waiters of the claiming runner that the finish resumed in the slot it
   * frees (PAUSED -> RESUMED -> RUNNING in the same step): the finished one was the last they waited
   * for. They count against `max`; the runner hands them that slot.
   */
  readonly resumed?: readonly string[];
}
