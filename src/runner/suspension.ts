import { WaitCycleError } from "../errors/errors.js";
import { InvocationStatus, type StatusRecord } from "../invocation/status.js";
import type { InvocationRecord } from "../invocation/invocation-record.js";
import type { Logger } from "../logging/index.js";
import { runFlow, settle, type Flow } from "../util/flow.js";
import type { PauseAnswer } from "../orchestrator/waits.js";
import type { Execution } from "./execution.js";
import type { WaitBatch } from "./wait-batch.js";
import type { RunnerHost } from "./runner-host.js";
import { releaseKey, type Resumed, type RunnerState, type SlotTicket } from "./runner-state.js";

const S = InvocationStatus;

/** A pause's claim for the slot it frees: one invocation, moved straight to RUNNING. */
const CLAIM_ONE = { max: 1, running: true } as const;

/** What the suspension asks of its runner's slots. */
export interface SlotHandOver {
  /** Fill free slots soon (the runner's kick). */
  kick(): void;
  /** Whether this execution's pause may claim for the slot it frees (see ThreadRunner). */
  claimsOnPause(execution: Execution): boolean;
  /**
   * Start what a pause claimed, moved to RUNNING already, in the slot it freed; what finds no free slot
   * (a stop, or an abort that freed the slot first and let new work take it) is handed back.
   */
  startClaimed(claimed: readonly InvocationRecord[]): void;
}

/**
 * A ThreadRunner's pause and resume: an execution awaiting others' results gives its slot up (PAUSED),
 * and once they are final it queues as RESUMED for a slot, ahead of new work.
 */
export class Suspension {
  /** Queued for a slot but still PAUSED in the store (see `queuePaused`). */
  private readonly stillPaused = new Set<Resumed>();
  /** Their move to RESUMED is on its way: `resumeNext` passes them by until it is made. */
  private readonly marking = new Set<Resumed>();
  /** Resumed by a finish of this runner (see `resumedByFinish`) while their own move was on its way. */
  private readonly resumedByStore = new WeakSet<Resumed>();
  /** Given a slot by `resumeNext`, their resume on its way. */
  private readonly resuming = new Set<Resumed>();

  private readonly kick: () => void;

  constructor(
    private readonly state: RunnerState,
    private readonly host: RunnerHost,
    private readonly runnerId: string,
    private readonly logger: Logger,
    private readonly slots: SlotHandOver,
  ) {
    this.kick = () => slots.kick();
  }

  /** The task's code goes on (see sync-guard.ts). */
  private proceed(execution: Execution, done: (error?: unknown) => void, error?: unknown): void {
    this.state.syncGuard?.resume(execution.taskId);
    done(error);
  }

  suspend(execution: Execution, batch: WaitBatch, done: (error?: unknown) => void): void {
    // Its place in the queue for a slot once its waits are over, set as soon as the store paused it
    // (a finish of what it waits for may resume it before this pause has run to its end).
    const item: Resumed = {
      execution,
      grant: () => {
        execution.paused = execution.pausedOn = undefined;
        this.proceed(execution, done);
      },
    };
    // With a one-call pause, its finals are listened for from before that call: whatever it finds open
    // is then heard finishing without a status read after it (see Orchestrator.watchFinals).
    const orchestrator = this.host.orchestrator;
    const watch = orchestrator.pausesInOneStep ? orchestrator.watchFinals([...batch.ids]) : undefined;
    runFlow(this.pauseFlow(execution, batch, item), (error, open) => {
      // Cancelled, timed out or killed while it set the wait up: its code does not go on, and the
      // abort that ended it leaves no wait edge behind (see Waits.pause).
      if (execution.killed || error !== undefined || !open || execution.paused !== item) watch?.cancel();
      if (execution.killed) return;
      if (error !== undefined || !open) return this.proceed(execution, done, error);
      if (execution.paused !== item) return; // a finish resumed it already (see `resumedByFinish`)
      const whenAllFinal = (listener: () => void) =>
        watch ? watch.then(open, listener) : orchestrator.whenAllFinal(open, listener);
      execution.cancelWait = whenAllFinal(() => {
        execution.cancelWait = undefined;
        if (execution.killed) return;
        const generation = this.state.generation;
        if (this.host.orchestrator.resumesInOneStep) return this.queuePaused(item);
        this.state.resuming++; // synchronously, before the finished dependency's slot is handed out
        settle(
          () => this.host.orchestrator.transition(execution.id, S.RESUMED, this.runnerId),
          (failure) => {
            if (generation === this.state.generation) this.state.resuming--;
            if (execution.killed) return; // aborted meanwhile: its abort ended it
            if (failure !== undefined) {
              execution.logger.warn("Could not resume; it was taken over", { error: failure });
              return;
            }
            if (this.logger.isEnabled("debug")) execution.logger.debug("RESUMED, waiting for a slot");
            insertByPauseTime(this.state.resumed, item);
            this.kick();
          },
        );
      });
    });
  }

