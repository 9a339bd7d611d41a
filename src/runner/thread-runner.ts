import { RunnerError, StatusTransitionError } from "../errors/errors.js";
import { executionStorage } from "../invocation/context.js";
import type { InvocationRecord, Outcome } from "../invocation/invocation-record.js";
import { InvocationStatus } from "../invocation/status.js";
import type { Logger } from "../logging/index.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";
import { flow, settle, type Flow } from "../util/flow.js";
import { Abort } from "./abort.js";
import { Execution, type SuspendHost } from "./execution.js";
import { Heartbeat } from "./heartbeat.js";
import { handleStopSignals, keepProcessAlive } from "./process-lifetime.js";
import { RunnerCls, type Runner, type RunOptions } from "./runner.js";
import type { PreparedInvocation, RunnerHost } from "./runner-host.js";
import { releaseKey, RunnerState, type SlotTicket } from "./runner-state.js";
export type { RunnerState } from "./runner-state.js";
import { Shutdown } from "./shutdown.js";
import { StopBudget } from "./stop-budget.js";
import { StopSignal } from "./stop-signal.js";
import { Suspension } from "./suspension.js";
import { SyncGuard } from "./sync-guard.js";
import type { AwaitedHolds, WaitBatch } from "./wait-batch.js";
import { logCannotRun, logFailedOutcome, logFailure, logRetry } from "./failure-log.js";
import { newId } from "../util/ids.js";
import type { CronClock } from "../triggers/cron-clock.js";

const S = InvocationStatus;

/** The longest a runner keeps making passes in one event-loop turn before it lets the loop run. */
const YIELD_AFTER_MS = 10;

/**
 * After a pass that failed (its store away, or refusing), the runner makes another this much later, if
 * no event has made one before: work queued before the failure sends it no new event.
 */
const RETRY_FAILED_PASS_MS = 1000;

/** How a pool worker runs its ThreadRunner (see pool/): its identity, and the parent process's say. */
export interface ThreadRunnerOptions {
  /** The runner id (a pool worker gets one from its pool). */
  readonly id?: string;
  /** The class shown in the registry and logs (a pool worker shows its pool's). */
  readonly cls?: RunnerCls;
  /** Slots lent by a parent process (ProcessRunner), instead of maxParallelSlots of its own. */
  readonly lender?: SlotLender;
  /** Told when an invocation with a timeoutMs starts and ends (a pool parent watches for stuck workers). */
  readonly timed?: TimedObserver;
}

/**
 * A ProcessRunner child's slots come from its parent: it sets `state.slots` (0 or 1), bounds claims,
 * and hears after every pass what the runner holds and what waits for a slot.
 */
export interface SlotLender {
  /** Initial slot count (before the parent lends one). */
  readonly initialSlots: number;
  /** At run(): the state whose `slots` it sets, and the runner's kick (fill free slots soon). */
  attach(state: RunnerState, kick: () => void): void;
  /** How many new invocations the runner may claim now, at most `free`. */
  claimable(free: number): number;
  /** A claim pass asked for `asked` and got `got`. */
  claimed(asked: number, got: number): void;
  /** After each pass: the runner's counts (slots, occupied, resumed waiting, in flight). */
  passed(state: RunnerState): void;
}

export interface TimedObserver {
  started(id: string, taskId: string, timeoutMs: number): void;
  ended(id: string): void;
}

/**
 * Runs invocations on this process's event loop, at most `maxParallelSlots` RUNNING at a time. A slot
 * is held from claim to finish, except while the invocation is PAUSED on others' results. Driven by
 * events only: new work, a freed slot, a resumed invocation; an idle runner has no timer at all.
 * Pause and resume live in suspension.ts, cancel and timeout in abort.ts, stopping in shutdown.ts.
 */
export class ThreadRunner implements Runner, SuspendHost {
  readonly id: string;
  readonly cls: RunnerCls;
  private readonly logger: Logger;
  private readonly lender: SlotLender | undefined;
  private readonly timed: TimedObserver | undefined;
  private readonly state = new RunnerState();
  private readonly suspension: Suspension;
  private readonly aborts: Abort;
  private readonly shutdown: Shutdown;
  private readonly heartbeat: Heartbeat;
  /** The clock of the app's cron triggers, while running (none when the app has none). */
  private clock: CronClock | undefined;
  private pumping = false;
  private pumpAgain = false;
  private pumpScheduled = false;
  /** When the current event-loop turn began making passes (-1: none yet); see kick(). */
  private turnStarted = -1;
  /** The pass under way, when the store answers through promises. */
  private passing: Promise<void> | undefined;
  /** Passes failed in a row (the first is logged as an error, the rest at debug), and the retry's timer. */
  private failedPasses = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private unsubscribeWork: (() => void) | undefined;
  private unsubscribeCancel: (() => void) | undefined;
  private stopped: StopSignal | undefined;
  /** Releases what `run()` took of the process: the keep-alive handle, the signal handlers. */
  private releaseProcess: (() => void)[] = [];

