import type { Backend } from "../backends/backend.js";
import { ConcurrencyControlledError, InvocationNotFoundError } from "../errors/errors.js";
import type { TynencEvents } from "../events.js";
import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";
import {
  FINAL_STATUSES,
  InvocationStatus,
  isFinal,
  isRunnable,
  type HistoryEntry,
  type StatusRecord,
} from "../invocation/status.js";
import type { Logger, SafeEmitter } from "../logging/index.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";
import { flow, type Flow } from "../util/flow.js";
import type { ConcurrencyKeys } from "../concurrency/concurrency-policy.js";
import type { Unsubscribe } from "./notifier.js";
import type { NewStatus } from "./orchestrator-store.js";
import { rankByWaiters } from "./priority.js";
import { findWaitCycle } from "./wait-cycle.js";

const S = InvocationStatus;

/** Candidates fetched from the wait graph per claim, so the ranking sees more than it hands out. */
const PRIORITY_WINDOW = 64;

/** Retention runs once per this many finished invocations: cheap, and no timer in an idle process. */
const PURGE_EVERY = 1000;

/** What the orchestrator asks of the app: settings and task policies it applies. */
export interface OrchestratorHooks {
  retention(): RetentionPolicy;
  /** Does this task's running concurrency re-queue held-back invocations (else drop them)? */
  reroutesOnConcurrency(taskId: string): boolean;
  /** The stored outcome of an invocation ended with `error`. */
  failureOutcome(error: Error): Outcome;
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
 * Store calls use `isPromise(r) ? await r : r` so in-process stores cost no extra promise.
 */
export class Orchestrator {
  private finishedSincePurge = 0;

  constructor(
    private readonly backend: Backend,
    private readonly logger: Logger,
    private readonly events: SafeEmitter<TynencEvents>,
    private readonly hooks: OrchestratorHooks,
  ) {}

  private get store() {
    return this.backend.orchestratorStore;
  }

  register(records: readonly InvocationRecord[], runnerId: string | null): Awaitable<void> {
    return flow(this.registerFlow(records, runnerId));
  }

