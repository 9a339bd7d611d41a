import { InvocationPurgedError, NoRunnerError } from "../errors/errors.js";
import type { Orchestrator } from "../orchestrator/orchestrator.js";
import { eventualId, type Invocation, type InvocationClient } from "./invocation.js";
import { isPromise, type Awaitable } from "../util/awaitable.js";
import type { Registrar } from "./registrar.js";
import { ResultPromise } from "./result-promise.js";
import { InvocationStatus, isFinal, type HistoryEntry, type StatusRecord } from "./status.js";

/** How handles reach the backend of the app that made them. */
export interface ClientHost {
  readonly orchestrator: Orchestrator;
  readonly registrar: Registrar;
  decodeOutcome(id: string): Awaitable<unknown>;
  /** A reason the invocation can never run from here (checked once per result), or undefined. */
  cannotRunReason(): string | undefined;
  /** Called when a result that is not final yet is awaited outside any invocation. */
  onOutsideAwait(invocation: Invocation<unknown>): void;
}

export class AppInvocationClient implements InvocationClient {
  /** Watches of results awaited before their registration was written, and the write they wait for. */
  private awaitingRegistration: (() => void)[] | undefined;
  private awaitingWrite: Promise<void> | undefined;
  /** The store answers status reads with promises (a network store): `succeededAlready` never can. */
  private asyncStatuses = false;

  constructor(private readonly host: ClientHost) {}

  async status(invocation: Invocation<unknown>): Promise<InvocationStatus> {
    const id = await this.registeredId(invocation);
    const record = await this.host.orchestrator.status(id);
    if (!record) throw purged(id);
    return record.status;
  }

  async history(invocation: Invocation<unknown>): Promise<HistoryEntry[]> {
    const id = await this.registeredId(invocation);
    const history = await this.host.orchestrator.history(id);
    if (history.length === 0) throw purged(id);
    return history;
  }

  async registered(invocation: Invocation<unknown>): Promise<void> {
    await this.registeredId(invocation);
  }

  result<R>(invocation: Invocation<R>): Promise<R> {
    const id = eventualId(invocation);
    if (typeof id !== "string") {
      // The backend has not answered the call yet: watched once it has (refused: rejected with why).
      return ResultPromise.of<R>(id, (promise, outside) => {
        void id.then(
          () => this.observe(invocation, promise, outside),
          (error: unknown) => promise.settle({ ok: false, error }),
        );
      });
    }
    return (
      this.succeededAlready<R>(id) ??
      ResultPromise.of<R>(id, (promise, outside) => this.observe(invocation, promise, outside))
    );
  }

  /**
   * A built-in promise of the value when the store already tells, at once, that the invocation
   * succeeded: awaiting it needs no watch and no pause (awaiting a result that is already there never
   * pauses anyway). Anything else (not final, failed, an asynchronous store) goes through ResultPromise.
   */
  private succeededAlready<R>(id: string): Promise<R> | undefined {
    if (this.asyncStatuses || !this.host.registrar.idle) return undefined;
    const record = this.host.orchestrator.status(id);
    if (isPromise(record)) {
      // A read whose answer nobody awaits, once; failing (the store away) it must not crash the process.
      record.catch(() => {});
      this.asyncStatuses = true;
      return undefined;
    }
    if (record?.status !== InvocationStatus.SUCCESS) return undefined;
    let value: Awaitable<unknown>;
    try {
      value = this.host.decodeOutcome(id);
    } catch {
      return undefined; // let the watched path report it
    }
    return isPromise(value) ? undefined : Promise.resolve(value as R);
  }

  /** The result is awaited (outside any invocation, or by an invocation that resumed): deliver it. */
  private observe<R>(invocation: Invocation<R>, promise: ResultPromise<R>, outside: boolean): void {
    // Pinned at once, even before its registration is written: the invocation may be claimed, run,
    // finish and meet retention in the microtasks before the watch starts.
    const pinned = outside ? this.host.orchestrator.pinResult(invocation.id) : undefined;
    if (this.host.registrar.idle) return this.watch(invocation, promise, outside, pinned);
    // Called and awaited in the same tick (the usual `await task(x).result`): watched once its
    // registration is written, all such results of one batch together. `settled()` is one promise per
    // batch, covering every registration made before it: a new promise starts a new list.
    const written = this.host.registrar.settled();
    if (written !== this.awaitingWrite) {
      const waiting: (() => void)[] = [];
      this.awaitingWrite = written;
      this.awaitingRegistration = waiting;
      void written.then(() => {
        if (this.awaitingRegistration === waiting) this.awaitingWrite = this.awaitingRegistration = undefined;
        for (const watch of waiting) watch();
      });
    }
    this.awaitingRegistration!.push(() => this.watch(invocation, promise, outside, pinned));
  }

