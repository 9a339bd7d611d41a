import type { Backend } from "../backends/backend.js";
import type { InvocationRecord } from "../invocation/invocation-record.js";
import { InvocationStatus, isFinal, type StatusRecord } from "../invocation/status.js";
import type { TynencEvents } from "../events.js";
import type { Logger, SafeEmitter } from "../logging/index.js";
import { isPromise } from "../util/awaitable.js";
import type { Flow } from "../util/flow.js";
import type { Orchestrator } from "./orchestrator.js";
import type { PauseOptions, StorePause } from "./orchestrator-store.js";
import { emitStatus } from "./status-events.js";
import { findWaitCycle } from "./wait-cycle.js";

const S = InvocationStatus;

/** What `Orchestrator.pause` did: paused on `open` (none: nothing to wait for), or refused a `cycle`. */
export interface PauseAnswer {
  readonly open: readonly string[];
  readonly cycle?: readonly string[];
  /** Claimed for the slot the pause frees (`Orchestrator.recordAndPause` with a claim). */
  readonly claimed?: readonly InvocationRecord[];
  /** Paused `early`: a waited id was not stored yet, and nothing changed (see `PauseOptions.early`). */
  readonly unregistered?: string;
}

/**
 * Waits and what they keep: the wait edges a task's await records, the pause that follows, and the
 * holds that keep awaited results from retention until they are read (an await not recorded yet, an
 * outside reader's pin). The public entry points are on `Orchestrator`.
 */
export class Waits {
  /** Results awaited by tasks in this process whose wait edge is not recorded yet, with a count each. */
  readonly awaited = new Map<string, number>();

  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly backend: Backend,
    private readonly logger: Logger,
    private readonly events: SafeEmitter<TynencEvents>,
  ) {}

  private get store() {
    return this.backend.orchestratorStore;
  }

  /**
   * Replace the edges of the waiter's previous wait (which kept retention off what it read then) with
   * these. Recorded before anything is decided, so retention keeps every result of this await,
   * finished or not, until the waiter has read it: the edges stay until it waits again or ends.
   */
  *record(waiterId: string, waitedIds: readonly string[]): Flow<void> {
    yield this.store.removeWaitsOf(waiterId);
    yield this.store.addWaits(waiterId, waitedIds);
  }

  /**
   * After `record`: if any of `waitedIds` is unfinished, move the waiter RUNNING -> PAUSED. The cycle
   * check runs after the edges are in, so two waits racing to close a cycle both see it (and both fail)
   * instead of both pausing forever. Returns the unfinished ids (none: not paused), or the cycle, in
   * which case its edges are gone and nothing else changed.
   */
  *pause(waiterId: string, waitedIds: readonly string[], runnerId: string): Flow<PauseAnswer> {
    const records = (yield this.store.getStatuses(waitedIds)) as (StatusRecord | undefined)[];
    // Unknown here means purged before the edges went in: it had finished, so nothing to wait for.
    const open = waitedIds.filter((_, i) => records[i] !== undefined && !isFinal(records[i].status));
    if (open.length === 0) return { open };
    return yield* this.pauseOn(waiterId, open, runnerId);
  }

  /** Whether the store records and pauses in one step (`OrchestratorStore.recordAndPause`). */
  get inOneStep(): boolean {
    return this.store.recordAndPause !== undefined;
  }

  /**
   * `record` then `pause` as one store step (`OrchestratorStore.recordAndPause`), with the same answers
   * and errors; a cycle search the store gave up is finished here, as `pause` does it.
   */
  *recordAndPause(
    waiterId: string,
    waitedIds: readonly string[],
    runnerId: string,
    options?: PauseOptions,
  ): Flow<StorePause> {
    const at = Date.now();
    const answer = (yield this.store.recordAndPause!(
      waiterId,
      waitedIds,
      runnerId,
      at,
      options,
    )) as StorePause;
    if (answer.unchecked) return yield* this.pauseOn(waiterId, answer.open, runnerId);
    if (answer.cycle === undefined && answer.open.length > 0) {
      emitStatus(this.events, [waiterId], S.PAUSED, runnerId, at);
    }
    return answer;
  }

  /** The edges are in and `open` are unfinished: refuse a cycle, else RUNNING -> PAUSED. */
  private *pauseOn(
    waiterId: string,
    open: readonly string[],
    runnerId: string,
  ): Flow<Omit<PauseAnswer, "claimed">> {
    const cycle = yield* findWaitCycle(this.store, waiterId, open);
    if (cycle) {
      yield this.store.removeWaitsOf(waiterId);
      return { open, cycle };
    }
    try {
      yield this.orchestrator.transition(waiterId, S.PAUSED, runnerId);
    } catch (error) {
      // Ended meanwhile (a cancel or timeout landed while the wait was set up): a final invocation
      // waits for nothing, so no edge of it may stay to keep its children "needed".
      yield this.store.removeWaitsOf(waiterId);
      throw error;
    }
    return { open };
  }

  hold(id: string): void {
    this.awaited.set(id, (this.awaited.get(id) ?? 0) + 1);
  }

  release(ids: Iterable<string>): void {
    for (const id of ids) {
      const count = this.awaited.get(id) ?? 0;
      if (count <= 1) this.awaited.delete(id);
      else this.awaited.set(id, count - 1);
    }
  }

  /** Never throws: a failed unpin only keeps the result longer. */
  unpin(id: string): void {
    const failed = (error: unknown) =>
      this.logger.warn("Could not unpin a result; retention keeps it until the store forgets the pin", {
        invocation: id,
        error,
      });
    try {
      const unpinned = this.store.unpin(id);
      if (isPromise(unpinned)) unpinned.then(undefined, failed);
    } catch (error) {
      failed(error);
    }
  }
}
