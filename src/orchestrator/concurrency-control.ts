import type { Backend } from "../backends/backend.js";
import type { ConcurrencyKeys } from "../concurrency/concurrency-policy.js";
import { ConcurrencyControlledError, StatusTransitionError } from "../errors/errors.js";
import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";
import { InvocationStatus, isRunnable, type StatusRecord } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import type { Flow } from "../util/flow.js";
import type { Orchestrator, OrchestratorHooks } from "./orchestrator.js";
import type { NewStatus } from "./orchestrator-store.js";

const S = InvocationStatus;

/**
 * The orchestrator's concurrency rules: running concurrency (hold back at claim, release when a key
 * frees) and the registrations decided at the call (registration concurrency, result cache).
 */
export class ConcurrencyControl {
  constructor(
    private readonly orchestrator: Orchestrator,
    private readonly backend: Backend,
    private readonly logger: Logger,
    private readonly hooks: OrchestratorHooks,
  ) {}

  private get store() {
    return this.backend.orchestratorStore;
  }

  /**
   * `blocked` could not be claimed because their running key is held: park them in
   * CONCURRENCY_CONTROLLED until their key frees (or drop them to CONCURRENCY_CONTROLLED_FINAL when
   * their task says so). A key that freed meanwhile is released at once, so nothing parks forever.
   */
  *holdBack(blocked: readonly string[], runnerId: string): Flow<void> {
    const keys = new Set<string>();
    for (const record of (yield this.backend.stateBackend.getInvocations(blocked)) as InvocationRecord[]) {
      if (record.runningKey === undefined) continue;
      try {
        if (this.hooks.reroutesOnConcurrency(record.taskId)) {
          yield this.orchestrator.transition(record.id, S.CONCURRENCY_CONTROLLED, runnerId);
          keys.add(record.runningKey);
        } else {
          const error = new ConcurrencyControlledError(
            `Invocation ${record.id} of task "${record.taskId}" was dropped: another invocation of its runningConcurrency scope was running (rerouteOnConcurrencyControl is false)`,
          );
          const outcome = (yield this.hooks.failureOutcome(error)) as Outcome;
          yield this.orchestrator.finish(record.id, outcome, runnerId, S.CONCURRENCY_CONTROLLED_FINAL);
        }
      } catch (error) {
        // Claimed or finished meanwhile it moved on by itself; still runnable means it must not be lost.
        this.logger.debug("Held-back invocation moved on meanwhile", { invocation: record.id, error });
        const now = (yield this.store.getStatus(record.id)) as StatusRecord | undefined;
        if (now && isRunnable(now.status)) yield this.backend.broker.route([record.id]);
      }
    }
    for (const key of keys) yield* this.releaseKeyFlow(key, runnerId);
  }

  /** See `Orchestrator.releaseRunningKey`. */
  *releaseKeyFlow(runningKey: string, runnerId: string): Flow<void> {
    if (((yield this.store.runningKeyHolders(runningKey)) as string[]).length > 0) return;
    const parked = (yield this.store.parkedOn(runningKey)) as string[];
    const rerouted: string[] = [];
    for (const id of parked) {
      try {
        yield this.orchestrator.transition(id, S.REROUTED, runnerId);
        rerouted.push(id);
      } catch (error) {
        // Another release of the key (on a shared store, or an interleaved one) or a cancel moved it on
        // since it was listed: it is taken care of.
        if (!(error instanceof StatusTransitionError)) throw error;
      }
    }
    if (rerouted.length) yield this.backend.broker.route(rerouted);
    // Also wakes runners holding a RESUMED invocation that waits for this key, here or elsewhere.
    this.backend.notifier.publishWork();
  }

  /** See `Orchestrator.registerNow`. */
  *registerNowFlow(
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
    yield* this.orchestrator.storeAndRoute([record], runnerId, at);
    return { id: record.id, reused: false };
  }
}

/** The status row a new invocation is registered with, carrying its concurrency keys if it has any. */
export function newStatusOf(record: InvocationRecord, keys?: ConcurrencyKeys): NewStatus {
  const { id, taskId } = record;
  const runningKey = keys?.runningKey ?? record.runningKey;
  if (!keys && runningKey === undefined) return { id, taskId };
  return { id, taskId, registrationKey: keys?.registrationKey, runningKey, cacheKey: keys?.cacheKey };
}
