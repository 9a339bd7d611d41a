import type { Outcome } from "../invocation/invocation-record.js";
import type { Backend } from "../backends/backend.js";
import {
  CancelledError,
  CancelRequestedError,
  InvocationNotFoundError,
  StatusTransitionError,
} from "../errors/errors.js";
import { InvocationStatus, isFinal, type HistoryEntry, type StatusRecord } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";
import { flow, type Flow } from "../util/flow.js";
import type { Orchestrator, OrchestratorHooks } from "./orchestrator.js";

const S = InvocationStatus;

const CLEAR_WAITS = { clearWaits: true } as const;

/** Retention runs once per this many finished invocations: cheap, and no timer in an idle process. */
const PURGE_EVERY = 1000;

/**
 * What happens to an invocation besides running to its end: retry, cancel, kill and reroute, and the
 * retention that forgets it once finished. The public entry points are on `Orchestrator`.
 */
export class Lifecycle {
  private finishedSincePurge = 0;

  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly backend: Backend,
    private readonly logger: Logger,
    private readonly hooks: OrchestratorHooks,
  ) {}

  private get store() {
    return this.backend.orchestratorStore;
  }

  /** Counts one finished invocation; true once every PURGE_EVERY, when retention should run. */
  purgeDue(): boolean {
    if (++this.finishedSincePurge < PURGE_EVERY) return false;
    this.finishedSincePurge = 0;
    return true;
  }

  /** See `Orchestrator.purgeFinished`. */
  *purgeFlow(): Flow<string[]> {
    const { retentionMs, retentionMaxFinished } = this.hooks.retention();
    const olderThan = Date.now() - retentionMs;
    const awaited = this.orchestrator.awaitedHere;
    const ids = (yield this.store.purgeFinished(olderThan, retentionMaxFinished, awaited)) as string[];
    if (ids.length === 0) return ids;
    const largeValueKeys = (yield this.backend.stateBackend.deleteInvocations(ids)) as string[];
    // The values only forgotten invocations referred to leave the data store.
    if (largeValueKeys.length > 0) yield this.backend.dataStore.release(largeValueKeys);
    if (this.logger.isEnabled("debug"))
      this.logger.debug(`Retention purged ${ids.length} finished invocation(s)`);
    return ids;
  }

  /** See `Orchestrator.retry`. */
  *retryFlow(id: string, runnerId: string, delayMs: number): Flow<void> {
    // Still RUNNING here, so no queue entry can claim it: the ones left from an earlier route go now,
    // and only the route below brings it back, once due (see Broker.unroute).
    const broker = this.backend.broker;
    if (delayMs > 0 && broker.unroute) yield broker.unroute([id]);
    // The failed attempt is over: the edges of its last wait go (those pointing at it stay).
    try {
      yield this.orchestrator.transition(id, S.RETRY, runnerId, CLEAR_WAITS);
    } catch (error) {
      if (!(error instanceof CancelRequestedError)) throw error;
      return yield* this.finishCancelledFlow(id, runnerId, false); // cancelled before it could retry
    }
    yield this.backend.broker.routeAt([id], Date.now() + delayMs);
    if (delayMs <= 0) this.backend.notifier.publishWork();
  }

  retriesSoFar(id: string): Awaitable<number> {
    const history = this.store.getHistory(id);
    const count = (entries: HistoryEntry[]) => entries.filter((h) => h.status === S.RETRY).length;
    return isPromise(history) ? history.then(count) : count(history);
  }

  /**
   * See `Orchestrator.cancel`. An unowned invocation is cancelled here. An owned one is marked in the
   * store first (`requestCancel`: from then on it can only end CANCELLED, whoever finishes it: the owner
   * told through the notifier, its own end, a retry or a stop), then its owner is told.
   */
  *cancelFlow(id: string): Flow<boolean> {
    const record = (yield this.store.getStatus(id)) as StatusRecord | undefined;
    if (!record || isFinal(record.status)) return false;
    yield* this.cancelWaitedOnlyByFlow(id);
    if (record.owner === null && (yield* this.tryFinishCancelled(id))) return true;
    const marked = (yield this.store.requestCancel(id)) as StatusRecord | undefined;
    if (!marked || isFinal(marked.status)) return marked?.status === S.CANCELLED;
    // Let go of meanwhile (rerouted by a stop, retrying): nobody runs it now, so it is cancelled here.
    if (marked.owner === null && (yield* this.tryFinishCancelled(id))) return true;
    this.backend.notifier.publishCancel(id);
    return true;
  }

  /**
   * Cancel an unowned invocation here; false if a runner claimed it meanwhile, or if it ended and
   * retention purged it since its status was read (a cascade reaching a child another cancel ended).
   */
  private *tryFinishCancelled(id: string): Flow<boolean> {
    try {
      yield* this.finishCancelledFlow(id, null);
      return true;
    } catch (error) {
      if (error instanceof InvocationNotFoundError) {
        this.logger.debug("Not cancelled: it ended and was purged meanwhile", { invocation: id });
        return false;
      }
      if (!(error instanceof StatusTransitionError)) throw error;
      this.logger.debug("Cancelling through the owner after a race", { invocation: id, error });
      return false;
    }
  }

  /**
   * End it CANCELLED with a CancelledError as its outcome. `unowned`: from outside any owner, so an
   * outcome an owner stored meanwhile is kept (and its final move, refused, decides).
   */
  *finishCancelledFlow(id: string, runnerId: string | null, unowned = true): Flow<void> {
    const cancelled = new CancelledError(`Invocation ${id} was cancelled`);
    const outcome = (yield this.hooks.failureOutcome(cancelled)) as Outcome;
    yield this.orchestrator.finish(id, outcome, runnerId, S.CANCELLED, unowned);
  }

  /** See `Orchestrator.cancelWaitedOnlyBy`. */
  *cancelWaitedOnlyByFlow(id: string): Flow<void> {
    const waited = ((yield this.store.waitingFor([id])) as Map<string, string[]>).get(id) ?? [];
    if (waited.length === 0) return;
    const waiters = (yield this.store.waitersOf(waited)) as Map<string, string[]>;
    for (const child of waited) {
      const others = (waiters.get(child) ?? []).filter((w) => w !== id);
      if (others.length === 0) yield* this.cancelFlow(child); // nobody else needs it
    }
  }

  /** See `Orchestrator.killAndReroute`. */
  async killAndReroute(id: string, runnerId: string): Promise<InvocationStatus> {
    await this.orchestrator.transition(id, S.KILLED, runnerId, CLEAR_WAITS);
    return this.rerouteUnlessCancelled(id, runnerId);
  }

  /** See `Orchestrator.handBack`. */
  handBack(id: string, runnerId: string): Promise<InvocationStatus> {
    return this.rerouteUnlessCancelled(id, runnerId);
  }

  private async rerouteUnlessCancelled(id: string, runnerId: string): Promise<InvocationStatus> {
    try {
      await this.orchestrator.transition(id, S.REROUTED, runnerId);
    } catch (error) {
      if (!(error instanceof CancelRequestedError)) throw error;
      await flow(this.finishCancelledFlow(id, runnerId)); // a cancel was asked: it ends here
      return S.CANCELLED;
    }
    await this.reroute(id);
    return S.REROUTED;
  }

  async reroute(id: string): Promise<void> {
    await this.backend.broker.route([id]);
    this.backend.notifier.publishWork();
  }
}
