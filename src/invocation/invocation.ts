import { RegistrationPendingError } from "../errors/errors.js";
import type { HistoryEntry, InvocationStatus } from "./status.js";
import type { TriggeredBy } from "../triggers/trigger-store.js";

/** What a handle needs from its app; an interface so handles stay plain and cheap. */
export interface InvocationClient {
  status(invocation: Invocation<unknown>): Promise<InvocationStatus>;
  history(invocation: Invocation<unknown>): Promise<HistoryEntry[]>;
  result<R>(invocation: Invocation<R>): Promise<R>;
  cancel(invocation: Invocation<unknown>): Promise<boolean>;
  /** Settles once the backend holds the registration (rejects if it failed); none: held already. */
  registered?(invocation: Invocation<unknown>): Promise<void>;
}

/** The identity every handle exposes about the task it runs. */
export interface TaskRef {
  readonly id: string;
}

/** The backend's answer to a call it decides (registration concurrency, call result cache). */
export interface CallAnswer {
  readonly id: string;
  readonly reused: boolean;
  /** The invocation's own arguments: the reused one's when reused. */
  readonly args: readonly unknown[];
}

/** A handle whose call the backend has not answered yet, or refused (`refusal`). */
interface Unanswered {
  readonly id: Promise<string>;
  refusal?: unknown;
}

/** Handles that were made before the backend's answer, until it binds them (kept off every other handle). */
const unanswered = new WeakMap<Invocation<unknown>, Unanswered>();

/**
 * The invocation's id, or, while the backend has not answered the call that made the handle, a promise
 * of it (rejected if the call was refused). For the engine: users read `id` or await `registered`.
 */
export function eventualId(invocation: Invocation<unknown>): string | Promise<string> {
  return idOf(invocation);
}

// Set by Invocation, which can read its own private fields: no WeakMap lookup for a handle that knows its id.
let idOf: (invocation: Invocation<unknown>) => string | Promise<string>;

/** Handles of invocations a trigger made (kept off every other handle, as `unanswered`). */
const triggered = new WeakMap<Invocation<unknown>, TriggeredBy>();

/** For the engine: `invocation` with the trigger that made it (from its record). Returns it. */
export function withTriggeredBy<R>(
  invocation: Invocation<R>,
  triggeredBy: TriggeredBy | undefined,
): Invocation<R> {
  if (triggeredBy) triggered.set(invocation, triggeredBy);
  return invocation;
}

/**
 * One execution request of a task call. Returned at once by calling a task.
 *
 * Which invocation a call stands for is known at the call, except for a task with
 * `registrationConcurrency` or `callResultCache` on a backend that answers through promises (Redis):
 * the backend may answer with an invocation that already exists. Until it has answered, `id`, `args`
 * and `reused` throw a RegistrationPendingError (`await invocation.registered` first); everything else
 * works at once and follows the invocation the call resolves to. A handle never shows two ids: it has
 * none until the answer, then that one. A call the backend refuses (`raiseOnDifferentArgs`) has no id:
 * `registered`, `result`, `status()`, `history()` and `cancel()` reject with its ConcurrencyControlledError
 * and reading `id` throws it. Memory and SQLite answer at once, so their handles always know their id.
 */
export class Invocation<R> {
  private resultPromise: Promise<R> | undefined;
  private registeredPromise: Promise<Invocation<R>> | undefined;
  private ownId: string | undefined;
  private ownArgs: readonly unknown[];
  private ownReused: boolean;