  /**
   * With a store that resumes from PAUSED in one call: queued for a slot at once, still PAUSED in the
   * store, so that `resumeNext`, given a slot, moves it PAUSED -> RESUMED -> RUNNING in one call. If no
   * slot took it by the next turn, it is moved to RESUMED then, as without that store method.
   */
  private queuePaused(item: Resumed): void {
    this.stillPaused.add(item);
    insertByPauseTime(this.state.resumed, item); // synchronously, before the finished one's slot is handed out
    this.kick();
    const generation = this.state.generation;
    setImmediate(() => this.markResumed(item, generation));
  }

  /** Still PAUSED in the store and waiting for a slot: RESUMED now, so the store says it is ready. */
  private markResumed(item: Resumed, generation: number): void {
    const state = this.state;
    const execution = item.execution;
    if (!this.stillPaused.delete(item)) return; // a slot took it meanwhile
    if (generation !== state.generation || execution.killed || !state.resumed.includes(item)) return;
    this.marking.add(item);
    state.resuming++; // its place in the queue is skipped meanwhile: new work must not take the slot
    settle(
      () => this.host.orchestrator.transition(execution.id, S.RESUMED, this.runnerId),
      (failure) => {
        this.marking.delete(item);
        if (generation === state.generation) state.resuming--;
        if (failure !== undefined) {
          const at = state.resumed.indexOf(item);
          if (at >= 0) removeAt(state.resumed, at);
          // Refused as a finish of this runner resumed it meanwhile (see `resumedByFinish`): no news.
          if (!execution.killed && !this.resumedByStore.has(item))
            execution.logger.warn("Could not resume; it was taken over", { error: failure });
        } else if (this.logger.isEnabled("debug")) execution.logger.debug("RESUMED, waiting for a slot");
        this.kick();
      },
    );
  }

  /** Pause on the unfinished ones among `ids` and free the slot; returns them, or undefined if none. */
  private *pauseFlow(
    execution: Execution,
    batch: WaitBatch,
    item: Resumed,
  ): Flow<readonly string[] | undefined> {
    const orchestrator = this.host.orchestrator;
    const ids = [...batch.ids];
    let answer: PauseAnswer;
    if (orchestrator.pausesInOneStep) {
      // Edges and pause in one store call; the batch holds the results from retention until the edges
      // are in. The call goes at once, behind the registrations of what it waits for (sent before it on
      // the same connection), without waiting for their answers: a store that does not know a waited id
      // yet changes nothing and says so (`unregistered`), and the pause is made again once every
      // registration is answered.
      try {
        const registrar = this.host.registrar;
        let early = !registrar.idle;
        for (;;) {
          if (execution.killed) return undefined; // ended meanwhile: no edge was recorded
          // Where the store can, the pause claims for the slot it frees in the same call (the child
          // just called and awaited ranks first), and that slot goes to what it claimed.
          const claim = this.slots.claimsOnPause(execution) ? CLAIM_ONE : undefined;
          const options = { claim, early };
          answer = (yield orchestrator.recordAndPause(
            execution.id,
            ids,
            this.runnerId,
            options,
          )) as PauseAnswer;
          if (answer.unregistered === undefined) break;
          if (this.logger.isEnabled("debug")) {
            const fields = { invocation: execution.id, waited: answer.unregistered };
            this.logger.debug("Pause came before a waited registration; again once it is stored", fields);
          }
          early = false;
          yield registrar.settled();
        }
      } finally {
        batch.releaseHolds();
      }
    } else {
      // The edges go in first: from here they keep every result of this await from retention until the
      // waiter has read it (until then, the batch held them since the await).
      try {
        yield orchestrator.recordWaits(execution.id, ids);
      } finally {
        batch.releaseHolds();
      }
      if (!this.host.registrar.idle) yield this.host.registrar.settled(); // waited ids are stored first
      if (execution.killed) {
        yield orchestrator.dropWaits(execution.id); // ended meanwhile: its finish may have come first
        return undefined;
      }
      answer = (yield orchestrator.pause(execution.id, ids, this.runnerId)) as PauseAnswer;
    }
    const { open, cycle } = answer;
    if (cycle) throw cycleError(execution, cycle);
    if (open.length === 0) {
      if (execution.killed) yield orchestrator.dropWaits(execution.id); // as above
      return undefined;
    }
    execution.pausedAt = performance.now();
    execution.paused = item;
    execution.pausedOn = new Set(open);
    if (this.logger.isEnabled("debug")) execution.logger.debug(`PAUSED waiting for ${open.join(", ")}`);
    this.state.freeSlot(execution.ticket);
    if (answer.claimed && answer.claimed.length > 0) this.slots.startClaimed(answer.claimed);
    this.kick();
    yield releaseKey(this.host, this.runnerId, execution); // a paused invocation does not hold its scope
    return open;
  }