  private *registerFlow(records: readonly InvocationRecord[], runnerId: string | null): Flow<void> {
    const at = Date.now();
    const ids = records.map((r) => r.id);
    yield this.backend.stateBackend.saveInvocations(records);
    yield this.store.register(
      records.map((r) => newStatusOf(r)),
      runnerId,
      at,
    );
    this.emitStatus(ids, S.REGISTERED, runnerId, at);
    // Routed only once everything about the invocation is stored, so a claim always finds it.
    yield this.backend.broker.route(ids);
    if (this.logger.isEnabled("debug")) {
      for (const r of records) {
        this.logger.debug(`REGISTERED ${r.taskId}`, { invocation: r.id, parent: r.parentId ?? undefined });
      }
    }
    this.backend.notifier.publishWork();
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

  statuses(ids: readonly string[]): Awaitable<(StatusRecord | undefined)[]> {
    return this.store.getStatuses(ids);
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
    const result = this.store.transition(id, to, runnerId, Date.now(), options);
    if (!this.events.hasListeners("invocation:status")) return result;
    if (isPromise(result)) return result.then((record) => this.announce(id, to, runnerId, record));
    return this.announce(id, to, runnerId, result);
  }

  /**
   * Claim up to `max` invocations for `runnerId` (moved to PENDING): first those others wait for, the
   * most waited-on first, then the broker queue in order. Stale queue entries are dropped.
   */
  claim(runnerId: string, max: number): Awaitable<InvocationRecord[]> {
    return max <= 0 ? [] : flow(this.claimFlow(runnerId, max));
  }

  private *claimFlow(runnerId: string, max: number): Flow<InvocationRecord[]> {
    const candidates = (yield this.store.waitedOnRunnable(Math.max(max, PRIORITY_WINDOW))) as string[];
    const ranked = candidates.length > max ? yield* rankByWaiters(this.store, candidates) : candidates;
    const first = ranked.slice(0, max);
    const claimed = first.length ? ((yield this.store.claim(first, runnerId, Date.now())) as string[]) : [];
    if (claimed.length < first.length) yield* this.holdBack(first, claimed, runnerId);
    while (claimed.length < max) {
      const ids = (yield this.backend.broker.retrieve(max - claimed.length)) as string[];
      if (ids.length === 0) break;
      // Stale and duplicate queue entries (already claimed through the wait graph) are skipped here.
      const taken = (yield this.store.claim(ids, runnerId, Date.now())) as string[];
      for (const id of taken) claimed.push(id);
      if (taken.length < ids.length) yield* this.holdBack(ids, taken, runnerId);
    }
    if (claimed.length === 0) return [];
    this.emitStatus(claimed, S.PENDING, runnerId, Date.now());
    return (yield this.backend.stateBackend.getInvocations(claimed)) as InvocationRecord[];
  }

  /**
   * Of `offered`, those neither claimed nor stale were held back by running concurrency: park them in
   * CONCURRENCY_CONTROLLED until their key frees (or drop them to CONCURRENCY_CONTROLLED_FINAL when
   * their task says so). A key that freed meanwhile is released at once, so nothing parks forever.
   */
  private *holdBack(offered: readonly string[], claimed: readonly string[], runnerId: string): Flow<void> {
    const taken = new Set(claimed);
    const rest = offered.filter((id) => !taken.has(id));
    const records = (yield this.store.getStatuses(rest)) as (StatusRecord | undefined)[];
    const blocked = rest.filter((_, i) => records[i] && isRunnable(records[i].status));
    if (blocked.length === 0) return;
    const keys = new Set<string>();
    for (const record of (yield this.backend.stateBackend.getInvocations(blocked)) as InvocationRecord[]) {
      if (record.runningKey === undefined) continue;
      try {
        if (this.hooks.reroutesOnConcurrency(record.taskId)) {
          yield this.transition(record.id, S.CONCURRENCY_CONTROLLED, runnerId);
          keys.add(record.runningKey);
        } else {
          const error = new ConcurrencyControlledError(
            `Invocation ${record.id} of task "${record.taskId}" was dropped: another invocation of its runningConcurrency scope was running (rerouteOnConcurrencyControl is false)`,
          );
          yield this.finish(
            record.id,
            this.hooks.failureOutcome(error),
            runnerId,
            S.CONCURRENCY_CONTROLLED_FINAL,
          );
        }
      } catch (error) {
        this.logger.debug("Held-back invocation moved on meanwhile", { invocation: record.id, error });
      }
    }
    for (const key of keys) yield* this.releaseKeyFlow(key, runnerId);
  }

  /**
   * An invocation under `runningKey` stopped running (finished, paused, retried, killed): if nothing
   * else holds the key, send the ones parked on it back to the queue.
   */
  releaseRunningKey(runningKey: string, runnerId: string): Awaitable<void> {
    return flow(this.releaseKeyFlow(runningKey, runnerId));
  }

  private *releaseKeyFlow(runningKey: string, runnerId: string): Flow<void> {
    if (((yield this.store.runningKeyHolders(runningKey)) as string[]).length > 0) return;
    const parked = (yield this.store.parkedOn(runningKey)) as string[];
    if (parked.length === 0) return;
    for (const id of parked) yield this.transition(id, S.REROUTED, runnerId);
    yield this.backend.broker.route(parked);
    this.backend.notifier.publishWork();
  }

  /** Whether an invocation under `runningKey` may run now (none claimed or running holds it). */
  runningKeyFree(runningKey: string): Awaitable<boolean> {
    const holders = this.store.runningKeyHolders(runningKey);
    return isPromise(holders) ? holders.then((h) => h.length === 0) : holders.length === 0;
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
    return flow(this.registerNowFlow(record, keys, runnerId));
  }

  private *registerNowFlow(
    record: InvocationRecord,
    keys: ConcurrencyKeys,
    runnerId: string | null,
  ): Flow<{ id: string; reused: boolean }> {
    if (keys.cacheKey !== undefined) {
      const cached = (yield this.store.cachedResult(keys.cacheKey)) as string | undefined;
      if (cached !== undefined) return { id: cached, reused: true };
    }
    const at = Date.now();
    const [existing] = (yield this.store.register([newStatusOf(record, keys)], runnerId, at)) as (
      string | undefined
    )[];
    if (existing !== undefined) return { id: existing, reused: true };
    yield this.backend.stateBackend.saveInvocations([record]);
    this.emitStatus([record.id], S.REGISTERED, runnerId, at);
    yield this.backend.broker.route([record.id]);
    if (this.logger.isEnabled("debug")) {
      this.logger.debug(`REGISTERED ${record.taskId}`, {
        invocation: record.id,
        parent: record.parentId ?? undefined,
      });
    }
    this.backend.notifier.publishWork();
    return { id: record.id, reused: false };
  }

  /**
   * RUNNING -> PAUSED, recording what it waits for. The edges go in first and the cycle check runs after,
   * so two waits racing to close a cycle both see it (and both fail) instead of both pausing forever.
   * Returns the cycle, in which case nothing changed, or undefined once paused.
   */
  pause(waiterId: string, waitedIds: readonly string[], runnerId: string): Awaitable<string[] | undefined> {
    return flow(this.pauseFlow(waiterId, waitedIds, runnerId));
  }

  private *pauseFlow(
    waiterId: string,
    waitedIds: readonly string[],
    runnerId: string,
  ): Flow<string[] | undefined> {
    yield this.store.addWaits(waiterId, waitedIds);
    const cycle = yield* findWaitCycle(this.store, waiterId, waitedIds);
    if (cycle) {
      yield this.store.removeWaitsOf(waiterId);
      return cycle;
    }
    yield this.transition(waiterId, S.PAUSED, runnerId);
    return undefined;
  }

  /**
   * Calls `listener` once every id in `ids` is final. Subscribes before checking, so a status reached in
   * between is never missed; may call `listener` before returning. Returns a cancel function.
   */
  whenAllFinal(ids: readonly string[], listener: () => void): Unsubscribe {
    let remaining = ids.length;
    let done = false;
    const arrived = ids.length > 1 ? new Set<string>() : undefined;
    const arrive = (id: string) => {
      if (done || arrived?.has(id)) return;
      arrived?.add(id);
      if (--remaining === 0) {
        done = true;
        listener();
      }
    };
    const unsubs = ids.map((id) => this.backend.notifier.onFinal(id, () => arrive(id)));
    const check = (records: (StatusRecord | undefined)[]) => {
      for (let i = 0; i < records.length; i++) {
        const r = records[i];
        if (r && isFinal(r.status)) arrive(ids[i]!);
      }
    };
    const records = this.store.getStatuses(ids);
    if (isPromise(records))
      records.then(check, (error: unknown) => this.logger.error("Status check failed", { error }));
    else check(records);
    return () => {
      done = true;
      for (const unsubscribe of unsubs) unsubscribe();
    };
  }

  /**
   * Store the outcome, move to a final status (SUCCESS/FAILED by the outcome, or the one given), release
   * the wait graph and wake whoever waits.
   */
  finish(id: string, outcome: Outcome, runnerId: string | null, status?: InvocationStatus): Awaitable<void> {
    return flow(this.finishFlow(id, outcome, runnerId, status));
  }

  private *finishFlow(
    id: string,
    outcome: Outcome,
    runnerId: string | null,
    status: InvocationStatus = outcome.ok ? S.SUCCESS : S.FAILED,
  ): Flow<void> {
    yield this.backend.stateBackend.setOutcome(id, outcome);
    yield this.transition(id, status, runnerId, { clearWaits: true });
    this.backend.notifier.publishFinal(id);
    if (++this.finishedSincePurge >= PURGE_EVERY) {
      this.finishedSincePurge = 0;
      yield* this.purgeFlow();
    }
  }

  /** Ids of the finished invocations still kept (for monitoring and tests). */
  findFinished(): Awaitable<string[]> {
    return this.store.findByStatus(FINAL_STATUSES);
  }

  /** Apply retention now: forget finished invocations beyond the configured age and count. */
  purgeFinished(): Awaitable<string[]> {
    return flow(this.purgeFlow());
  }

  private *purgeFlow(): Flow<string[]> {
    const { retentionMs, retentionMaxFinished } = this.hooks.retention();
    const ids = (yield this.store.purgeFinished(Date.now() - retentionMs, retentionMaxFinished)) as string[];
    if (ids.length === 0) return ids;
    yield this.backend.stateBackend.deleteInvocations(ids);
    if (this.logger.isEnabled("debug"))
      this.logger.debug(`Retention purged ${ids.length} finished invocation(s)`);
    return ids;
  }

  /**
   * A failed attempt that will be retried: RUNNING -> RETRY (the owner lets go; the history keeps each
   * attempt), then back in the queue once `delayMs` has passed. Whoever waits for it keeps waiting.
   */
  retry(id: string, runnerId: string, delayMs: number): Awaitable<void> {
    return flow(this.retryFlow(id, runnerId, delayMs));
  }

  private *retryFlow(id: string, runnerId: string, delayMs: number): Flow<void> {
    yield this.transition(id, S.RETRY, runnerId);
    yield this.backend.broker.routeAt([id], Date.now() + delayMs);
    if (delayMs <= 0) this.backend.notifier.publishWork();
  }

  /** How many attempts of this invocation failed and were retried so far. */
  retriesSoFar(id: string): Awaitable<number> {
    const history = this.store.getHistory(id);
    const count = (entries: HistoryEntry[]) => entries.filter((h) => h.status === S.RETRY).length;
    return isPromise(history) ? history.then(count) : count(history);
  }

  /**
   * Cancel an invocation and, first, the invocations only it waits for. An unowned one (queued, retrying)
   * is cancelled here; an owned one (claimed, running, paused) by its owner, told through the notifier.
   * `outcomeOf` turns the CancelledError into the stored error. Returns false if it was already final.
   */
  cancel(id: string, outcomeOf: (id: string) => Outcome): Awaitable<boolean> {
    return flow(this.cancelFlow(id, outcomeOf));
  }

  private *cancelFlow(id: string, outcomeOf: (id: string) => Outcome): Flow<boolean> {
    const record = (yield this.store.getStatus(id)) as StatusRecord | undefined;
    if (!record || isFinal(record.status)) return false;
    const waited = ((yield this.store.waitingFor([id])) as Map<string, string[]>).get(id) ?? [];
    const waiters = (yield this.store.waitersOf(waited)) as Map<string, string[]>;
    for (const child of waited) {
      const others = (waiters.get(child) ?? []).filter((w) => w !== id);
      if (others.length === 0) yield* this.cancelFlow(child, outcomeOf); // nobody else needs it
    }
    if (record.owner !== null) {
      this.backend.notifier.publishCancel(id);
      return true;
    }
    try {
      yield this.finish(id, outcomeOf(id), null, S.CANCELLED);
    } catch (error) {
      // Claimed meanwhile: its new owner carries the cancellation out.
      this.logger.debug("Cancelling through the owner after a race", { invocation: id, error });
      this.backend.notifier.publishCancel(id);
    }
    return true;
  }

  /** Runner shutdown: KILLED then REROUTED and back in the queue for another runner. */
  async killAndReroute(id: string, runnerId: string): Promise<void> {
    await this.transition(id, S.KILLED, runnerId, { clearWaits: true });
    await this.transition(id, S.REROUTED, runnerId);
    await this.reroute(id);
  }

  /** Put an invocation already in a runnable status back in the queue, and wake the runners. */
  async reroute(id: string): Promise<void> {
    await this.backend.broker.route([id]);
    this.backend.notifier.publishWork();
  }

  private announce(
    id: string,
    to: InvocationStatus,
    runnerId: string | null,
    record: StatusRecord,
  ): StatusRecord {
    this.events.emit("invocation:status", { invocationId: id, status: to, runnerId, at: record.at });
    return record;
  }

  /** Tell listeners; skipped entirely (no payload built) when nobody listens. */
  private emitStatus(
    ids: readonly string[],
    status: InvocationStatus,
    runnerId: string | null,
    at: number,
  ): void {
    if (!this.events.hasListeners("invocation:status")) return;
    for (const invocationId of ids)
      this.events.emit("invocation:status", { invocationId, status, runnerId, at });
  }
}

function newStatusOf(record: InvocationRecord, keys?: ConcurrencyKeys): NewStatus {
  const { id, taskId } = record;
  const runningKey = keys?.runningKey ?? record.runningKey;
  if (!keys && runningKey === undefined) return { id, taskId };
  return { id, taskId, registrationKey: keys?.registrationKey, runningKey, cacheKey: keys?.cacheKey };
}
