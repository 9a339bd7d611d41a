import { WaitCycleError } from "../errors/errors.js";
import { InvocationStatus, isFinal, type StatusRecord } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import { runFlow, settle, type Flow } from "../util/flow.js";
import type { Execution } from "./execution.js";
import type { RunnerHost } from "./runner-host.js";
import { releaseKey, type Resumed, type RunnerState } from "./runner-state.js";

const S = InvocationStatus;

/**
 * A ThreadRunner's pause and resume: an execution awaiting others' results gives its slot up (PAUSED),
 * and once they are final it queues as RESUMED for a slot, ahead of new work.
 */
export class Suspension {
  constructor(
    private readonly state: RunnerState,
    private readonly host: RunnerHost,
    private readonly runnerId: string,
    private readonly logger: Logger,
    /** The runner's kick(): fill free slots soon. */
    private readonly kick: () => void,
  ) {}

  suspend(execution: Execution, ids: string[], done: (error?: unknown) => void): void {
    runFlow(this.pauseFlow(execution, ids), (error, open) => {
      if (error !== undefined || !open) return done(error);
      execution.cancelWait = this.host.orchestrator.whenAllFinal(open, () => {
        execution.cancelWait = undefined;
        this.state.resuming++; // synchronously, before the finished dependency's slot is handed out
        settle(
          () => this.host.orchestrator.transition(execution.id, S.RESUMED, this.runnerId),
          (failure) => {
            this.state.resuming--;
            if (failure !== undefined) {
              execution.logger.warn("Could not resume; it was taken over", { error: failure });
              return;
            }
            if (this.logger.isEnabled("debug")) execution.logger.debug("RESUMED, waiting for a slot");
            insertByPauseTime(this.state.resumed, { execution, grant: () => done() });
            this.kick();
          },
        );
      });
    });
  }

  /** Pause on the unfinished ones among `ids` and free the slot; returns them, or undefined if none. */
  private *pauseFlow(execution: Execution, ids: string[]): Flow<string[] | undefined> {
    const orchestrator = this.host.orchestrator;
    if (!this.host.registrar.idle) yield this.host.registrar.settled(); // waited ids are stored first
    const records = (yield orchestrator.statuses(ids)) as (StatusRecord | undefined)[];
    // Unknown once registrations are written means purged by retention: finished, nothing to wait for.
    const open = ids.filter((_, i) => records[i] !== undefined && !isFinal(records[i].status));
    if (open.length === 0) return undefined;
    const cycle = (yield orchestrator.pause(execution.id, open, this.runnerId)) as string[] | undefined;
    if (cycle) throw cycleError(execution, cycle);
    execution.pausedAt = performance.now();
    if (this.logger.isEnabled("debug")) execution.logger.debug(`PAUSED waiting for ${open.join(", ")}`);
    execution.ticket.holdsSlot = false;
    this.state.occupied--;
    this.kick();
    yield releaseKey(this.host, this.runnerId, execution); // a paused invocation does not hold its scope
    return open;
  }

  /** The oldest-paused resumed invocation that may run now (its running-concurrency key is free). */
  *nextResumed(): Flow<Resumed | undefined> {
    const resumed = this.state.resumed;
    for (let i = 0; i < resumed.length; i++) {
      const key = resumed[i]!.execution.runningKey;
      if (key === undefined || ((yield this.host.orchestrator.runningKeyFree(key)) as boolean)) {
        return resumed.splice(i, 1)[0];
      }
    }
    return undefined;
  }

  *grantSlot({ execution, grant }: Resumed): Flow<void> {
    if (execution.killed) return; // cancelled or timed out while it waited for a slot
    this.state.occupied++;
    execution.ticket.holdsSlot = true;
    try {
      yield this.host.orchestrator.transition(execution.id, S.RUNNING, this.runnerId);
    } catch (error) {
      this.state.occupied--;
      execution.ticket.holdsSlot = false;
      this.logger.warn("Could not resume invocation; it was taken over", { invocation: execution.id, error });
      return;
    }
    if (this.logger.isEnabled("debug")) {
      this.logger.debug(
        `Slot handed to resumed invocation (${this.state.occupied}/${this.state.slots} busy)`,
        {
          invocation: execution.id,
          task: execution.invocation.task.id,
        },
      );
    }
    grant();
  }
}

function insertByPauseTime(queue: Resumed[], item: Resumed): void {
  let i = queue.length;
  while (i > 0 && queue[i - 1]!.execution.pausedAt > item.execution.pausedAt) i--;
  queue.splice(i, 0, item);
}

function cycleError(execution: Execution, cycle: string[]): WaitCycleError {
  return new WaitCycleError(
    `Invocation ${execution.id} (task "${execution.invocation.task.id}") cannot wait: the wait would close the cycle ${cycle.join(" -> ")}, so none of them could ever finish`,
    cycle,
  );
}
