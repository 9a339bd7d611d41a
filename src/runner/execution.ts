import type { ExecutionScope } from "../invocation/context.js";
import type { Invocation } from "../invocation/invocation.js";
import type { Logger } from "../logging/index.js";
import { WaitBatch } from "./wait-batch.js";

/** What an execution needs from the runner that holds its slot. */
export interface SuspendHost {
  /**
   * The execution awaits `ids`: pause it if any is unfinished, and resolve once it holds a slot again.
   * Rejects (nothing paused) when the wait would close a cycle.
   */
  suspend(execution: Execution, ids: string[]): Promise<void>;
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
  private collecting: WaitBatch | undefined;
  private deferred: WaitBatch | undefined;

  private scopedLogger: Logger | undefined;

  constructor(
    readonly invocation: Invocation<unknown>,
    readonly runnerId: string,
    private readonly runnerLogger: Logger,
    private readonly host: SuspendHost,
  ) {}

  /** Made on first use: most invocations at `info` never log, and a child logger is not free. */
  get logger(): Logger {
    return (this.scopedLogger ??= this.runnerLogger.child({
      invocation: this.invocation.id,
      task: this.invocation.task.id,
    }));
  }

  get id(): string {
    return this.invocation.id;
  }

  waitOn<T>(waitedId: string, settled: Promise<T>): Promise<T> {
    let batch: WaitBatch;
    if (this.state === "done") return settled;
    if (this.state === "running") {
      batch = this.collecting ??= this.collect(new WaitBatch());
    } else {
      // Awaited while already waiting: handled as the next pause, once this one has resumed.
      batch = this.deferred ??= new WaitBatch();
    }
    batch.ids.add(waitedId);
    return batch.opened.then(() => settled);
  }

  private collect(batch: WaitBatch): WaitBatch {
    queueMicrotask(() => this.decide(batch));
    return batch;
  }

  private decide(batch: WaitBatch): void {
    if (this.collecting === batch) this.collecting = undefined;
    if (this.state === "done" || this.killed) return batch.open();
    this.state = "waiting";
    this.host.suspend(this, [...batch.ids]).then(
      () => this.continueWith(batch, undefined),
      (error: unknown) => this.continueWith(batch, error),
    );
  }

  private continueWith(batch: WaitBatch, error: unknown): void {
    this.state = "running";
    if (error === undefined) batch.open();
    else batch.fail(error);
    const next = this.deferred;
    if (next) {
      this.deferred = undefined;
      this.collecting = this.collect(next);
    }
  }
}