  constructor(
    private readonly host: RunnerHost,
    options: ThreadRunnerOptions = {},
  ) {
    this.id = options.id ?? newId();
    this.cls = options.cls ?? RunnerCls.ThreadRunner;
    this.lender = options.lender;
    this.timed = options.timed;
    this.logger = host.logger.child({ runner: this.id });
    this.suspension = new Suspension(this.state, host, this.id, this.logger, {
      kick: () => this.kick(),
      claimsOnPause: (execution) => this.claimsOnSlotFreed(execution, this.host.orchestrator.pausesClaiming),
      startClaimed: (claimed) => this.startClaimed(claimed),
    });
    this.aborts = new Abort(this.state, host, this.id);
    this.shutdown = new Shutdown(this.state, host, this.aborts, this.id, this.logger);
    this.heartbeat = new Heartbeat(host, this, this.logger);
  }

  get running(): boolean {
    return this.state.phase !== "idle";
  }

  /** Invocations this runner owns right now: claimed, running, paused or waiting for a slot. */
  get activeCount(): number {
    return this.state.executions.size;
  }

  async run(options: RunOptions = {}): Promise<void> {
    if (this.state.phase !== "idle") {
      throw new RunnerError(`Runner ${this.id} is already running; call stop() before running it again`);
    }
    this.heartbeat.check(); // bad heartbeat settings fail here, before anything starts
    const state = this.state;
    state.slots = this.lender ? this.lender.initialSlots : this.host.maxParallelSlots();
    const orchestrator = this.host.orchestrator;
    state.syncGuard = orchestrator.groupsWrites
      ? new SyncGuard(() => orchestrator.flush(), this.logger)
      : undefined;
    state.phase = "running";
    this.lender?.attach(state, () => this.kick());
    const stopped = (this.stopped = new StopSignal());
    if (this.lender) this.logger.debug(`Starting a ${this.cls} child for app ${this.host.appId}`);
    else {
      const what = this.cls === RunnerCls.ThreadRunner ? "ThreadRunner" : `a ${this.cls} worker`;
      this.logger.info(`Starting ${what} with ${state.slots} slot(s) for app ${this.host.appId}`);
    }
    this.unsubscribeWork = this.host.notifier.onWork(() => this.kick());
    this.unsubscribeCancel = this.host.notifier.onCancel((id) => this.aborts.cancelRequested(id));
    this.releaseProcess.push(keepProcessAlive());
    if (options.handleSignals) {
      const stopNow = () => this.endGrace();
      this.releaseProcess.push(handleStopSignals(this.logger, { stop: () => this.stop(), stopNow }));
    }
    this.host.events.emit("runner:started", { runnerId: this.id, cls: this.cls, slots: state.slots });
    await this.heartbeat.start(); // in the registry before it owns anything, so recovery can find it
    this.startClock();
    await this.host.notifier.subscribed?.(); // new work published from here on wakes it; the first claim finds the rest
    this.kick();
    await stopped.promise;
  }

  async stop(): Promise<void> {
    if (this.state.phase !== "running") return this.stopped?.promise;
    this.state.phase = "stopping";
    this.unsubscribeWork?.();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // The store's answers this stop waits for, bounded for a network store that may be away.
    const budget = this.host.stopBudget?.(this.logger) ?? new StopBudget(undefined, this.logger);
    // A claim under way on an asynchronous store: what it claims is handed back before the store closes.
    await budget.wait(this.passing, "a claim under way");
    const grace = this.host.stopGraceMs();
    const inFlight = this.state.inFlight;
    if (inFlight > 0)
      this.logger.info(`Stopping with ${inFlight} invocation(s) in flight; grace ${grace} ms`);
    else this.logger.debug("Stopping");
    budget.pause();
    await this.shutdown.drain(grace);
    budget.resume();
    const rerouted = await this.shutdown.killRemaining(grace, budget);
    // Cancels reach this runner until here: one asked during the grace period is carried out.
    this.unsubscribeCancel?.();
    await budget.wait(this.clock?.stop(), "the trigger clock's tick under way");
    this.clock = undefined;
    await budget.wait(this.heartbeat.stop(), "this runner's removal from the registry");
    for (const release of this.releaseProcess.splice(0)) release();
    this.state.phase = "idle";
    this.logger.debug("Stopped");
    this.host.runnerStopped(rerouted);
    this.host.events.emit("runner:stopped", { runnerId: this.id, cls: this.cls });
    this.stopped?.resolve();
  }