  /**
   * The parent of `execution` when it is paused here on it (that pause answered, and `execution` among
   * what it found unfinished): the one waiter a finish of `execution` may resume in the slot it frees
   * (see `resumedByFinish`). A pause on something else, or one still on its way, does not count: the
   * store could see a later pause of the parent than this runner has.
   */
  pausedParent(execution: Execution): readonly string[] {
    const parentId = execution.invocation.parentId;
    const parent = parentId === null ? undefined : this.state.executions.get(parentId);
    if (!parent?.paused || parent.killed || !parent.pausedOn?.has(execution.id)) return [];
    return [parentId!];
  }

  /**
   * A finish of this runner resumed `id` in the slot it frees (`Backend.finishAndClaim`'s `resumed`): it
   * is RUNNING in the store already and takes that slot now, handed over from the finished one's ticket
   * `from` (whose end then frees nothing), ahead of the queue; its awaits read what the finish read
   * ahead. Told as soon as the store answers, before the finished one's final event, so its own wait is
   * cancelled unfired. Should its resume be on its way already (a final event from elsewhere came
   * first), that refused resume takes the slot instead. Cancelled meanwhile, its code does not go on: it
   * holds the slot until its end, recorded after this (later on the same connection), frees it.
   */
  resumedByFinish(id: string, from: SlotTicket): void {
    const state = this.state;
    const execution = state.executions.get(id);
    const item = execution?.paused;
    if (!execution || !item) {
      this.logger.warn("A finish resumed an invocation that is not paused here", { invocation: id });
      return;
    }
    execution.cancelWait?.();
    execution.cancelWait = undefined;
    if (this.resuming.has(item)) {
      // `resumeNext` holds a slot for it and its resume is on its way, to be refused: it goes on there.
      this.resumedByStore.add(item);
      return;
    }
    const at = state.resumed.indexOf(item);
    if (at >= 0) removeAt(state.resumed, at);
    this.stillPaused.delete(item);
    if (this.marking.has(item)) this.resumedByStore.add(item);
    const ticket = execution.ticket;
    if (execution.killed) execution.paused = undefined;
    if (!execution.killed || (!ticket.released && state.current(ticket) && !ticket.holdsSlot)) {
      // The finished one's slot, counted on: its end frees nothing (`freeSlot` on a ticket that holds none).
      if (from.holdsSlot && state.current(from)) from.holdsSlot = false;
      else state.occupied++;
      ticket.holdsSlot = true;
    }
    if (execution.killed) return;
    if (this.logger.isEnabled("debug")) execution.logger.debug("RESUMED");
    this.handedSlot(execution);
    item.grant();
  }