  /**
   * Settle `promise` once the invocation is final: at once if it already is, else on its final event.
   * Awaited `outside` any invocation and not final yet, it may have no runner to execute it. Outside,
   * the result was pinned when it was awaited (`pinned`: that step) and is unpinned once read, so
   * retention cannot forget it before the read (inside a task the waiter's wait edge keeps it).
   */
  private watch<R>(
    invocation: Invocation<R>,
    promise: ResultPromise<R>,
    outside: boolean,
    pinned: Awaitable<void>,
  ): void {
    const id = invocation.id;
    const orchestrator = this.host.orchestrator;
    const settle: Settle<R> = outside
      ? settleAndUnpin(promise, orchestrator, id)
      : (outcome) => promise.settle(outcome);
    const deliver = () => this.deliver(id, settle);
    const check = (record: StatusRecord | undefined) => {
      // Registered (the registrar is idle and did not fail) yet unknown: retention purged it.
      if (!record) settle({ ok: false, error: purged(id) });
      else if (isFinal(record.status)) deliver();
      else if (!outside || !this.noRunnerFails(invocation, settle)) orchestrator.whenAllFinal([id], deliver);
    };
    const fail = (error: unknown) => settle({ ok: false, error });
    const failure = this.host.registrar.failureOf(id);
    if (failure !== undefined) return fail(failure);
    const read = () => {
      const found = orchestrator.status(id);
      if (!isPromise(found)) check(found);
      else if (outside) this.listenWhileReading(invocation, found, settle, deliver);
      else found.then(check, fail);
    };
    if (isPromise(pinned)) pinned.then(read, fail);
    else read();
  }

  /**
   * An outside await on an asynchronous store: the final is listened for in the same step as the status
   * read is sent, so a final reached after the read is not missed, and whenAllFinal's own read joins
   * this one (one read per tick, see the Redis TickBatch) instead of a second round trip after it. The
   * listener delivers when final; the read's answer only settles what the listener never will: an
   * invocation that is gone, or one nothing can run.
   */
  private listenWhileReading<R>(
    invocation: Invocation<R>,
    found: Promise<StatusRecord | undefined>,
    settle: Settle<R>,
    deliver: () => void,
  ): void {
    let delivered = false;
    const stop = this.host.orchestrator.whenAllFinal([invocation.id], () => {
      delivered = true;
      deliver();
    });
    found.then(
      (record) => {
        if (delivered) return;
        if (!record) {
          stop();
          settle({ ok: false, error: purged(invocation.id) });
        } else if (!isFinal(record.status) && this.noRunnerFails(invocation, settle)) stop();
      },
      (error: unknown) => {
        stop();
        settle({ ok: false, error });
      },
    );
  }

  /** Rejects the result if nothing can ever run the invocation, else warns if no runner runs here now. */
  private noRunnerFails<R>(invocation: Invocation<R>, settle: Settle<R>): boolean {
    const reason = this.host.cannotRunReason();
    if (reason) settle({ ok: false, error: new NoRunnerError(reason) });
    else this.host.onOutsideAwait(invocation);
    return reason !== undefined;
  }

  private deliver<R>(id: string, settle: Settle<R>): void {
    const fail = (error: unknown) => settle({ ok: false, error });
    try {
      const value = this.host.decodeOutcome(id);
      if (isPromise(value)) value.then((v) => settle({ ok: true, value: v as R }), fail);
      else settle({ ok: true, value: value as R });
    } catch (error) {
      fail(error);
    }
  }

  async cancel(invocation: Invocation<unknown>): Promise<boolean> {
    return this.host.orchestrator.cancel(await this.registeredId(invocation));
  }

  /** The id, once the backend holds the registration (throws why it never will). */
  private async registeredId(invocation: Invocation<unknown>): Promise<string> {
    const known = eventualId(invocation);
    // An answered call was stored before its answer came back (see DecidedCalls).
    if (typeof known !== "string") return known;
    await this.host.registrar.settled();
    const failure = this.host.registrar.failureOf(known);
    if (failure !== undefined) throw failure;
    return known;
  }
}

/** Settles a watched result (and lets go of what kept it from retention). */
type Settle<R> = (outcome: Parameters<ResultPromise<R>["settle"]>[0]) => void;

/** Settles `promise` and unpins its result, once: the unpin matches the one pin. */
function settleAndUnpin<R>(promise: ResultPromise<R>, orchestrator: Orchestrator, id: string): Settle<R> {
  let over = false;
  return (outcome) => {
    if (over) return;
    over = true;
    promise.settle(outcome);
    orchestrator.unpinResult(id);
  };
}

const purged = (id: string) => InvocationPurgedError.of(id);
