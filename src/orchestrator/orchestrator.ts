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
import type { TynencEvents } from "../events.js";
import type { Logger, SafeEmitter } from "../logging/index.js";
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
    private readonly events: SafeEmitter<TynencEvents>,
  ) {}

  /** Tell listeners; skipped entirely (no payload built) when nobody listens. */
  private emitStatus(ids: readonly string[], status: InvocationStatus, runnerId: string | null, at: number): void {
    if (!this.events.hasListeners("invocation:status")) return;
    for (const invocationId of ids) this.events.emit("invocation:status", { invocationId, status, runnerId, at });
  }

  private get store() {
    return this.backend.orchestratorStore;
  }

  async register(records: readonly InvocationRecord[], runnerId: string | null): Promise<void> {
    const at = Date.now();
    await this.backend.stateBackend.saveInvocations(records);
    await this.store.register(records, runnerId, at);
    this.emitStatus(
      records.map((r) => r.id),
      S.REGISTERED,
      runnerId,
      at,
    );
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

  async transition(
    id: string,
    to: InvocationStatus,
    runnerId: string | null,
    options?: { clearWaits?: boolean },
  ): Promise<StatusRecord> {
    const record = await this.store.transition(id, to, runnerId, Date.now(), options);
    this.emitStatus([id], to, runnerId, record.at);
    return record;
  }

  /**
   * Claim up to `max` invocations for `runnerId` (moved to PENDING): first those others wait for, the
   * most waited-on first, then the broker queue in order. Stale queue entries are dropped.
   */
  async claim(runnerId: string, max: number): Promise<InvocationRecord[]> {
    if (max <= 0) return [];
    const candidates = await this.store.waitedOnRunnable(Math.max(max, PRIORITY_WINDOW));
    const ranked = candidates.length > max ? await rankByWaiters(this.store, candidates) : candidates;
    const claimed = ranked.length ? await this.store.claim(ranked.slice(0, max), runnerId, Date.now()) : [];
    while (claimed.length < max) {
      const ids = await this.backend.broker.retrieve(max - claimed.length);
      if (ids.length === 0) break;
      // Stale and duplicate queue entries (already claimed through the wait graph) are skipped here.
      for (const id of await this.store.claim(ids, runnerId, Date.now())) claimed.push(id);
    }
    this.emitStatus(claimed, S.PENDING, runnerId, Date.now());
    return claimed.length ? this.backend.stateBackend.getInvocations(claimed) : [];
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
    await this.transition(waiterId, S.PAUSED, runnerId);
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
    await this.transition(id, outcome.ok ? S.SUCCESS : S.FAILED, runnerId, { clearWaits: true });
    this.backend.notifier.publishFinal(id);
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
}
