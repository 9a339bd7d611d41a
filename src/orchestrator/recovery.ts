import type { Backend } from "../backends/backend.js";
import { StatusTransitionError } from "../errors/errors.js";
import type { InvocationRecord } from "../invocation/invocation-record.js";
import { InvocationStatus, type StatusRecord } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import type { Orchestrator } from "./orchestrator.js";
import type { RunnerInfo } from "./orchestrator-store.js";

const S = InvocationStatus;

/** The clocks a pass applies (config `runnerDeadAfterMs`, `maxPendingMs`). */
export interface RecoveryLimits {
  /** A runner whose latest heartbeat is older than this is dead. */
  readonly runnerDeadAfterMs: number;
  /** An invocation PENDING (claimed, not started) for longer than this is taken back, whoever owns it. */
  readonly maxPendingMs: number;
}

/** What one pass did. */
export interface RecoveryReport {
  /** Runners found dead (their invocations recovered, then removed from the registry). */
  readonly deadRunners: string[];
  /** Invocations sent back to the queue, to run again from the start. */
  readonly rerouted: string[];
  /** Invocations ended CANCELLED instead, because a cancel was requested for them. */
  readonly cancelled: string[];
}

/** What a pass works with; `Orchestrator.recover` hands over its own. */
export interface RecoveryContext {
  readonly orchestrator: Orchestrator;
  readonly backend: Backend;
  readonly logger: Logger;
}

/**
 * One recovery pass, run by runner `runnerId` at `now` (the caller holds the "recovery" lease, so one
 * pass runs at a time across processes). Each invocation a dead runner owned, and each one PENDING
 * longer than `maxPendingMs`, goes PENDING_RECOVERY / RUNNING_RECOVERY -> REROUTED back to the queue
 * (CANCELLED if a cancel was requested), through the store's atomic `transition`: one that moved on
 * meanwhile (it finished, say) is refused there and skipped. A paused invocation's continuation died
 * with its process, so it reruns from the start; the edges leaving it go, those pointing at it stay.
 */
export async function recoveryPass(
  context: RecoveryContext,
  runnerId: string,
  now: number,
  limits: RecoveryLimits,
): Promise<RecoveryReport> {
  const pass = new RecoveryPass(context, runnerId);
  const store = context.backend.orchestratorStore;
  for (const runner of await store.runners()) {
    const age = now - runner.heartbeatAt;
    if (runner.runnerId !== runnerId && age > limits.runnerDeadAfterMs) await pass.deadRunner(runner, age);
  }
  await pass.stalePending(now - limits.maxPendingMs, limits.maxPendingMs);
  return pass.report;
}

/**
 * Send back to the queue those of `ids` that `owner` still owns, as a pass does for a dead runner (a
 * pool recovers its dead worker's paused and claimed invocations with it, at once, without waiting for
 * the heartbeat to go stale).
 */
export async function recoverOwned(
  context: RecoveryContext,
  runnerId: string,
  owner: string,
  ids: readonly string[],
): Promise<RecoveryReport> {
  const pass = new RecoveryPass(context, runnerId);
  await pass.recover(ids, (record) => record.owner === owner);
  return pass.report;
}

class RecoveryPass {
  readonly report: RecoveryReport = { deadRunners: [], rerouted: [], cancelled: [] };

  constructor(
    private readonly context: RecoveryContext,
    private readonly runnerId: string,
  ) {}

  private get store() {
    return this.context.backend.orchestratorStore;
  }

  private get logger() {
    return this.context.logger;
  }

  /** Everything the dead runner owned goes back; then it leaves the registry (not before: a failure retries). */
  async deadRunner(runner: RunnerInfo, age: number): Promise<void> {
    const ids = await this.store.ownedBy([runner.runnerId]);
    this.logger.info(
      `Runner ${runner.runnerId} is dead (last heartbeat ${age} ms ago): recovering ${ids.length} invocation(s)`,
      { deadRunner: runner.runnerId, hostname: runner.hostname, pid: runner.pid },
    );
    await this.recover(ids, (record) => record.owner === runner.runnerId);
    await this.store.removeRunner(runner.runnerId);
    this.report.deadRunners.push(runner.runnerId);
  }

  /** Invocations claimed before `before` and still not started: their runner is stuck, or died unseen. */
  async stalePending(before: number, maxPendingMs: number): Promise<void> {
    const pending = await this.store.findByStatus([S.PENDING]);
    if (pending.length === 0) return;
    const records = await this.store.getStatuses(pending);
    const stale = pending.filter((_, i) => isStalePending(records[i], before));
    if (stale.length === 0) return;
    this.logger.info(
      `${stale.length} invocation(s) PENDING for more than maxPendingMs ${maxPendingMs} ms: recovering them`,
    );
    await this.recover(stale, (record) => isStalePending(record, before));
  }

  /** Recover each of `ids` whose current status record still passes `still` (read once, then atomic). */
  async recover(ids: readonly string[], still: (record: StatusRecord) => boolean): Promise<void> {
    if (ids.length === 0) return;
    const statuses = await this.store.getStatuses(ids);
    const records = await this.context.backend.stateBackend.getInvocations(ids);
    const keys = new Map(records.map((r: InvocationRecord) => [r.id, r.runningKey]));
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const current = statuses[i];
      if (current && still(current)) await this.recoverOne(id, current, keys.get(id));
    }
  }

  private async recoverOne(id: string, current: StatusRecord, runningKey: string | undefined): Promise<void> {
    const { orchestrator, logger } = this.context;
    const to = current.status === S.PENDING ? S.PENDING_RECOVERY : S.RUNNING_RECOVERY;
    let ended: InvocationStatus;
    try {
      // The edges leaving it go: a rerun waits afresh. Those pointing at it stay with their waiters.
      await orchestrator.transition(id, to, this.runnerId, { clearWaits: true });
      ended = await orchestrator.handBack(id, this.runnerId); // REROUTED, or CANCELLED if asked
    } catch (error) {
      if (!(error instanceof StatusTransitionError)) throw error;
      logger.debug("Not recovered: it moved on meanwhile", { invocation: id, error });
      return;
    }
    (ended === S.CANCELLED ? this.report.cancelled : this.report.rerouted).push(id);
    if (logger.isEnabled("debug"))
      logger.debug(`Recovered from ${current.status}: ${to} -> ${ended}`, {
        invocation: id,
        previousOwner: current.owner ?? undefined,
      });
    // It held its running key while claimed or running: what is parked on the key is queued again.
    if (runningKey !== undefined) await this.releaseKey(id, runningKey);
  }

  private async releaseKey(id: string, runningKey: string): Promise<void> {
    try {
      await this.context.orchestrator.releaseRunningKey(runningKey, this.runnerId);
    } catch (error) {
      this.logger.warn("Could not release the running-concurrency key of a recovered invocation", {
        invocation: id,
        error,
      });
    }
  }
}

function isStalePending(record: StatusRecord | undefined, before: number): boolean {
  return record !== undefined && record.status === S.PENDING && record.at < before;
}
