import type { Backend } from "../backends/backend.js";
import { CancelRequestedError, InvocationNotFoundError } from "../errors/errors.js";
import type { TynencEvents } from "../events.js";
import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";
import {
  FINAL_STATUSES,
  InvocationStatus,
  type HistoryEntry,
  type StatusRecord,
} from "../invocation/status.js";
import type { Logger, SafeEmitter } from "../logging/index.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";
import { flow, type Flow } from "../util/flow.js";
import type { ConcurrencyKeys } from "../concurrency/concurrency-policy.js";
import { ConcurrencyControl, newStatusOf } from "./concurrency-control.js";
import { Lifecycle } from "./lifecycle.js";
import { Waits, type PauseAnswer } from "./waits.js";
import type { Unsubscribe } from "./notifier.js";
import { rankByWaiters } from "./priority.js";
import { FinalEvents } from "./final-events.js";
import { emitStatus } from "./status-events.js";
import { watchFinals, whenAllFinal, type FinalWatch } from "./when-all-final.js";
import type { IdSet, PauseOptions } from "./orchestrator-store.js";
import { recoveryPass, type RecoveryLimits, type RecoveryReport } from "./recovery.js";
import { anyDelayed, anyNotDue, dueCandidates, routeWhenDue } from "./due-times.js";

const S = InvocationStatus;

const CLEAR_WAITS = { clearWaits: true } as const;

/** Candidates fetched from the wait graph per claim, so the ranking sees more than it hands out. */
const PRIORITY_WINDOW = 64;

/** A claim a runner asks of a store call that frees a slot: how many, and whether straight to RUNNING. */
export interface RunnerClaim {
  readonly max: number;
  readonly running: boolean;
}

/** What the orchestrator asks of the app: settings and task policies it applies. */
export interface OrchestratorHooks {
  retention(): RetentionPolicy;
  /** Does this task's running concurrency re-queue held-back invocations (else drop them)? */
  reroutesOnConcurrency(taskId: string): boolean;
  /** The stored outcome of an invocation ended with `error`. */
  failureOutcome(error: Error): Awaitable<Outcome>;
}

export interface RetentionPolicy {
  /** Finished invocations older than this (ms since final) are purged. */
  readonly retentionMs: number;
  /** At most this many finished invocations are kept. */
  readonly retentionMaxFinished: number;
}

/**
 * The core of orchestration, written once over the backend interfaces: registration, the claim order,
 * pause and resume, finishing, killing. Backends only store; every rule lives here or in status.ts.
 * Steps are generator flows (util/flow.ts), so with in-process stores they run without a promise.
 * Concurrency rules live in concurrency-control.ts, retry/cancel/kill/retention in lifecycle.ts.
 */