  /** The app's cron triggers tick while this runner holds the recovery lease (see triggers/cron-clock.ts). */
  private startClock(): void {
    this.clock = this.host.triggerClock?.(() => this.heartbeat.holdsLease());
    if (!this.clock) return;
    this.heartbeat.onLeaseAcquired = () => this.clock?.leaseAcquired();
    this.clock.start();
    this.heartbeat.takeLeaseNow(); // on a shared backend: tick from the start, not from the first beat
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Cut the grace period of a stop under way short: what still runs is killed and rerouted now. */
  endGrace(): void {
    // Only a stop under way has a grace period; one that has not begun keeps its own.
    if (this.state.phase === "stopping") this.shutdown.endGrace();
  }

  suspend(execution: Execution, batch: WaitBatch, done: (error?: unknown) => void): void {
    this.suspension.suspend(execution, batch, done);
  }

  get awaitedHolds(): AwaitedHolds {
    return this.host.orchestrator;
  }

  /** Something changed: fill free slots soon. Coalesced: many kicks in one tick make one pass. */
  private kick(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    // A freed slot kicks again. A lender hears of every change, so with one every kick makes a pass.
    if (this.pumpScheduled || (this.state.occupied >= this.state.slots && !this.lender)) return;
    this.pumpScheduled = true;
    // Passes chain through microtasks: with a store that answers at once and tasks that never really
    // await, claim -> run -> finish -> claim would never give the event loop a turn (no timers, no
    // heartbeat, no stop message, no grouped commit). Past YIELD_AFTER_MS in one turn, the next pass
    // waits for the next turn.
    const now = performance.now();
    if (this.turnStarted < 0) {
      this.turnStarted = now;
      setImmediate(this.turnEnded);
    } else if (now - this.turnStarted > YIELD_AFTER_MS) {
      setImmediate(this.runPump);
      return;
    }
    queueMicrotask(this.runPump);
  }

  private readonly runPump = (): void => {
    this.pumpScheduled = false;
    this.pump();
  };

  private readonly turnEnded = (): void => {
    this.turnStarted = -1;
  };

  private readonly retryPass = (): void => {
    this.retryTimer = undefined;
    if (this.state.phase === "running") this.kick();
  };

  /** Fill free slots: resumed invocations first (oldest pause first), then what the orchestrator hands out. */
  private pump(): void {
    this.pumping = true;
    // A kick between the pass's last look at pumpAgain and its promise settling found it pumping: it
    // is carried out now, or a resumed invocation could wait for a slot that is free.
    const done = () => {
      this.pumping = false;
      this.failedPasses = 0;
      this.lender?.passed(this.state);
      if (this.pumpAgain) this.kick();
    };
    const failed = (error: unknown) => {
      this.pumping = false;
      // A claim that fails once the runner is stopping (its store closed, or away) is retried by nobody.
      if (this.state.phase === "running") {
        const msg = `Runner loop iteration failed; it will retry on the next event, or in ${RETRY_FAILED_PASS_MS} ms`;
        if (this.failedPasses++ === 0) this.logger.error(msg, { error });
        else this.logger.debug(`${msg} (${this.failedPasses} in a row)`, { error });
        this.retryTimer ??= setTimeout(this.retryPass, RETRY_FAILED_PASS_MS);
      } else this.logger.debug("A claim under way failed while stopping", { error });
      if (this.pumpAgain) this.kick();
    };
    try {
      const pass = flow(this.pumpFlow());
      if (isPromise(pass)) {
        const settled = (this.passing = pass.then(done, failed));
        void settled.finally(() => {
          if (this.passing === settled) this.passing = undefined;
        });
      } else done();
    } catch (error) {
      failed(error);
    }
  }

  /** One generator per pass (this runs after nearly every finish): fill free slots until none is left. */
  private *pumpFlow(): Flow<void> {
    const state = this.state;
    do {
      this.pumpAgain = false;
      while (state.occupied < state.slots) {
        // Resumed executions first; one whose running key is held waits, and new work may take the slot.
        if (state.resumed.length && (yield* this.suspension.resumeNext())) continue;
        if (state.phase !== "running" || state.resuming > 0) break;
        const free = this.lender
          ? this.lender.claimable(state.slots - state.occupied)
          : state.slots - state.occupied;
        if (free <= 0) break;
        const running = this.startsAtClaim;
        const claimed = (yield this.host.orchestrator.claim(this.id, free, running)) as InvocationRecord[];
        this.lender?.claimed(free, claimed.length);
        if (state.phase !== "running") {
          // stop() awaits this pass: nothing claimed is left behind
          yield this.shutdown.release(claimed, running);
          break;
        }
        for (const record of claimed) this.start(record, running);
        if (claimed.length < free) break;
      }
    } while (this.pumpAgain);
  }

  /**
   * Whether claims move straight to RUNNING (one store call fewer per invocation): only where the
   * backend claims in one call, and not under a lender, whose parent counts claimed and running apart.
   */
  private get startsAtClaim(): boolean {
    return !this.lender && this.host.orchestrator.claimsRunning;
  }

  /** Start a claimed invocation; `running`: the claim moved it to RUNNING already. */
  private start(record: InvocationRecord, running: boolean): void {
    const state = this.state;
    state.occupied++;
    state.inFlight++;
    if (this.logger.isEnabled("debug")) {
      this.logger.debug(`Claimed invocation (${state.occupied}/${state.slots} busy)`, {
        invocation: record.id,
        task: record.taskId,
      });
    }
    const ticket = state.ticket();
    // Runs once: when the task settles, or earlier when it is cancelled or times out.
    const after = () => {
      // Killed by a stop: that run's counts were reset then, and a later attempt may hold the id now.
      const counted = state.current(ticket);
      ticket.released = true;
      if (!counted) return;
      if (state.executions.get(record.id)?.ticket === ticket) state.executions.delete(record.id);
      if (ticket.holdsSlot) state.occupied--;
      ticket.holdsSlot = false; // counted once: a pause answered after this end frees nothing more
      if (this.timed && this.host.timeoutMs(record.taskId) > 0) this.timed.ended(record.id);
      if (--state.inFlight === 0) state.onIdle?.();
      this.kick();
    };
    settle(
      () => {
        const begun = this.begin(record, ticket, after, running);
        if (isPromise(begun)) state.trackStart(begun);
        return begun;
      },
      (error, execution) => {
        if (error !== undefined) {
          // A status error: recovery took it back since the claim (it sat PENDING too long), and the
          // queue hands it out again.
          const moved = error instanceof StatusTransitionError;
          const msg = moved
            ? "Not started: recovery took it back since it was claimed"
            : "Could not start invocation";
          this.logger.warn(msg, { invocation: record.id, error });
        }
        if (!execution) return after();
        // Cancelled or killed before its code started: it never runs, and whoever ended it (the abort,
        // the stop) accounts for its slot once its end is recorded.
        if (execution.killed) return clearTimeout(execution.timer);
        const guard = this.state.syncGuard;
        const started = guard
          ? guard.start(execution.taskId, () => executionStorage.run(execution, () => execution.call()))
          : executionStorage.run(execution, () => execution.call());
        started.then(
          (value: unknown) => this.complete(execution, { ok: true, value }, after),
          (error: unknown) => this.complete(execution, { ok: false, error }, after),
        );
      },
    );
  }

  // The steps from claim to RUNNING and from the task's end to the final status run for every
  // invocation: they are plain methods chained directly when the stores answer at once, and through
  // `then` only when one returns a promise (no generator, no closure on the in-process path).

  /**
   * Prepare and move to RUNNING (unless the claim did: `running`); undefined when it must not run here
   * (failed to prepare, stopping).
   */
  private begin(
    record: InvocationRecord,
    ticket: SlotTicket,
    after: () => void,
    running: boolean,
  ): Awaitable<Execution | undefined> {
    let prepared: Awaitable<PreparedInvocation>;
    try {
      prepared = this.host.prepare(record, this.state.executions.get(record.parentId ?? "")?.invocation);
    } catch (error) {
      return flow(this.cannotRunFlow(record, error, running));
    }
    if (!isPromise(prepared)) return this.prepared(record, prepared, ticket, after, running);
    return prepared.then(
      (p) => this.prepared(record, p, ticket, after, running),
      (error: unknown) => flow(this.cannotRunFlow(record, error, running)),
    );
  }

  private prepared(
    record: InvocationRecord,
    prepared: PreparedInvocation,
    ticket: SlotTicket,
    after: () => void,
    running: boolean,
  ): Awaitable<Execution | undefined> {
    // Stopping, or claimed by a run that a stop ended while it was being prepared: hand it back.
    if (this.state.phase !== "running" || !this.state.current(ticket)) {
      const released = this.shutdown.release([record], running);
      return isPromise(released) ? released.then(() => undefined) : undefined;
    }
    const execution = new Execution(prepared, this.id, this.logger, this, ticket, after);
    execution.runningKey = record.runningKey;
    this.state.executions.set(record.id, execution);
    if (running) return this.nowRunning(execution);
    const moved = this.host.orchestrator.transition(record.id, S.RUNNING, this.id);
    return isPromise(moved) ? moved.then(() => this.nowRunning(execution)) : this.nowRunning(execution);
  }

  private nowRunning(execution: Execution): Execution {
    if (this.logger.isEnabled("debug")) execution.logger.debug("RUNNING");
    const timeoutMs = this.host.timeoutMs(execution.taskId);
    if (timeoutMs > 0) {
      execution.timer = setTimeout(() => this.aborts.timedOut(execution, timeoutMs), timeoutMs);
      execution.deadline = performance.now() + timeoutMs;
      execution.timeoutMs = timeoutMs;
      this.timed?.started(execution.id, execution.taskId, timeoutMs);
    }
    this.aborts.cancelIfRequested(execution.id);
    return execution;
  }

  /** Its task or arguments cannot be resolved here: it fails at once, with the reason as its error. */
  private *cannotRunFlow(record: InvocationRecord, error: unknown, running: boolean): Flow<undefined> {
    logCannotRun(this.logger, record.id, record.taskId, error);
    if (!running) yield this.host.orchestrator.transition(record.id, S.RUNNING, this.id);
    const outcome = (yield this.host.outcomeOf(record.taskId, { ok: false, error })) as Outcome;
    yield this.host.orchestrator.finish(record.id, outcome, this.id);
    // Its claim took its running key: what waits for the key goes back to the queue.
    yield releaseKey(this.host, this.id, { runningKey: record.runningKey, logger: this.logger });
    return undefined;
  }

  /** The task function settled: store the outcome unless a stop killed it meanwhile. */
  private complete(execution: Execution, result: TaskResult, after: () => void): void {
    // Code that blocked the event loop past its timeout kept the timer from firing: it timed out all
    // the same, and what it returned is discarded.
    if (execution.deadline !== undefined && performance.now() > execution.deadline) {
      this.aborts.timedOut(execution, execution.timeoutMs);
    }
    execution.state = "done";
    clearTimeout(execution.timer);
    if (execution.killed) {
      // Its slot is freed by whoever ended it, once that end is recorded: freed now, the slot could go
      // to another invocation while this one is still RUNNING in the store.
      execution.logger.debug("Settled after it was killed, cancelled or timed out; its outcome is discarded");
      return;
    }
    const state = this.state;
    state.recording++; // a stop lets this end be recorded rather than killing it (shutdown.ts)
    const recorded = () => {
      if (--state.recording === 0) state.onRecorded?.();
    };
    settle(
      () => (result.ok ? this.finishWith(execution, result) : flow(this.failedFlow(execution, result.error))),
      (error, claimed) => {
        if (error !== undefined) execution.logger.warn("Could not record the end of invocation", { error });
        if (claimed && claimed.length > 0) return this.takeOver(execution.ticket, claimed, after, recorded);
        after();
        recorded();
      },
    );
  }

  /**
   * The finish claimed `claimed` for the slot it frees (`Orchestrator.finishAndClaim`): they start in
   * it now that the store answered, the finished one's `after` freeing it first. Stopping (or a stop
   * ended the run it belonged to), they are handed back before this end counts as recorded, so the stop
   * waits for that.
   */
  private takeOver(
    ticket: SlotTicket,
    claimed: readonly InvocationRecord[],
    after: () => void,
    recorded: () => void,
  ): void {
    const state = this.state;
    if (state.phase === "running" && ticket.holdsSlot && state.current(ticket)) {
      after();
      for (const record of claimed) this.start(record, true);
      return recorded();
    }
    this.shutdown.release(claimed, true).then(
      () => {
        after();
        recorded();
      },
      (error: unknown) => {
        this.logger.warn("Could not hand back what a finish claimed while stopping", { error });
        after();
        recorded();
      },
    );
  }

  /**
   * Retry the failed attempt if its task says so, else store the failure and finish (and what that
   * finish claimed, see `finishOutcome`).
   */
  private *failedFlow(execution: Execution, error: unknown): Flow<Claimed> {
    const orchestrator = this.host.orchestrator;
    const failed = (yield orchestrator.retriesSoFar(execution.id)) as number;
    const decision = this.host.retryDecision(execution.taskId, error, failed);
    if (decision.retry) {
      logRetry(execution, error, decision, failed + 1);
      yield orchestrator.retry(execution.id, this.id, decision.delayMs);
      yield releaseKey(this.host, this.id, execution);
      return;
    }
    logFailure(execution, error, failed + 1, decision.reason);
    return (yield this.finishWith(execution, { ok: false, error })) as Claimed;
  }

  /** Store the outcome, move to the final status, let the running key go. */
  private finishWith(execution: Execution, result: TaskResult): Awaitable<Claimed> {
    const outcome = this.host.outcomeOf(execution.taskId, result);
    if (isPromise(outcome)) return outcome.then((o) => this.finishOutcome(execution, o));
    return this.finishOutcome(execution, outcome);
  }

  /**
   * Finish; where the store finishes and claims in one call, the claim for the slot this frees rides on
   * the finish (one round trip per invocation at one slot), and what it claimed is returned to start in
   * that slot once the answer is in (see `takeOver`).
   */
  private finishOutcome(execution: Execution, outcome: Outcome): Awaitable<Claimed> {
    // Logged before finishing: finishing wakes the waiters, whose RESUMED lines should come after.
    if (!outcome.ok) logFailedOutcome(execution, outcome);
    else if (this.logger.isEnabled("debug")) execution.logger.debug("SUCCESS");
    const orchestrator = this.host.orchestrator;
    if (this.claimsOnFinish(execution)) {
      // Or its parent, paused here waiting for it, takes the slot once the finish resumed it (see
      // Suspension.resumedByFinish).
      const resume = {
        waiters: this.suspension.pausedParent(execution),
        resumed: (ids: readonly string[]) => {
          for (const id of ids) this.suspension.resumedByFinish(id, execution.ticket);
        },
      };
      const finished = orchestrator.finishAndClaim(execution.id, outcome, this.id, 1, true, resume);
      return finished.then((claimed) => {
        const released = releaseKey(this.host, this.id, execution);
        return isPromise(released) ? released.then(() => claimed) : claimed;
      });
    }
    const finished = orchestrator.finish(execution.id, outcome, this.id);
    if (isPromise(finished)) return finished.then(() => releaseKey(this.host, this.id, execution));
    return releaseKey(this.host, this.id, execution);
  }

  /**
   * Whether this finish may claim the next invocation for the slot it frees: claims go straight to
   * RUNNING here, it holds a slot in this run, and no resumed execution waits for a slot (those come
   * before new work).
   */
  private claimsOnFinish(execution: Execution): boolean {
    return this.claimsOnSlotFreed(execution, this.host.orchestrator.finishesClaiming);
  }

  /**
   * Whether the store call that frees this execution's slot (a finish, a pause) may claim for it:
   * `offered` by the backend, claims go straight to RUNNING here, it holds a slot in this run, and no
   * resumed execution waits for a slot (those come before new work).
   */
  private claimsOnSlotFreed(execution: Execution, offered: boolean): boolean {
    const state = this.state;
    return (
      offered &&
      state.phase === "running" &&
      state.resumed.length === 0 &&
      state.resuming === 0 &&
      execution.ticket.holdsSlot &&
      state.current(execution.ticket) &&
      this.startsAtClaim
    );
  }

  /** What a pause claimed for the slot it freed (see SlotHandOver.startClaimed). */
  private startClaimed(claimed: readonly InvocationRecord[]): void {
    const state = this.state;
    const rest: InvocationRecord[] = [];
    for (const record of claimed) {
      if (state.phase === "running" && state.occupied < state.slots) this.start(record, true);
      else rest.push(record);
    }
    if (rest.length === 0) return;
    const handedBack = this.shutdown.release(rest, true);
    state.trackStart(handedBack); // a stop waits for it
    handedBack.catch((error: unknown) =>
      this.logger.warn("Could not hand back what a pause claimed", { error }),
    );
  }
}

type TaskResult = { ok: true; value: unknown } | { ok: false; error: unknown };

/** What a finish claimed for the slot it frees (see `finishOutcome`), if it claimed. */
type Claimed = readonly InvocationRecord[] | void;
