import type { ExecutionScope } from "../invocation/context.js";
import type { Invocation } from "../invocation/invocation.js";
import type { Logger } from "../logging/index.js";
import type { PreparedInvocation } from "./runner-host.js";
import type { Resumed } from "./runner-state.js";
import type { SlotTicket } from "./runner-state.js";
import { WaitBatch, type AwaitedHolds } from "./wait-batch.js";

/** What an execution needs from the runner that holds its slot. */
export interface SuspendHost {
  /**
   * The execution awaits the ids of `batch`: record the wait (then `batch.releaseHolds()`), pause it
   * if any is unfinished, and call `done` once it holds a slot again; `done(error)` (nothing paused)
   * when the wait would close a cycle.
   */
  suspend(execution: Execution, batch: WaitBatch, done: (error?: unknown) => void): void;
  /** Where awaited results are held from retention until their wait is recorded. */
  readonly awaitedHolds: AwaitedHolds;
}

/**
 * One running invocation on a runner. Awaits of other invocations' results made in the same tick form
 * one batch (so `Promise.all` is one pause); their continuations run only after the runner gives the
 * slot back, which keeps the number of RUNNING invocations within the slot count.
 */
export class Execution implements ExecutionScope {
  state: "running" | "waiting" | "done" = "running";
  killed = false;
  pausedAt = 0;
  /** Cancels the subscription of a paused execution to its dependencies (set by the runner). */
  cancelWait: (() => void) | undefined;
  /** While paused: its place in the runner's queue for a slot, once it has one (set by the runner). */
  paused: Resumed | undefined;
  /** While paused: what the store found unfinished when it paused it (set with `paused`). */
  pausedOn: ReadonlySet<string> | undefined;
  private collecting: WaitBatch | undefined;
  private deferred: WaitBatch | undefined;

  private scopedLogger: Logger | undefined;
  private controller: AbortController | undefined;
  /** Its running-concurrency scope, if its task has one. */
  runningKey: string | undefined;
  /** The timeoutMs timer, while it runs. */
  timer: NodeJS.Timeout | undefined;
  /** With a timeoutMs: when it runs out (performance.now()), and the timeoutMs itself. */
  deadline: number | undefined;
  timeoutMs = 0;

  readonly id: string;
  readonly taskId: string;

  constructor(
    private readonly prepared: PreparedInvocation,
    readonly runnerId: string,
    private readonly runnerLogger: Logger,
    private readonly host: SuspendHost,
    /** The slot it holds (or not, while paused) and whether its end was accounted for. */
    readonly ticket: SlotTicket,
    /** Accounts for its end (slot, in-flight count); runs once however often it is called. */
    readonly release: () => void,
  ) {
    this.id = prepared.id;
    this.taskId = prepared.taskId;
  }

  /** Its handle, for the task's context and as the parent of what it calls. */
  get invocation(): Invocation<unknown> {
    return this.prepared.handle;
  }

  /** Calls the task function with the invocation's arguments. */
  call(): Promise<unknown> {
    return this.prepared.call();
  }

  /** Made on first use: most invocations at `info` never log, and a child logger is not free. */
  get logger(): Logger {
    return (this.scopedLogger ??= this.runnerLogger.child({
      invocation: this.id,
      task: this.taskId,
    }));
  }

  /** Made on first use: most tasks never look at it. */
  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }

  abort(reason: Error): void {
    (this.controller ??= new AbortController()).abort(reason);
    this.deferred?.releaseHolds(); // a wait that now never happens
  }

  waitOn(waitedId: string, resume: (error?: unknown) => void): void {
    if (this.state === "done") return resume();
    // Awaited while already waiting: handled as the next pause, once this one has resumed.
    const batch =
      this.state === "running"
        ? (this.collecting ??= this.collect(new WaitBatch(this.host.awaitedHolds)))
        : (this.deferred ??= new WaitBatch(this.host.awaitedHolds));
    batch.add(waitedId, resume);
  }

  private collect(batch: WaitBatch): WaitBatch {
    queueMicrotask(() => this.decide(batch));
    return batch;
  }

  private decide(batch: WaitBatch): void {
    if (this.collecting === batch) this.collecting = undefined;
    if (this.state === "done" || this.killed) {
      batch.releaseHolds();
      // Code of an ended invocation reads no more results: its awaits reject with why it ended.
      return batch.release(this.killed ? (this.signal.reason as unknown) : undefined);
    }
    this.state = "waiting";
    this.host.suspend(this, batch, (error) => this.continueWith(batch, error));
  }

  private continueWith(batch: WaitBatch, error: unknown): void {
    this.state = "running";
    batch.release(error);
    const next = this.deferred;
    if (next) {
      this.deferred = undefined;
      this.collecting = this.collect(next);
    }
  }
}
