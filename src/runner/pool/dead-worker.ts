/**
 * A worker died (or was terminated, stuck past a timeout): what it owned is settled at once by its
 * pool, without waiting for its heartbeat to go stale. RUNNING invocations fail with a
 * WorkerCrashedError naming the cause (or retry, as their task's retry policy says); the one stuck in
 * synchronous code past its timeoutMs ends TIMED_OUT; what was claimed, paused or resumed is rerouted
 * and runs again from the start, as recovery would do.
 */
import { TimeoutError, WorkerCrashedError } from "../../errors/errors.js";
import { InvocationStatus } from "../../invocation/status.js";
import { recoverOwned } from "../../orchestrator/recovery.js";
import type { PoolHost } from "./pool-host.js";

const S = InvocationStatus;

export interface DeadWorker {
  readonly runnerId: string;
  /** "thread 3", "process 4711". */
  readonly label: string;
  /** How it ended: "called process.exit(1)", "uncaught exception: Error: boom", ... */
  readonly cause: string;
  /** The invocation it was stuck in (terminated for it), with that task's timeoutMs. */
  readonly stuck?: { readonly id: string; readonly timeoutMs: number };
  /** Terminated by a stop it could not carry out itself: RUNNING ones are rerouted too, as a stop does. */
  readonly stopping?: boolean;
}

export interface DeadWorkerReport {
  readonly failed: string[];
  readonly retried: string[];
  readonly timedOut: string[];
  readonly rerouted: string[];
}

/** Settle everything `dead` owned; `poolId` acts for the pool (recovery moves). Never throws: logs. */
export async function settleDeadWorker(
  host: PoolHost,
  poolId: string,
  dead: DeadWorker,
): Promise<DeadWorkerReport> {
  const report: DeadWorkerReport = { failed: [], retried: [], timedOut: [], rerouted: [] };
  const { orchestrator, backend, logger } = host;
  const store = backend.orchestratorStore;
  try {
    const ids = await store.ownedBy([dead.runnerId]);
    const statuses = await store.getStatuses(ids);
    const records = await backend.stateBackend.getInvocations(ids);
    const others: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const record = records[i]!;
      if (statuses[i]?.status !== S.RUNNING || dead.stopping) {
        others.push(id);
        continue;
      }
      try {
        const ended = await endRunning(host, dead, id, record.taskId);
        report[ended].push(id);
        if (record.runningKey !== undefined)
          await orchestrator.releaseRunningKey(record.runningKey, dead.runnerId);
      } catch (error) {
        // It moved on meanwhile (a cancel, say): that end stands; recovery takes what is left later.
        logger.debug("Could not settle an invocation of a dead worker", { invocation: id, error });
      }
    }
    const recovered = await recoverOwned({ orchestrator, backend, logger }, poolId, dead.runnerId, others);
    report.rerouted.push(...recovered.rerouted);
    await store.removeRunner(dead.runnerId);
  } catch (error) {
    logger.error(
      `Could not settle what worker ${dead.runnerId} left; recovery takes it over once its heartbeat is stale`,
      { error },
    );
  }
  return report;
}

async function endRunning(
  host: PoolHost,
  dead: DeadWorker,
  id: string,
  taskId: string,
): Promise<"failed" | "retried" | "timedOut"> {
  const { orchestrator } = host;
  if (dead.stuck?.id === id) {
    const error = new TimeoutError(
      `Invocation ${id} (task "${taskId}") did not finish within timeoutMs ${dead.stuck.timeoutMs} ms: its worker (${dead.label}) was stuck in synchronous code and was terminated`,
    );
    await orchestrator.cancelWaitedOnlyBy(id);
    const outcome = await host.outcomeOf(taskId, { ok: false, error });
    await orchestrator.finish(id, outcome, dead.runnerId, S.TIMED_OUT);
    return "timedOut";
  }
  const error = new WorkerCrashedError(
    `Invocation ${id} (task "${taskId}") was running in worker ${dead.runnerId} (${dead.label}), which ${dead.cause}`,
  );
  const failedSoFar = await orchestrator.retriesSoFar(id);
  const decision = host.retryDecision(taskId, error, failedSoFar);
  if (decision.retry) {
    await orchestrator.retry(id, dead.runnerId, decision.delayMs);
    return "retried";
  }
  const outcome = await host.outcomeOf(taskId, { ok: false, error });
  await orchestrator.finish(id, outcome, dead.runnerId);
  return "failed";
}
