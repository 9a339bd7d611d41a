import { InvocationKilledError, StatusTransitionError } from "../errors/errors.js";
import type { InvocationRecord } from "../invocation/invocation-record.js";
import { InvocationStatus } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import type { Abort } from "./abort.js";
import type { Execution } from "./execution.js";
import type { RunnerHost } from "./runner-host.js";
import type { StopBudget } from "./stop-budget.js";
import { releaseKey, type RunnerState } from "./runner-state.js";

const S = InvocationStatus;

/** How long a stop waits for the ends of finished task code to be recorded. */
const RECORD_WAIT_MS = 5000;

/** A ThreadRunner's stop: drain within the grace period, then kill and reroute what is left. */
export class Shutdown {
  /** Ends the current drain early (a second stop signal), if one is under way. */
  private endDrain: (() => void) | undefined;
  /**
   * The grace period was cut short before the drain began (the stop was still handing back a claim
   * under way, or a pool worker got its `stopNow` right behind its `stop`): the drain ends at once.
   */
  private graceEnded = false;

  constructor(
    private readonly state: RunnerState,
    private readonly host: RunnerHost,
    private readonly aborts: Abort,
    private readonly runnerId: string,
    private readonly logger: Logger,
  ) {}

  /** Wait until nothing is in flight, or the grace period is over. */
  async drain(graceMs: number): Promise<void> {
    const ended = this.graceEnded;
    this.graceEnded = false;
    if (ended || this.state.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.state.onIdle = this.endDrain = undefined;
        resolve();
      };
      const timer = setTimeout(done, graceMs);
      this.state.onIdle = this.endDrain = done;
    });
  }

  /** Cut the grace period of a stop under way short: what still runs is killed now. */
  endGrace(): void {
    if (this.endDrain) this.endDrain();
    else this.graceEnded = true;
  }

  /**
   * Kill what outlived the grace period: abort its signal (its code may run on; whatever it returns is
   * discarded) and move it KILLED -> REROUTED back to the queue, or CANCELLED if a cancel was asked.
   * Cancels and timeouts already under way record their own end first.
   */
  async killRemaining(graceMs: number, budget: StopBudget): Promise<string[]> {
    const state = this.state;
    // Claimed ones still being prepared (their parent's handle read from the store, say) are claimed,
    // and RUNNING when the claim moved them there: each sees the stop once prepared and hands itself
    // back. The run's counts are reset only after, or a next run() could fill the slots while they are
    // still RUNNING in the store (a store that does not answer: recovery hands them back).
    while (state.starting.size > 0) {
      if (!(await budget.wait(Promise.allSettled([...state.starting]), "claimed invocations being prepared")))
        break;
    }
    const killed: Execution[] = [];
    for (const execution of state.executions.values()) {
      if (execution.killed) continue; // being cancelled or timed out: that abort records its end
      if (execution.state === "done") continue; // its code ended: its end is being recorded (below)
      execution.killed = true;
      clearTimeout(execution.timer);
      execution.cancelWait?.();
      execution.abort(
        new InvocationKilledError(
          `Runner ${this.runnerId} stopped: invocation ${execution.id} (task "${execution.taskId}") did not finish within stopGraceMs ${graceMs} ms, so it was killed and rerouted to run again`,
        ),
      );
      killed.push(execution);
    }
    await budget.wait(this.aborts.settled(), "the ends of cancelled or timed-out invocations");
    await budget.wait(this.endsRecorded(), "the ends of finished invocations");
    const rerouted: string[] = [];
    for (const execution of killed) {
      const kill = this.kill(execution).then((status) => {
        if (status === S.REROUTED) rerouted.push(execution.id);
      });
      await budget.wait(kill, "the reroute of killed invocations");
    }
    state.resumed.length = 0;
    state.executions.clear();
    state.generation++;
    state.occupied = 0;
    state.inFlight = 0;
    state.resuming = 0;
    return [...rerouted]; // a reroute answered after the budget ran out is not reported
  }

  /**
   * Executions whose code already returned are not killed: their outcome is being stored, and killing
   * them would leave that outcome behind a later reroute or cancel. Wait (a bounded while) until their
   * ends are recorded.
   */
  private endsRecorded(): Promise<void> {
    const state = this.state;
    if (state.recording === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        state.onRecorded = undefined;
        resolve();
      };
      const timer = setTimeout(() => {
        this.logger.warn(`Stopping without waiting longer for ${state.recording} end(s) being recorded`);
        done();
      }, RECORD_WAIT_MS);
      state.onRecorded = done;
    });
  }

  /** Kill one execution; returns the status it ended in, or undefined if it was final already. */
  private async kill(execution: Execution): Promise<InvocationStatus | undefined> {
    const orchestrator = this.host.orchestrator;
    try {
      const status = await orchestrator.killAndReroute(execution.id, this.runnerId);
      await releaseKey(this.host, this.runnerId, execution);
      if (status === S.CANCELLED)
        this.logger.info("KILLED by shutdown; CANCELLED as asked", { invocation: execution.id });
      else
        this.logger.warn("KILLED by shutdown and REROUTED for another runner", { invocation: execution.id });
      return status;
    } catch (error) {
      this.logger.debug("Not killed: it reached a final status meanwhile", {
        invocation: execution.id,
        error,
      });
      return undefined;
    }
  }

  /**
   * Claimed straight to RUNNING while stopping: KILLED then REROUTED. Once KILLED it has no owner, so a
   * cancel may end it CANCELLED before the reroute: that end stands.
   */
  private async killClaimed(id: string): Promise<void> {
    try {
      await this.host.orchestrator.killAndReroute(id, this.runnerId);
    } catch (error) {
      if (!(error instanceof StatusTransitionError)) throw error;
      this.logger.debug("Not rerouted: a cancel ended it meanwhile", { invocation: id, error });
    }
  }

  /**
   * Claimed while stopping: hand them straight back to the queue (`running`: the claim moved them to
   * RUNNING already, so they are killed and rerouted, as a stop does to what runs), and let go of the
   * running keys their claim took, so what was parked on those keys is queued again too.
   */
  async release(records: readonly InvocationRecord[], running = false): Promise<void> {
    const orchestrator = this.host.orchestrator;
    for (const { id, runningKey } of records) {
      if (running) await this.killClaimed(id);
      else await orchestrator.handBack(id, this.runnerId);
      if (this.logger.isEnabled("debug"))
        this.logger.debug("Claimed while stopping: handed back to the queue", { invocation: id });
      await releaseKey(this.host, this.runnerId, { runningKey, logger: this.logger });
    }
  }
}
