import { InvocationStatus } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import type { RunnerHost } from "./runner-host.js";
import type { RunnerState } from "./runner-state.js";

const S = InvocationStatus;

/** A ThreadRunner's stop: drain within the grace period, then kill and reroute what is left. */
export class Shutdown {
  constructor(
    private readonly state: RunnerState,
    private readonly host: RunnerHost,
    private readonly runnerId: string,
    private readonly logger: Logger,
  ) {}

  /** Wait until nothing is in flight, or the grace period is over. */
  async drain(graceMs: number): Promise<void> {
    if (this.state.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.state.onIdle = undefined;
        resolve();
      };
      const timer = setTimeout(done, graceMs);
      this.state.onIdle = done;
    });
  }

  async killRemaining(): Promise<void> {
    const state = this.state;
    for (const execution of [...state.executions.values()]) {
      execution.killed = true;
      execution.cancelWait?.();
      try {
        await this.host.orchestrator.killAndReroute(execution.id, this.runnerId);
        if (execution.runningKey !== undefined) {
          await this.host.orchestrator.releaseRunningKey(execution.runningKey, this.runnerId);
        }
        this.logger.warn("KILLED by shutdown and REROUTED for another runner", { invocation: execution.id });
      } catch (error) {
        this.logger.debug("Not killed: it reached a final status meanwhile", {
          invocation: execution.id,
          error,
        });
      }
    }
    state.resumed.length = 0;
    state.executions.clear();
    state.generation++;
    state.occupied = 0;
    state.inFlight = 0;
    state.resuming = 0;
  }

  /** Claimed while stopping: hand them straight back to the queue. */
  async release(ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.host.orchestrator.transition(id, S.REROUTED, this.runnerId);
      await this.host.orchestrator.reroute(id);
    }
  }
}
