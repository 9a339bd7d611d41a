import { CancelledError, TimeoutError } from "../errors/errors.js";
import type { Outcome } from "../invocation/invocation-record.js";
import { InvocationStatus } from "../invocation/status.js";
import { runFlow, type Flow } from "../util/flow.js";
import type { Execution } from "./execution.js";
import { logAborted } from "./failure-log.js";
import { RecentIds } from "../util/recent-ids.js";
import type { RunnerHost } from "./runner-host.js";
import { releaseKey, type RunnerState } from "./runner-state.js";

const S = InvocationStatus;

/** A ThreadRunner ending executions early: cancelled on request, or over their task's timeoutMs. */
export class Abort {
  /** Cancellations asked for invocations not (yet) executing here: checked when one starts. */
  private readonly earlyCancels = new RecentIds(1024);
  /** Aborts whose end is still being recorded, and who waits for them all to be (a stop). */
  private recording = 0;
  private onSettled: (() => void)[] = [];

  constructor(
    private readonly state: RunnerState,
    private readonly host: RunnerHost,
    private readonly runnerId: string,
  ) {}

  /** Someone asked to cancel `id`: if it executes here, stop it now (else remember, in case it starts). */
  cancelRequested(id: string): void {
    const execution = this.state.executions.get(id);
    if (!execution) return this.earlyCancels.add(id);
    this.abort(
      execution,
      S.CANCELLED,
      new CancelledError(`Invocation ${id} (task "${execution.taskId}") was cancelled`),
    );
  }

  /** It just started: carry out a cancellation asked before it did. */
  cancelIfRequested(id: string): void {
    if (this.earlyCancels.take(id)) this.cancelRequested(id);
  }

  timedOut(execution: Execution, timeoutMs: number): void {
    const task = execution.taskId;
    this.abort(
      execution,
      S.TIMED_OUT,
      new TimeoutError(
        `Invocation ${execution.id} (task "${task}") did not finish within timeoutMs ${timeoutMs} ms`,
      ),
    );
  }

  /**
   * End an execution now with `status`: abort its signal, free its slot, store `error` as its outcome
   * and wake its waiters. Its code may still be running; whatever it returns later is discarded.
   */
  private abort(execution: Execution, status: InvocationStatus, error: Error): void {
    if (execution.state === "done" || execution.killed) return;
    execution.killed = true;
    clearTimeout(execution.timer);
    execution.cancelWait?.();
    const queued = this.state.resumed.findIndex((r) => r.execution === execution);
    if (queued >= 0) this.state.resumed.splice(queued, 1);
    execution.abort(error);
    logAborted(execution.logger, status, error);
    this.recording++;
    runFlow(this.abortFlow(execution, error, status), (failure) => {
      if (failure !== undefined) execution.logger.warn(`Could not record ${status}`, { error: failure });
      execution.release();
      if (--this.recording === 0) for (const settled of this.onSettled.splice(0)) settled();
    });
  }

  /** Resolves once every abort under way has recorded its end. */
  settled(): Promise<void> {
    if (this.recording === 0) return Promise.resolve();
    return new Promise((resolve) => this.onSettled.push(resolve));
  }

  private *abortFlow(execution: Execution, error: Error, status: InvocationStatus): Flow<void> {
    const outcome = (yield this.host.outcomeOf(execution.taskId, {
      ok: false,
      error,
    })) as Outcome;
    // A cancel cascaded before it reached this runner; a timeout cascades here, while the wait edges
    // still say what it waited for.
    if (status === S.TIMED_OUT) yield this.host.orchestrator.cancelWaitedOnlyBy(execution.id);
    yield this.host.orchestrator.finish(execution.id, outcome, this.runnerId, status);
    yield releaseKey(this.host, this.runnerId, execution);
  }
}
