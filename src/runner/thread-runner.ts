import { randomUUID } from "node:crypto";
import { CancelledError, RunnerError, TimeoutError, WaitCycleError } from "../errors/errors.js";
import { RecentIds } from "./recent-ids.js";
import { executionStorage } from "../invocation/context.js";
import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";
import { InvocationStatus, isFinal, type StatusRecord } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import { isPromise } from "../util/awaitable.js";
import { flow, flowOf, runFlow, type Flow } from "../util/flow.js";
import { Execution, type SuspendHost } from "./execution.js";
import { RunnerCls, type Runner } from "./runner.js";
import type { PreparedInvocation, RunnerHost } from "./runner-host.js";
import { StopSignal } from "./stop-signal.js";

const S = InvocationStatus;

interface Resumed {
  readonly execution: Execution;
  readonly grant: () => void;
}

/**
 * Runs invocations on this process's event loop, at most `maxParallelSlots` RUNNING at a time. A slot
 * is held from claim to finish, except while the invocation is PAUSED on others' results. Driven by
 * events only: new work, a freed slot, a resumed invocation; an idle runner has no timer at all.
 */
export class ThreadRunner implements Runner, SuspendHost {
  readonly id = randomUUID();
  readonly cls = RunnerCls.ThreadRunner;
  private readonly logger: Logger;
  private slots = 1;
  private occupied = 0;
  /** Paused executions whose dependencies are done, on their way to RESUMED: they come before new work. */
  private resuming = 0;
  /** execute() calls not finished yet, including those still preparing (not yet in `executions`). */
  private inFlight = 0;
  /** Bumped at every stop: a killed execution that settles later must not touch the next run's counts. */
  private generation = 0;
  private readonly executions = new Map<string, Execution>();
  private readonly resumed: Resumed[] = [];
  private pumping = false;
  private pumpAgain = false;
  private pumpScheduled = false;
  private state: "idle" | "running" | "stopping" = "idle";
  private unsubscribeWork: (() => void) | undefined;
  private unsubscribeCancel: (() => void) | undefined;
  /** Cancellations asked for invocations not (yet) executing here: checked when one starts. */
  private readonly earlyCancels = new RecentIds(1024);
  private stopped: StopSignal | undefined;
  private onIdle: (() => void) | undefined;

  constructor(private readonly host: RunnerHost) {
    this.logger = host.logger.child({ runner: this.id });
  }

  get running(): boolean {
    return this.state !== "idle";
  }

  /** Invocations this runner owns right now: claimed, running, paused or waiting for a slot. */
  get activeCount(): number {
    return this.executions.size;
  }

  async run(): Promise<void> {
    if (this.state !== "idle") {
      throw new RunnerError(`Runner ${this.id} is already running; call stop() before running it again`);
    }
    this.slots = this.host.maxParallelSlots();
    this.state = "running";
    const stopped = (this.stopped = new StopSignal());
    this.logger.info(`Starting ThreadRunner with ${this.slots} slot(s) for app ${this.host.appId}`);
    this.unsubscribeWork = this.host.notifier.onWork(() => this.kick());
    this.unsubscribeCancel = this.host.notifier.onCancel((id) => this.cancelRequested(id));
    this.host.events.emit("runner:started", { runnerId: this.id, cls: this.cls, slots: this.slots });
    this.kick();
    await stopped.promise;
  }

