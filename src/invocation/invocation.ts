import type { HistoryEntry, InvocationStatus } from "./status.js";

/** What a handle needs from its app; an interface so handles stay plain and cheap. */
export interface InvocationClient {
  status(invocation: Invocation<unknown>): Promise<InvocationStatus>;
  history(invocation: Invocation<unknown>): Promise<HistoryEntry[]>;
  result<R>(invocation: Invocation<R>): Promise<R>;
  cancel(invocation: Invocation<unknown>): Promise<boolean>;
}

/** The identity every handle exposes about the task it runs. */
export interface TaskRef {
  readonly id: string;
}

/** One execution request of a task call. Returned at once by calling a task. */
export class Invocation<R> {
  private resultPromise: Promise<R> | undefined;
  /**
   * The id of the invocation whose code made the call, or null for a call from outside any task. Kept
   * when retention has purged that parent.
   */
  readonly parentId: string | null;
  /**
   * That parent's handle: null for a call from outside any task, undefined when the parent is no longer
   * in the backend (retention purged it; `parentId` still names it).
   */
  readonly parent: Invocation<unknown> | null | undefined;

  constructor(
    readonly id: string,
    readonly task: TaskRef,
    /** The invocation's own arguments: what its task function runs (or ran) with. */
    readonly args: readonly unknown[],
    /** The parent's handle, or only its id when no handle can be made (purged); null if none. */
    parent: Invocation<unknown> | string | null,
    private readonly client: InvocationClient,
    /**
     * True when the call returned an invocation that already existed (registration concurrency found
     * an unfinished one of the same scope, or the call result cache a finished one) instead of a new one.
     */
    readonly reused = false,
    /**
     * The arguments of the call that returned this handle. The same as `args`, except on a reused
     * invocation of a `"task"` or `"keys"` scope, which keeps the arguments it was registered with:
     * then `args` are those and `callArgs` are this call's, which did not run.
     */
    readonly callArgs: readonly unknown[] = args,
  ) {
    if (typeof parent === "string") {
      this.parent = undefined;
      this.parentId = parent;
    } else {
      this.parent = parent;
      this.parentId = parent === null ? null : parent.id;
    }
  }

  /** Settles with the task's return value or rejects with its error. The same promise on every read. */
  get result(): Promise<R> {
    return (this.resultPromise ??= this.client.result(this));
  }

  /** The current status. */
  status(): Promise<InvocationStatus> {
    return this.client.status(this);
  }

  /**
   * Stop it: a queued one never runs, a running or paused one has its signal aborted and its slot freed;
   * it ends CANCELLED and whoever awaits it gets a CancelledError. The invocations only it waits for are
   * cancelled too. Resolves to false if it had already finished.
   */
  cancel(): Promise<boolean> {
    return this.client.cancel(this);
  }

  /** Every status it went through, in order, with the runner that moved it and when (ms epoch). */
  history(): Promise<HistoryEntry[]> {
    return this.client.history(this);
  }

  toString(): string {
    return `Invocation(${this.task.id}, ${this.id})`;
  }
}