  static {
    idOf = (invocation) => invocation.ownId ?? unanswered.get(invocation)!.id;
  }
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
    id: string,
    readonly task: TaskRef,
    /** The invocation's own arguments: what its task function runs (or ran) with. */
    args: readonly unknown[],
    /** The parent's handle, or only its id when no handle can be made (purged); null if none. */
    parent: Invocation<unknown> | string | null,
    private readonly client: InvocationClient,
    reused = false,
    /**
     * The arguments of the call that returned this handle. The same as `args`, except on a reused
     * invocation of a `"task"` or `"keys"` scope, which keeps the arguments it was registered with:
     * then `args` are those and `callArgs` are this call's, which did not run.
     */
    readonly callArgs: readonly unknown[] = args,
  ) {
    this.ownId = id;
    this.ownArgs = args;
    this.ownReused = reused;
    if (typeof parent === "string") {
      this.parent = undefined;
      this.parentId = parent;
    } else {
      this.parent = parent;
      this.parentId = parent === null ? null : parent.id;
    }
  }

  /**
   * For the engine: the handle of a call whose invocation `answer` names later (see the class comment).
   * A rejected `answer` is a refused call.
   */
  static answeredLater<R>(
    task: TaskRef,
    callArgs: readonly unknown[],
    parent: Invocation<unknown> | null,
    client: InvocationClient,
    answer: Promise<CallAnswer>,
  ): Invocation<R> {
    const handle = new Invocation<R>("", task, callArgs, parent, client);
    handle.ownId = undefined;
    const state: Unanswered = {
      id: answer.then(
        (a) => {
          handle.ownId = a.id;
          handle.ownArgs = a.args;
          handle.ownReused = a.reused;
          unanswered.delete(handle);
          return a.id;
        },
        (error: unknown) => {
          state.refusal = error;
          throw error;
        },
      ),
    };
    unanswered.set(handle, state);
    handle.registeredPromise = state.id.then(() => handle);
    // Read or not, a refusal must not be an unhandled rejection: it reaches whoever awaits.
    handle.registeredPromise.catch(() => {});
    return handle;
  }

  /** For the engine: the handle of a call refused at once (see the class comment). */
  static refused<R>(
    task: TaskRef,
    callArgs: readonly unknown[],
    parent: Invocation<unknown> | null,
    client: InvocationClient,
    refusal: Error,
  ): Invocation<R> {
    const handle = Invocation.answeredLater<R>(task, callArgs, parent, client, Promise.reject(refusal));
    unanswered.get(handle)!.refusal = refusal;
    return handle;
  }

  /** The invocation's id (a UUID). See the class comment for the one case where it comes later. */
  get id(): string {
    return this.ownId ?? this.unknown("id");
  }

  /**
   * When a trigger made it: the trigger's id and what fired it (an event, another invocation's status,
   * a cron tick; several for allOf). Known on the handle the firing made and on `app.getInvocation(id)`.
   */
  get triggeredBy(): TriggeredBy | undefined {
    return triggered.get(this);
  }

  /** The invocation's own arguments: what its task function runs (or ran) with. */
  get args(): readonly unknown[] {
    if (this.ownId === undefined) this.unknown("args");
    return this.ownArgs;
  }

  /**
   * True when the call returned an invocation that already existed (registration concurrency found
   * an unfinished one of the same scope, or the call result cache a finished one) instead of a new one.
   */
  get reused(): boolean {
    if (this.ownId === undefined) this.unknown("reused");
    return this.ownReused;
  }

  private unknown(what: string): never {
    const state = unanswered.get(this);
    if (state && "refusal" in state) throw state.refusal;
    throw new RegistrationPendingError(
      `The ${what} of this call of task "${this.task.id}" is not known yet: the backend has not answered the call (registrationConcurrency or callResultCache may reuse an existing invocation). Read it after \`await invocation.registered\`, which resolves to this handle once it is known`,
    );
  }

  /**
   * Resolves to this handle once the backend holds the registration of the invocation the call
   * resolved to (`reused` then tells whether it existed before); rejects when the call was refused or
   * could not be registered. Settled at once (within a microtask or two) on memory and SQLite.
   */
  get registered(): Promise<Invocation<R>> {
    return (this.registeredPromise ??= this.client.registered
      ? this.client.registered(this).then(() => this)
      : Promise.resolve(this));
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
    if (this.ownId !== undefined) return `Invocation(${this.task.id}, ${this.ownId})`;
    const state = unanswered.get(this);
    return `Invocation(${this.task.id}, ${state && "refusal" in state ? "refused" : "not answered yet"})`;
  }
}
