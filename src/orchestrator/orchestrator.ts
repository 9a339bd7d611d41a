import type { Backend } from "../backends/backend.js";
import { InvocationNotFoundError } from "../errors/errors.js";
import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";
import {
  InvocationStatus,
  isFinal,
  isRunnable,
  type HistoryEntry,
  type StatusRecord,
} from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import type { Unsubscribe } from "./notifier.js";
import { findWaitCycle } from "./wait-cycle.js";
import { rankByWaiters } from "./priority.js";

const S = InvocationStatus;

/** Candidates fetched from the wait graph per claim, so the ranking sees more than it hands out. */
const PRIORITY_WINDOW = 64;

/**
 * The core of orchestration, written once over the backend interfaces: registration, the claim order,
 * pause and resume, finishing, killing. Backends only store; every rule lives here or in status.ts.
 */
export class Orchestrator {
  constructor(
    private readonly backend: Backend,
    private readonly logger: Logger,
  ) {}

  private get store() {
    return this.backend.orchestratorStore;
  }

  async register(records: readonly InvocationRecord[], runnerId: string | null): Promise<void> {
    const at = Date.now();
    await this.backend.stateBackend.saveInvocations(records);
    await this.store.register(records, runnerId, at);
    // Routed only once everything about the invocation is stored, so a claim always finds it.
    await this.backend.broker.route(records.map((r) => r.id));
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
        `No invocation with id ${id} in backend "${this.backend.name}"; it may belong to another app or backend, or have been purged`,
      );
    }
    return record;
  }

  status(id: string): Promise<StatusRecord | undefined> {
    return this.store.getStatus(id);
  }

  statuses(ids: readonly string[]): Promise<(StatusRecord | undefined)[]> {
    return this.store.getStatuses(ids);
  }

  history(id: string): Promise<HistoryEntry[]> {
    return this.store.getHistory(id);
  }

  async transition(id: string, to: InvocationStatus, runnerId: string | null): Promise<StatusRecord> {
    return this.store.transition(id, to, runnerId, Date.now());
  }

  /**
   * Claim up to `max` invocations for `runnerId` (moved to PENDING): first those others wait for, the
   * most waited-on first, then the broker queue in order. Stale queue entries are dropped.
   */
  async claim(runnerId: string, max: number): Promise<InvocationRecord[]> {
    const claimed: InvocationRecord[] = [];
    if (max <= 0) return claimed;
    const candidates = await this.store.waitedOnRunnable(Math.max(max, PRIORITY_WINDOW));
    const ranked = candidates.length > 1 ? await rankByWaiters(this.store, candidates) : candidates;
    for (const id of ranked) {
      if (claimed.length >= max) break;
      const record = await this.tryClaim(id, runnerId);
      if (record) claimed.push(record);
    }
    while (claimed.length < max) {
      const ids = await this.backend.broker.retrieve(max - claimed.length);
      if (ids.length === 0) break;
      for (const id of ids) {
        const record = await this.tryClaim(id, runnerId);
        if (record) claimed.push(record);
      }
    }
    return claimed;
  }

  private async tryClaim(id: string, runnerId: string): Promise<InvocationRecord | undefined> {
    const current = await this.store.getStatus(id);
    if (!current || !isRunnable(current.status)) return undefined; // stale or duplicate queue entry
    try {
      await this.store.transition(id, S.PENDING, runnerId, Date.now());
    } catch (error) {
      this.logger.debug(`Lost the claim of ${id} to another runner`, { invocation: id, error });
      return undefined;
    }
    return this.backend.stateBackend.getInvocation(id);
  }

  /**
   * RUNNING -> PAUSED, recording what it waits for. The edges go in first and the cycle check runs after,
   * so two waits racing to close a cycle both see it (and both fail) instead of both pausing forever.
   * Returns the cycle, in which case nothing changed, or undefined once paused.
   */
  async pause(waiterId: string, waitedIds: readonly string[], runnerId: string): Promise<string[] | undefined> {
    await this.store.addWaits(waiterId, waitedIds);
    const cycle = await findWaitCycle(this.store, waiterId, waitedIds);
    if (cycle) {
      await this.store.removeWaitsOf(waiterId);
      return cycle;
    }
    await this.store.transition(waiterId, S.PAUSED, runnerId, Date.now());
    return undefined;
  }

  /**
   * Calls `listener` once every id in `ids` is final. Subscribes before checking, so a status reached in
   * between is never missed. Returns a function that cancels the subscription.
   */
  whenAllFinal(ids: readonly string[], listener: () => void): Unsubscribe {
    let remaining = ids.length;
    let done = false;
    const unsubs: Unsubscribe[] = [];
    const seen = new Set<string>();
    const arrive = (id: string) => {
      if (done || seen.has(id)) return;
      seen.add(id);
      if (--remaining === 0) {
        done = true;
        listener();
      }
    };
    for (const id of ids) unsubs.push(this.backend.notifier.onFinal(id, () => arrive(id)));
    void this.store.getStatuses(ids).then((records) => {
      records.forEach((r, i) => {
        if (r && isFinal(r.status)) arrive(ids[i]!);
      });
    });
    return () => {
      done = true;
      for (const u of unsubs) u();
    };
  }

  /** Store the outcome, move to SUCCESS/FAILED, release the wait graph and wake whoever waits. */
  async finish(id: string, outcome: Outcome, runnerId: string): Promise<void> {
    await this.backend.stateBackend.setOutcome(id, outcome);
    await this.store.transition(id, outcome.ok ? S.SUCCESS : S.FAILED, runnerId, Date.now());
    await this.store.removeWaitsOf(id);
    await this.store.removeWaitsOn(id);
    this.backend.notifier.publishFinal(id);
  }

  /** Runner shutdown: KILLED then REROUTED and back in the queue for another runner. */
  async killAndReroute(id: string, runnerId: string): Promise<void> {
    await this.store.transition(id, S.KILLED, runnerId, Date.now());
    await this.store.removeWaitsOf(id);
    await this.store.transition(id, S.REROUTED, runnerId, Date.now());
    await this.backend.broker.route([id]);
    this.backend.notifier.publishWork();
  }
}