export class Orchestrator {
  private readonly concurrency: ConcurrencyControl;
  private readonly lifecycle: Lifecycle;
  private readonly waits: Waits;
  /** "Finished here" for this process's waiters, when the notifier does not deliver in process. */
  private readonly localFinals: FinalEvents | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly logger: Logger,
    private readonly events: SafeEmitter<TynencEvents>,
    hooks: OrchestratorHooks,
  ) {
    this.localFinals = backend.notifier.inProcess ? undefined : new FinalEvents();
    this.concurrency = new ConcurrencyControl(this, backend, logger, hooks);
    this.lifecycle = new Lifecycle(this, backend, logger, hooks);
    this.waits = new Waits(this, backend, logger, events);
  }

  private get store() {
    return this.backend.orchestratorStore;
  }

  register(records: readonly InvocationRecord[], runnerId: string | null): Awaitable<void> {
    return flow(this.registerFlow(records, runnerId));
  }

  private *registerFlow(records: readonly InvocationRecord[], runnerId: string | null): Flow<void> {
    const at = Date.now();
    const items = records.map((r) => newStatusOf(r));
    // Delayed calls take the generic path, which routes each at its due time (the bundle routes at once).
    if (this.backend.registerAndRoute && !anyDelayed(records)) {
      // One round trip per chunk instead of three (status, record, route) for the whole batch.
      yield this.backend.registerAndRoute(items, records, runnerId, at, (from, to) =>
        this.announceRegistered(
          from === 0 && to === records.length ? records : records.slice(from, to),
          runnerId,
          at,
        ),
      );
      return;
    }
    yield this.store.register(items, runnerId, at);
    yield* this.storeAndRoute(records, runnerId, at);
  }

  /**
   * The second half of a registration, once the statuses are in: store the records, announce them and
   * queue them. Routed only once everything about an invocation is stored, so a claim always finds it.
   */
  *storeAndRoute(records: readonly InvocationRecord[], runnerId: string | null, at: number): Flow<void> {
    const ids = records.map((r) => r.id);
    yield this.backend.stateBackend.saveInvocations(records);
    emitStatus(this.events, ids, S.REGISTERED, runnerId, at);
    if (anyDelayed(records)) yield* routeWhenDue(this.backend.broker, records, ids, this.logger);
    else yield this.backend.broker.route(ids);
    this.logRegistered(records);
    // Delayed ones too: a runner elsewhere that looks learns their due time and keeps the timer for it,
    // so they run when due even if this process (maybe a client without runners) has exited by then.
    this.backend.notifier.publishWork();
  }

  /** Registered, stored and routed in one step (`Backend.registerAndRoute`): tell listeners and runners. */
  private announceRegistered(
    records: readonly InvocationRecord[],
    runnerId: string | null,
    at: number,
  ): void {
    if (this.events.hasListeners("invocation:status")) {
      emitStatus(
        this.events,
        records.map((r) => r.id),
        S.REGISTERED,
        runnerId,
        at,
      );
    }
    this.logRegistered(records);
    this.backend.notifier.publishWork();
  }

  private logRegistered(records: readonly InvocationRecord[]): void {
    if (!this.logger.isEnabled("debug")) return;
    for (const r of records) {
      this.logger.debug(`REGISTERED ${r.taskId}`, { invocation: r.id, parent: r.parentId ?? undefined });
    }
  }

  async getRecord(id: string): Promise<InvocationRecord> {
    const record = await this.backend.stateBackend.getInvocation(id);
    if (!record) {
      throw new InvocationNotFoundError(
        `No invocation with id ${id} in backend "${this.backend.name}": it belongs to another app or backend, or it finished and retention purged it (see retentionMs, retentionMaxFinished)`,
      );
    }
    return record;
  }

  status(id: string): Awaitable<StatusRecord | undefined> {
    return this.store.getStatus(id);
  }

  history(id: string): Awaitable<HistoryEntry[]> {
    return this.store.getHistory(id);
  }

  outcome(id: string): Awaitable<Outcome | undefined> {
    return this.backend.stateBackend.getOutcome(id);
  }

  /** One validated status change (see status.ts), announced to `invocation:status` listeners. */
  transition(
    id: string,
    to: InvocationStatus,
    runnerId: string | null,
    options?: { clearWaits?: boolean },
  ): Awaitable<StatusRecord> {
    return this.announced(id, to, runnerId, this.store.transition(id, to, runnerId, Date.now(), options));
  }

  /**
   * RESUMED -> RUNNING for `runnerId`, only if no claimed or running invocation holds the invocation's
   * running-concurrency key (checked and applied atomically by the store). Returns the new record,
   * announced to `invocation:status` listeners, or undefined when the key is held (nothing changed).
   */
  resume(id: string, runnerId: string): Awaitable<StatusRecord | undefined> {
    return this.announced(id, S.RUNNING, runnerId, this.store.resume(id, runnerId, Date.now()));
  }

  /** Whether `resumeFromPause` is one store call (then a runner with a free slot uses it). */
  get resumesInOneStep(): boolean {
    return this.store.resumeFromPause !== undefined;
  }

  /**
   * PAUSED -> RESUMED -> RUNNING for `runnerId` in one store call, where the store offers it (see
   * `OrchestratorStore.resumeFromPause`). Returns the RUNNING record, or undefined when it was left
   * RESUMED (its running key is held), each move announced to `invocation:status` listeners.
   */
  resumeFromPause(id: string, runnerId: string): Awaitable<StatusRecord | undefined> {
    const at = Date.now();
    const answer = this.store.resumeFromPause!(id, runnerId, at);
    if (!this.events.hasListeners("invocation:status")) return answer;
    const announce = (record: StatusRecord | undefined) => {
      emitStatus(this.events, [id], S.RESUMED, runnerId, at);
      if (record) emitStatus(this.events, [id], S.RUNNING, runnerId, at);
      return record;
    };
    return isPromise(answer) ? answer.then(announce) : announce(answer);
  }

  /**
   * Claim up to `max` invocations for `runnerId` (moved to PENDING): first those others wait for, the
   * most waited-on first, then the broker queue in order. Stale queue entries are dropped. With
   * `running` and a backend that claims in one call (`claimsRunning`), they move on to RUNNING too.
   */
  claim(runnerId: string, max: number, running = false): Awaitable<InvocationRecord[]> {
    if (max <= 0) return [];
    if (this.backend.claimNext) return this.claimNext(runnerId, max, running);
    return flow(this.claimFlow(runnerId, max));
  }

  /** Whether `claim(..., running = true)` moves what it claims to RUNNING (see `Backend.claimNext`). */
  get claimsRunning(): boolean {
    return this.backend.claimNext !== undefined;
  }

  private *claimFlow(runnerId: string, max: number): Flow<InvocationRecord[]> {
    const candidates = (yield this.store.waitedOnRunnable(Math.max(max, PRIORITY_WINDOW))) as string[];
    let claimed: string[] = [];
    /** The records of what was claimed from the wait graph, read before (to skip calls not due yet). */
    let records: InvocationRecord[] = [];
    if (candidates.length > 0) {
      const ranked = candidates.length > max ? yield* rankByWaiters(this.store, candidates) : candidates;
      const first = ranked.length > max ? ranked.slice(0, max) : ranked;
      let due = (yield this.backend.stateBackend.getInvocations(first)) as InvocationRecord[];
      let dueIds: readonly string[] = first;
      if (due.length !== first.length || anyNotDue(due)) {
        if (anyNotDue(due)) due = yield* dueCandidates(this.backend.stateBackend, ranked, max, due);
        dueIds = due.map((r) => r.id);
      }
      const blocked: string[] = [];
      claimed = (yield this.store.claim(dueIds, runnerId, Date.now(), blocked)) as string[];
      if (blocked.length > 0) yield* this.concurrency.holdBack(blocked, runnerId);
      records = claimed.length === due.length ? due : only(due, claimed);
    }
    while (claimed.length < max) {
      const ids = (yield this.backend.broker.retrieve(max - claimed.length)) as string[];
      if (ids.length === 0) break;
      // Stale and duplicate queue entries (already claimed through the wait graph) are skipped here.
      const blocked: string[] = [];
      const taken = (yield this.store.claim(ids, runnerId, Date.now(), blocked)) as string[];
      for (const id of taken) claimed.push(id);
      if (blocked.length > 0) yield* this.concurrency.holdBack(blocked, runnerId);
    }
    if (claimed.length === 0) return [];
    emitStatus(this.events, claimed, S.PENDING, runnerId, Date.now());
    if (records.length === claimed.length) return records;
    const fromQueue = records.length === 0 ? claimed : claimed.slice(records.length);
    const rest = (yield this.backend.stateBackend.getInvocations(fromQueue)) as InvocationRecord[];
    return records.length === 0 ? rest : records.concat(rest);
  }

  /** `claim` through `Backend.claimNext`: one round trip per call (more only past stale entries). */
  private async claimNext(runnerId: string, max: number, running: boolean): Promise<InvocationRecord[]> {
    const claimNext = this.backend.claimNext!.bind(this.backend);
    const window = Math.max(max, PRIORITY_WINDOW);
    let records: InvocationRecord[] = [];
    for (;;) {
      const at = Date.now();
      const batch = await claimNext(runnerId, max - records.length, at, { window, running });
      if (batch.blocked.length > 0) await flow(this.concurrency.holdBack(batch.blocked, runnerId));
      if (batch.records.length > 0) {
        const ids = batch.records.map((r) => r.id);
        emitStatus(this.events, ids, S.PENDING, runnerId, at);
        if (running) emitStatus(this.events, ids, S.RUNNING, runnerId, at);
        records = records.length === 0 ? batch.records : records.concat(batch.records);
      }
      if (!batch.more || records.length >= max) return records;
      if (this.logger.isEnabled("debug")) this.logger.debug("Claim dropped many stale queue entries; again");
    }
  }

  /**
   * An invocation under `runningKey` stopped running (finished, paused, retried, killed): if nothing
   * else holds the key, send the ones parked on it back to the queue.
   */
  releaseRunningKey(runningKey: string, runnerId: string): Awaitable<void> {
    return flow(this.concurrency.releaseKeyFlow(runningKey, runnerId));
  }

  /**
   * Register one invocation whose task decides at the call which invocation it gets (registration
   * concurrency, result cache): the latest success of the same call, an unfinished one of the same
   * scope, or this new one. Returns the id the call stands for and whether it was reused.
   */
  registerNow(
    record: InvocationRecord,
    keys: ConcurrencyKeys,
    runnerId: string | null,
  ): Awaitable<{ id: string; reused: boolean }> {
    return flow(this.concurrency.registerNowFlow(record, keys, runnerId));
  }

  /** A task awaits `waitedIds`: record the wait edges (see `Waits.record`). Then `pause`. */
  recordWaits(waiterId: string, waitedIds: readonly string[]): Awaitable<void> {
    return flow(this.waits.record(waiterId, waitedIds));
  }

  /** After `recordWaits`: RUNNING -> PAUSED if any is unfinished (see `Waits.pause`). */
  pause(waiterId: string, waitedIds: readonly string[], runnerId: string): Awaitable<PauseAnswer> {
    return flow(this.waits.pause(waiterId, waitedIds, runnerId));
  }

  /** Whether `recordAndPause` is one store call (then the runner uses it instead of the two steps). */
  get pausesInOneStep(): boolean {
    return this.waits.inOneStep;
  }

  /** Whether `recordAndPause` can claim for the slot its pause frees (a store that claims in one call). */
  get pausesClaiming(): boolean {
    return this.waits.inOneStep && this.backend.claimNext !== undefined;
  }

  /**
   * `recordWaits` and `pause` in one store call, where the store offers it (see `pausesInOneStep`).
   * With `claim` (only where `pausesClaiming`): a pause that frees the waiter's slot also claims up to
   * `claim.max` for `runnerId` in that call, as `claim` does, and answers them as `claimed` for the
   * caller to start in that slot (a recursive task's parent hands its slot to the child it awaits in
   * one round trip).
   */
  recordAndPause(
    waiterId: string,
    waitedIds: readonly string[],
    runnerId: string,
    options: { readonly claim?: RunnerClaim; readonly early?: boolean } = {},
  ): Awaitable<PauseAnswer> {
    const { claim, early = false } = options;
    const full = claim && { ...claim, window: Math.max(claim.max, PRIORITY_WINDOW) };
    return flow(this.pauseAndClaimFlow(waiterId, waitedIds, runnerId, { claim: full, early }));
  }

  private *pauseAndClaimFlow(
    waiterId: string,
    waitedIds: readonly string[],
    runnerId: string,
    options: PauseOptions,
  ): Flow<PauseAnswer> {
    const claim = options.claim;
    const paused = yield* this.waits.recordAndPause(waiterId, waitedIds, runnerId, options);
    const { claimed: batch, ...answer } = paused;
    if (!claim || !batch || (batch.records.length === 0 && batch.blocked.length === 0)) return answer;
    const at = Date.now();
    if (batch.records.length > 0) {
      const ids = batch.records.map((r) => r.id);
      emitStatus(this.events, ids, S.PENDING, runnerId, at);
      if (claim.running) emitStatus(this.events, ids, S.RUNNING, runnerId, at);
    }
    // The pause and the claim are stored: what is claimed goes back to the runner at once (it frees the
    // waiter's slot and starts them in it, before anything else can end the waiter), and what the claim
    // found blocked is held back meanwhile.
    if (batch.blocked.length > 0) {
      const failed = (error: unknown) =>
        this.logger.warn("Paused, but holding back what the claim found blocked failed", { waiterId, error });
      try {
        const held = flow(this.concurrency.holdBack(batch.blocked, runnerId));
        if (isPromise(held)) held.catch(failed);
      } catch (error) {
        failed(error);
      }
    }
    return { ...answer, claimed: batch.records };
  }

  /** Forget the wait edges leaving `waiterId` (it ended while they were being recorded). */
  dropWaits(waiterId: string): Awaitable<void> {
    return this.store.removeWaitsOf(waiterId);
  }

  /** Results awaited by tasks here whose wait is not recorded yet: retention skips them. */
  get awaitedHere(): IdSet {
    return this.waits.awaited;
  }

  /** A task awaits `id`: kept from retention until `releaseAwaited` (its wait edge is in by then). */
  holdAwaited(id: string): void {
    this.waits.hold(id);
  }

  releaseAwaited(ids: Iterable<string>): void {
    this.waits.release(ids);
  }

  /** A result awaited outside any task: kept from retention until `unpinResult` (`OrchestratorStore.pin`). */
  pinResult(id: string): Awaitable<void> {
    return this.store.pin(id);
  }

  /** The pinned result was read, or the read gave up. Never throws: a failed unpin only keeps it longer. */
  unpinResult(id: string): void {
    this.waits.unpin(id);
  }

  /**
   * Calls `listener` once every id in `ids` is final. Subscribes before checking, so a status reached in
   * between is never missed; may call `listener` before returning. Returns a cancel function.
   */
  whenAllFinal(ids: readonly string[], listener: () => void): Unsubscribe {
    return whenAllFinal(this.backend, this.logger, ids, listener, this.localFinals);
  }

  /**
   * Listens for the finals of `ids` from now on, ahead of a one-call pause that tells which are open:
   * `then(open, listener)` is then `whenAllFinal(open, listener)` without its status read (see
   * when-all-final.ts).
   */
  watchFinals(ids: readonly string[]): FinalWatch {
    return watchFinals(this.backend, ids, this.localFinals);
  }

  /**
   * Store the outcome, move to a final status (SUCCESS/FAILED by the outcome, or the one given), release
   * the wait graph and wake whoever waits. `unowned`: finished from outside any owner (a cancel), so an
   * outcome an owner stored meanwhile is kept, and the final move (refused then) decides.
   */
  finish(
    id: string,
    outcome: Outcome,
    runnerId: string | null,
    status?: InvocationStatus,
    unowned = false,
  ): Awaitable<void> {
    // Every invocation ends here: steps chained directly while the stores answer at once.
    const final = status ?? (outcome.ok ? S.SUCCESS : S.FAILED);
    if (this.backend.finishFinal) return this.finishInOne(id, outcome, runnerId, final, unowned);
    const saved = this.backend.stateBackend.setOutcome(id, outcome, unowned);
    if (isPromise(saved)) return saved.then(() => this.finalize(id, final, runnerId));
    return this.finalize(id, final, runnerId);
  }

  /** `finish` through `Backend.finishFinal`: the outcome and the final move in one round trip. */
  private finishInOne(
    id: string,
    outcome: Outcome,
    runnerId: string | null,
    status: InvocationStatus,
    unowned: boolean,
  ): Promise<void> {
    const item = { id, outcome, runnerId, status, unowned };
    return this.backend.finishFinal!(item).then(
      () => {
        emitStatus(this.events, [id], status, runnerId, Date.now());
        return this.finished(id);
      },
      (error: unknown) => this.cancelledInstead(error, id, runnerId),
    );
  }

  /** Whether `finishAndClaim` is offered (a backend that finishes and claims in one call). */
  get finishesClaiming(): boolean {
    return this.backend.finishAndClaim !== undefined;
  }

  /**
   * `finish` by its owner `runnerId`, and, once that finish is accepted, `claim(runnerId, max, running)`
   * for the slot it frees, in one store call (see `Backend.finishAndClaim`): the caller starts what comes
   * back in that slot. A finish refused under a cancel request ends CANCELLED and claims nothing; nothing
   * is claimed either when others wait for the finished one (their resume comes first). Those of
   * `resume.waiters` (paused here) the store resumed in that slot instead are told to `resume.resumed` as
   * soon as the store answers, before the finished one's final event. Only where `finishesClaiming`.
   */
  finishAndClaim(
    id: string,
    outcome: Outcome,
    runnerId: string,
    max: number,
    running: boolean,
    resume?: { readonly waiters: readonly string[]; readonly resumed: (ids: readonly string[]) => void },
  ): Promise<InvocationRecord[]> {
    const status = outcome.ok ? S.SUCCESS : S.FAILED;
    const item = { id, outcome, runnerId, status, unowned: false };
    const window = Math.max(max, PRIORITY_WINDOW);
    const claim = { max, window, running, ...(resume ? { resume: resume.waiters } : {}) };
    return this.backend.finishAndClaim!(item, claim).then(
      async (batch) => {
        const at = Date.now();
        emitStatus(this.events, [id], status, runnerId, at);
        if (batch.records.length > 0) {
          const ids = batch.records.map((r) => r.id);
          emitStatus(this.events, ids, S.PENDING, runnerId, at);
          if (running) emitStatus(this.events, ids, S.RUNNING, runnerId, at);
        }
        const waiters = batch.resumed ?? [];
        if (waiters.length > 0) {
          emitStatus(this.events, waiters, S.RESUMED, runnerId, at);
          emitStatus(this.events, waiters, S.RUNNING, runnerId, at);
          // Before the finished one's final event: they go on in its slot, not through their own resume.
          resume?.resumed(waiters);
        }
        // The finish and the claim are stored: what is claimed goes back to the runner whatever fails
        // after them, or it would stay RUNNING with nobody running it; and the waiters here are woken
        // even if holding back what the claim found blocked fails.
        const failed = (error: unknown) =>
          this.logger.warn("Finished, but what came after the finish failed", { invocation: id, error });
        try {
          if (batch.blocked.length > 0) await flow(this.concurrency.holdBack(batch.blocked, runnerId));
        } catch (error) {
          failed(error);
        }
        try {
          await this.finished(id);
        } catch (error) {
          failed(error);
        }
        return batch.records;
      },
      async (error: unknown) => {
        await this.cancelledInstead(error, id, runnerId);
        return [];
      },
    );
  }

  private finalize(id: string, status: InvocationStatus, runnerId: string | null): Awaitable<void> {
    let moved: Awaitable<StatusRecord>;
    try {
      moved = this.transition(id, status, runnerId, CLEAR_WAITS);
    } catch (error) {
      return this.cancelledInstead(error, id, runnerId);
    }
    if (isPromise(moved)) {
      return moved.then(
        () => this.finished(id),
        (error: unknown) => this.cancelledInstead(error, id, runnerId),
      );
    }
    return this.finished(id);
  }

  /** Its owner's end was refused because a cancel was requested (`requestCancel`): it ends CANCELLED. */
  private cancelledInstead(error: unknown, id: string, runnerId: string | null): Awaitable<void> {
    if (!(error instanceof CancelRequestedError)) throw error;
    if (this.logger.isEnabled("debug"))
      this.logger.debug("Cancel requested: CANCELLED instead", { invocation: id });
    return flow(this.lifecycle.finishCancelledFlow(id, runnerId, false));
  }

  private finished(id: string): Awaitable<void> {
    this.localFinals?.publish(id); // waiters in this process first, without the round trip
    this.backend.notifier.publishFinal(id);
    if (!this.lifecycle.purgeDue()) return;
    const purged = flow(this.lifecycle.purgeFlow());
    return isPromise(purged) ? purged.then(() => undefined) : undefined;
  }

  /** Whether the backend holds writes back to group them (see `Backend.flush`). */
  get groupsWrites(): boolean {
    return this.backend.flush !== undefined;
  }

  /** Task code is about to run: let other processes see what this one wrote (see `Backend.flush`). */
  flush(): void {
    this.backend.flush?.();
  }

  /** Ids of the finished invocations still kept (for monitoring and tests). */
  findFinished(): Awaitable<string[]> {
    return this.store.findByStatus(FINAL_STATUSES);
  }

  /** Apply retention now: forget finished invocations beyond the configured age and count. */
  purgeFinished(): Awaitable<string[]> {
    return flow(this.lifecycle.purgeFlow());
  }

  /**
   * A failed attempt that will be retried: RUNNING -> RETRY (the owner lets go; the history keeps each
   * attempt), then back in the queue once `delayMs` has passed. Whoever waits for it keeps waiting.
   */
  retry(id: string, runnerId: string, delayMs: number): Awaitable<void> {
    return flow(this.lifecycle.retryFlow(id, runnerId, delayMs));
  }

  /** How many attempts of this invocation failed and were retried so far. */
  retriesSoFar(id: string): Awaitable<number> {
    return this.lifecycle.retriesSoFar(id);
  }

  /**
   * Cancel an invocation and, first, the invocations only it waits for. An unowned one (queued, retrying)
   * is cancelled here; an owned one (claimed, running, paused) by its owner, told through the notifier.
   * Returns false if it was already final.
   */
  cancel(id: string): Awaitable<boolean> {
    return flow(this.lifecycle.cancelFlow(id));
  }

  /**
   * An invocation is ending early (timed out): cancel the invocations it waits for that no other
   * invocation waits for, and theirs in turn, as `cancel` does for its own.
   */
  cancelWaitedOnlyBy(id: string): Awaitable<void> {
    return flow(this.lifecycle.cancelWaitedOnlyByFlow(id));
  }

  /**
   * Runner shutdown: KILLED then REROUTED and back in the queue for another runner, or CANCELLED when a
   * cancel was asked for it meanwhile. Returns the status it ended in.
   */
  killAndReroute(id: string, runnerId: string): Promise<InvocationStatus> {
    return this.lifecycle.killAndReroute(id, runnerId);
  }

  /** Claimed by a runner that stops before running it: REROUTED to the queue (or CANCELLED, as above). */
  handBack(id: string, runnerId: string): Promise<InvocationStatus> {
    return this.lifecycle.handBack(id, runnerId);
  }

  /** Put an invocation already in a runnable status back in the queue, and wake the runners. */
  reroute(id: string): Promise<void> {
    return this.lifecycle.reroute(id);
  }

  /**
   * One recovery pass by `runnerId` at `now` (see recovery.ts): what dead runners owned, and what sat
   * PENDING too long, goes back to the queue. The caller holds the "recovery" lease.
   */
  recover(runnerId: string, now: number, limits: RecoveryLimits): Promise<RecoveryReport> {
    return recoveryPass(
      { orchestrator: this, backend: this.backend, logger: this.logger },
      runnerId,
      now,
      limits,
    );
  }

  /** A status change the store made (or, undefined, refused), told to `invocation:status` listeners. */
  private announced<R extends StatusRecord | undefined>(
    id: string,
    to: InvocationStatus,
    runnerId: string | null,
    result: Awaitable<R>,
  ): Awaitable<R> {
    if (!this.events.hasListeners("invocation:status")) return result;
    const announce = (record: R): R => {
      if (record)
        this.events.emit("invocation:status", { invocationId: id, status: to, runnerId, at: record.at });
      return record;
    };
    return isPromise(result) ? result.then(announce) : announce(result);
  }
}

/** The records of `ids`, in the order of `records`. */
function only(records: readonly InvocationRecord[], ids: readonly string[]): InvocationRecord[] {
  const kept = new Set(ids);
  return records.filter((r) => kept.has(r.id));
}