  async stop(): Promise<void> {
    if (this.state !== "running") return this.stopped?.promise;
    this.state = "stopping";
    this.unsubscribeWork?.();
    this.unsubscribeCancel?.();
    const grace = this.host.stopGraceMs();
    const inFlight = this.inFlight;
    if (inFlight > 0)
      this.logger.info(`Stopping with ${inFlight} invocation(s) in flight; grace ${grace} ms`);
    else this.logger.debug("Stopping");
    await this.drain(grace);
    await this.killRemaining();
    this.state = "idle";
    this.logger.debug("Stopped");
    this.host.events.emit("runner:stopped", { runnerId: this.id, cls: this.cls });
    this.stopped?.resolve();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Something changed: fill free slots soon. Coalesced: many kicks in one tick make one pass. */
  private kick(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    if (this.pumpScheduled || this.occupied >= this.slots) return; // a freed slot kicks again
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Fill free slots: resumed invocations first (oldest pause first), then what the orchestrator hands out. */
  private pump(): void {
    this.pumping = true;
    const done = () => {
      this.pumping = false;
    };
    const failed = (error: unknown) => {
      this.pumping = false;
      this.logger.error("Runner loop iteration failed; it will retry on the next event", { error });
    };
    try {
      const pass = flow(this.pumpFlow());
      if (isPromise(pass)) pass.then(done, failed);
      else done();
    } catch (error) {
      failed(error);
    }
  }

  private *pumpFlow(): Flow<void> {
    do {
      this.pumpAgain = false;
      yield* this.fillSlots();
    } while (this.pumpAgain);
  }

  private *fillSlots(): Flow<void> {
    while (this.occupied < this.slots) {
      const next = yield* this.nextResumed();
      if (next) {
        yield* this.grantSlot(next);
        continue;
      }
      if (this.state !== "running" || this.resuming > 0) return;
      const free = this.slots - this.occupied;
      const claimed = (yield this.host.orchestrator.claim(this.id, free)) as InvocationRecord[];
      if (this.state !== "running") return void this.release(claimed.map((r) => r.id));
      for (const record of claimed) this.start(record);
      if (claimed.length < free) return;
    }
  }

  /** The oldest-paused resumed invocation that may run now (its running-concurrency key is free). */
  private *nextResumed(): Flow<Resumed | undefined> {
    for (let i = 0; i < this.resumed.length; i++) {
      const key = this.resumed[i]!.execution.runningKey;
      if (key === undefined || ((yield this.host.orchestrator.runningKeyFree(key)) as boolean)) {
        return this.resumed.splice(i, 1)[0];
      }
    }
    return undefined;
  }

  /** It stopped holding its running-concurrency key: let what waits for the key go. */
  private *releaseKey(execution: Execution): Flow<void> {
    if (execution.runningKey !== undefined) {
      yield this.host.orchestrator.releaseRunningKey(execution.runningKey, this.id);
    }
  }

  private *grantSlot({ execution, grant }: Resumed): Flow<void> {
    if (execution.killed) return; // cancelled or timed out while it waited for a slot
    this.occupied++;
    execution.ticket.holdsSlot = true;
    try {
      yield this.host.orchestrator.transition(execution.id, S.RUNNING, this.id);
    } catch (error) {
      this.occupied--;
      execution.ticket.holdsSlot = false;
      this.logger.warn("Could not resume invocation; it was taken over", { invocation: execution.id, error });
      return;
    }
    if (this.logger.isEnabled("debug")) {
      this.logger.debug(`Slot handed to resumed invocation (${this.occupied}/${this.slots} busy)`, {
        invocation: execution.id,
        task: execution.invocation.task.id,
      });
    }
    grant();
  }

  /** Claimed while stopping: hand them straight back to the queue. */
  private async release(ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.host.orchestrator.transition(id, S.REROUTED, this.id);
      await this.host.orchestrator.reroute(id);
    }
  }

  private start(record: InvocationRecord): void {
    this.occupied++;
    this.inFlight++;
    if (this.logger.isEnabled("debug")) {
      this.logger.debug(`Claimed invocation (${this.occupied}/${this.slots} busy)`, {
        invocation: record.id,
        task: record.taskId,
      });
    }
    const generation = this.generation;
    const ticket = { holdsSlot: true, released: false };
    // Runs once: when the task settles, or earlier when it is cancelled or times out.
    const after = () => {
      if (ticket.released) return;
      ticket.released = true;
      this.executions.delete(record.id);
      if (generation !== this.generation) return; // killed by a stop: the counts were reset then
      if (ticket.holdsSlot) this.occupied--;
      if (--this.inFlight === 0) this.onIdle?.();
      this.kick();
    };
    runFlow(this.beginFlow(record, ticket, after), (error, execution) => {
      if (error !== undefined)
        this.logger.warn("Could not start invocation", { invocation: record.id, error });
      if (!execution) return after();
      executionStorage
        .run(execution, () => execution.call())
        .then(
          (value: unknown) => this.complete(execution, { ok: true, value }, after),
          (error: unknown) => this.complete(execution, { ok: false, error }, after),
        );
    });
  }

  /** Prepare and move to RUNNING; undefined when it must not run here (failed to prepare, stopping). */
  private *beginFlow(
    record: InvocationRecord,
    ticket: Execution["ticket"],
    after: () => void,
  ): Flow<Execution | undefined> {
    const orchestrator = this.host.orchestrator;
    let prepared: PreparedInvocation;
    try {
      const parent = this.executions.get(record.parentId ?? "")?.invocation;
      prepared = (yield this.host.prepare(record, parent)) as PreparedInvocation;
    } catch (error) {
      this.logger.error(`Cannot run invocation: ${(error as Error).message}`, { invocation: record.id });
      yield orchestrator.transition(record.id, S.RUNNING, this.id);
      yield orchestrator.finish(record.id, this.host.outcomeOf(record.taskId, { ok: false, error }), this.id);
      return undefined;
    }
    if (this.state !== "running") {
      yield this.release([record.id]);
      return undefined;
    }
    const execution = new Execution(
      prepared.handle,
      this.id,
      this.logger,
      this,
      prepared.call,
      ticket,
      after,
    );
    execution.runningKey = record.runningKey;
    this.executions.set(record.id, execution);
    yield orchestrator.transition(record.id, S.RUNNING, this.id);
    if (this.logger.isEnabled("debug")) execution.logger.debug("RUNNING");
    const timeoutMs = this.host.timeoutMs(record.taskId);
    if (timeoutMs > 0) execution.timer = setTimeout(() => this.timedOut(execution, timeoutMs), timeoutMs);
    if (this.earlyCancels.take(record.id)) this.cancelRequested(record.id);
    return execution;
  }

  /** The task function settled: store the outcome unless a stop killed it meanwhile. */
  private complete(execution: Execution, result: TaskResult, after: () => void): void {
    execution.state = "done";
    clearTimeout(execution.timer);
    if (execution.killed) {
      execution.logger.debug("Settled after it was killed, cancelled or timed out; its outcome is discarded");
      return after();
    }
    runFlow(this.completeFlow(execution, result), (error) => {
      if (error !== undefined) execution.logger.warn("Could not record the end of invocation", { error });
      after();
    });
  }

  /** Retry the failed attempt if its task says so, else store the outcome and finish. */
  private *completeFlow(execution: Execution, result: TaskResult): Flow<void> {
    const orchestrator = this.host.orchestrator;
    const taskId = execution.invocation.task.id;
    if (!result.ok) {
      const failed = (yield orchestrator.retriesSoFar(execution.id)) as number;
      const decision = this.host.retryDecision(taskId, result.error, failed);
      if (decision.retry) {
        execution.logger.info(decision.reason, { error: result.error });
        yield orchestrator.retry(execution.id, this.id, decision.delayMs);
        yield* this.releaseKey(execution);
        return;
      }
      if (failed > 0) execution.logger.info(decision.reason); // retries used up
    }
    yield orchestrator.finish(execution.id, this.host.outcomeOf(taskId, result), this.id);
    yield* this.releaseKey(execution);
    if (this.logger.isEnabled("debug")) execution.logger.debug(result.ok ? "SUCCESS" : "FAILED");
  }

  suspend(execution: Execution, ids: string[], done: (error?: unknown) => void): void {
    runFlow(this.pauseFlow(execution, ids), (error, open) => {
      if (error !== undefined || !open) return done(error);
      execution.cancelWait = this.host.orchestrator.whenAllFinal(open, () => {
        execution.cancelWait = undefined;
        this.resuming++; // synchronously, before the finished dependency's slot is handed out
        runFlow(flowOf(this.host.orchestrator.transition(execution.id, S.RESUMED, this.id)), (failure) => {
          this.resuming--;
          if (failure !== undefined) {
            execution.logger.warn("Could not resume; it was taken over", { error: failure });
            return;
          }
          if (this.logger.isEnabled("debug")) execution.logger.debug("RESUMED, waiting for a slot");
          insertByPauseTime(this.resumed, { execution, grant: () => done() });
          this.kick();
        });
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
    const cycle = (yield orchestrator.pause(execution.id, open, this.id)) as string[] | undefined;
    if (cycle) throw cycleError(execution, cycle);
    execution.pausedAt = performance.now();
    if (this.logger.isEnabled("debug")) execution.logger.debug(`PAUSED waiting for ${open.join(", ")}`);
    execution.ticket.holdsSlot = false;
    this.occupied--;
    this.kick();
    yield* this.releaseKey(execution); // a paused invocation does not hold its scope
    return open;
  }

  /** Someone asked to cancel `id`: if it executes here, stop it now (else remember, in case it starts). */
  private cancelRequested(id: string): void {
    const execution = this.executions.get(id);
    if (!execution) return this.earlyCancels.add(id);
    this.abort(
      execution,
      S.CANCELLED,
      new CancelledError(`Invocation ${id} (task "${execution.invocation.task.id}") was cancelled`),
    );
  }

  private timedOut(execution: Execution, timeoutMs: number): void {
    const task = execution.invocation.task.id;
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
    const queued = this.resumed.findIndex((r) => r.execution === execution);
    if (queued >= 0) this.resumed.splice(queued, 1);
    execution.abort(error);
    execution.logger.info(`${status}: ${error.message}`);
    const outcome = this.host.outcomeOf(execution.invocation.task.id, { ok: false, error });
    runFlow(this.abortFlow(execution, outcome, status), (failure) => {
      if (failure !== undefined) execution.logger.warn(`Could not record ${status}`, { error: failure });
      execution.release();
    });
  }

  private *abortFlow(execution: Execution, outcome: Outcome, status: InvocationStatus): Flow<void> {
    yield this.host.orchestrator.finish(execution.id, outcome, this.id, status);
    yield* this.releaseKey(execution);
  }

  /** Wait until nothing is in flight, or the grace period is over. */
  private async drain(graceMs: number): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.onIdle = undefined;
        resolve();
      };
      const timer = setTimeout(done, graceMs);
      this.onIdle = done;
    });
  }

  private async killRemaining(): Promise<void> {
    for (const execution of [...this.executions.values()]) {
      execution.killed = true;
      execution.cancelWait?.();
      try {
        await this.host.orchestrator.killAndReroute(execution.id, this.id);
        if (execution.runningKey !== undefined) {
          await this.host.orchestrator.releaseRunningKey(execution.runningKey, this.id);
        }
        this.logger.warn("KILLED by shutdown and REROUTED for another runner", { invocation: execution.id });
      } catch (error) {
        this.logger.debug("Not killed: it reached a final status meanwhile", {
          invocation: execution.id,
          error,
        });
      }
    }
    this.resumed.length = 0;
    this.executions.clear();
    this.generation++;
    this.occupied = 0;
    this.inFlight = 0;
    this.resuming = 0;
  }
}

type TaskResult = { ok: true; value: unknown } | { ok: false; error: unknown };

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