  /**
   * Hand a free slot to the oldest-paused resumed execution that may run now: the slot is counted, then
   * the store moves it RESUMED -> RUNNING in one step, unless its running-concurrency key is held (then
   * the slot is given back and the next one is tried). Returns true when the slot was taken (also by
   * one that a cancel ended while the store answered: its end frees it), false when none could take it.
   */
  *resumeNext(): Flow<boolean> {
    const state = this.state;
    const queue = state.resumed;
    let i = 0;
    while (i < queue.length) {
      const item = queue[i]!;
      const execution = item.execution;
      if (execution.killed) {
        removeAt(queue, i); // cancelled or timed out while it waited for a slot
        continue;
      }
      if (this.marking.has(item)) {
        i++; // its move to RESUMED is on its way: the slot is not given to new work meanwhile
        continue;
      }
      const fromPause = this.stillPaused.delete(item);
      state.occupied++;
      execution.ticket.holdsSlot = true;
      let record: StatusRecord | undefined;
      this.resuming.add(item);
      try {
        const orchestrator = this.host.orchestrator;
        record = (yield fromPause
          ? orchestrator.resumeFromPause(execution.id, this.runnerId)
          : orchestrator.resume(execution.id, this.runnerId)) as StatusRecord | undefined;
      } catch (error) {
        this.resuming.delete(item);
        if (this.resumedByStore.has(item)) {
          // Refused as a finish of this runner resumed it meanwhile (RUNNING already): it takes this
          // slot, as `resumedByFinish` left it to do.
          const at = positionOf(queue, item, i);
          if (at >= 0) removeAt(queue, at);
          if (execution.killed) return true; // as below: its end frees the slot
          this.handedSlot(execution);
          item.grant();
          return true;
        }
        state.freeSlot(execution.ticket);
        i = positionOf(queue, item, i);
        if (i >= 0) removeAt(queue, i);
        else i = 0; // an asynchronous store let the queue change meanwhile: look again from the start
        // Cancelled, timed out or killed by a stop while the store answered: that end stands.
        const fields = { invocation: execution.id, error };
        if (execution.killed) this.logger.debug("Not resumed: it ended meanwhile", fields);
        else this.logger.warn("Could not resume invocation; it was taken over", fields);
        continue;
      }
      this.resuming.delete(item);
      const at = positionOf(queue, item, i);
      if (fromPause && this.logger.isEnabled("debug")) execution.logger.debug("RESUMED");
      if (record === undefined) {
        state.freeSlot(execution.ticket); // its key is held: it keeps its place in the queue
        i = at + 1;
        continue;
      }
      if (at >= 0) removeAt(queue, at);
      if (execution.killed) {
        // Cancelled or killed while the store answered: its code does not go on, and that end stands.
        // Its slot is freed by that end once it is recorded (freed now, another invocation could run
        // while the store still shows this one RUNNING). So the slot is taken: the caller looks again
        // whether one is free, rather than this loop handing the next resumed one a slot there is not.
        return true;
      }
      this.handedSlot(execution);
      item.grant();
      return true;
    }
    return false;
  }

  private handedSlot(execution: Execution): void {
    if (!this.logger.isEnabled("debug")) return;
    const { occupied, slots } = this.state;
    this.logger.debug(`Slot handed to resumed invocation (${occupied}/${slots} busy)`, {
      invocation: execution.id,
      task: execution.taskId,
    });
  }
}

function insertByPauseTime(queue: Resumed[], item: Resumed): void {
  let i = queue.length;
  while (i > 0 && queue[i - 1]!.execution.pausedAt > item.execution.pausedAt) i--;
  queue.splice(i, 0, item);
}

/** Where `item` is now: at `hint` unless an asynchronous store let the queue change; -1 once gone. */
function positionOf(queue: Resumed[], item: Resumed, hint: number): number {
  return queue[hint] === item ? hint : queue.indexOf(item);
}

function removeAt(queue: Resumed[], i: number): void {
  if (i === 0) queue.shift();
  else queue.splice(i, 1);
}

function cycleError(execution: Execution, cycle: readonly string[]): WaitCycleError {
  return new WaitCycleError(
    `Invocation ${execution.id} (task "${execution.taskId}") cannot wait: the wait would close the cycle ${cycle.join(" -> ")}, so none of them could ever finish`,
    cycle,
  );
}
