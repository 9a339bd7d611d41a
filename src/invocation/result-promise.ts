import { currentExecution, type ExecutionScope } from "./context.js";

/** `then` of the built-in Promise, bypassing the override below. */
function nativeThen<T, A, B>(
  promise: Promise<T>,
  onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
  onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
): Promise<A | B> {
  return Promise.prototype.then.call(promise, onFulfilled, onRejected) as Promise<A | B>;
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * Starts delivering the outcome to a result promise, once: `outside` when it is first awaited outside any
 * invocation, else when an invocation awaiting it resumes.
 */
export type Observe<T> = (promise: ResultPromise<T>, outside: boolean) => void;

/**
 * The promise behind `invocation.result`. Awaiting it inside a running invocation goes through that
 * invocation's runner, which pauses the waiter, frees its slot, and continues the awaiting code only
 * once it holds a slot again; elsewhere it is a plain promise.
 *
 * Lazy: nothing watches the invocation until the result is awaited, and the built-in promise is
 * rejected only once somebody awaits it outside an invocation, so a result read and never awaited
 * costs no subscription and cannot crash the process with an unhandled rejection.
 */
export class ResultPromise<T> extends Promise<T> {
  // Derived promises (then/catch/finally) are plain promises: only the result itself is special.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  private invocationId = "";
  /** The id while the backend has not answered the call (see `Invocation.answeredLater`). */
  private idLater: Promise<string> | undefined;
  private observe: Observe<T> | undefined;
  private outcome: Settled<T> | undefined;
  private awaitedOutside = false;
  private whenSettled: (() => void)[] | undefined;
  // The built-in promise's resolvers, dropped once used: a kept result costs no closures.
  private resolveOwn: ((value: T) => void) | undefined;
  private rejectOwn: ((reason: unknown) => void) | undefined;

  /** `invocationId`: a promise of it while the backend has not answered the call (rejected: refused). */
  static of<T>(invocationId: string | Promise<string>, observe: Observe<T>): ResultPromise<T> {
    const promise = new ResultPromise<T>(capture as Executor<T>);
    promise.resolveOwn = captured.resolve;
    promise.rejectOwn = captured.reject;
    if (typeof invocationId === "string") promise.invocationId = invocationId;
    else promise.idLater = invocationId;
    promise.observe = observe;
    return promise;
  }

  /** Settle it (once): called by the client when the invocation is final. */
  settle(outcome: Settled<T>): void {
    if (this.outcome) return;
    this.outcome = outcome;
    if (outcome.ok) this.resolveOwn!(outcome.value);
    else if (!this.awaitedOutside)
      return this.runWhenSettled(); // rejected natively once awaited outside
    else this.rejectOwn!(outcome.error);
    this.resolveOwn = this.rejectOwn = undefined;
    this.runWhenSettled();
  }

  private runWhenSettled(): void {
    const waiting = this.whenSettled;
    this.whenSettled = undefined;
    if (waiting) for (const callback of waiting) callback();
  }

  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const scope = currentExecution();
    if (scope && this.invocationId)
      return this.waitThrough(scope, this.invocationId, onFulfilled, onRejected);
    if (scope && this.idLater) {
      // The slot is kept for the backend's answer (one round trip), then the wait goes as any other.
      return nativeThen(
        this.idLater,
        (id) => {
          this.invocationId = id;
          return this.waitThrough(scope, id, onFulfilled, onRejected);
        },
        onRejected,
      );
    }
    const derived = nativeThen(this, onFulfilled, onRejected);
    if (!this.awaitedOutside) {
      this.awaitedOutside = true;
      // Rejected only now that a handler is attached (see the class comment).
      if (this.outcome && !this.outcome.ok) {
        this.rejectOwn!(this.outcome.error);
        this.resolveOwn = this.rejectOwn = undefined;
      }
      this.start(true);
    }
    return derived;
  }

  /** Await inside a running invocation: through its runner, which pauses it and frees its slot. */
  private waitThrough<A, B>(
    scope: ExecutionScope,
    id: string,
    onFulfilled: ((value: T) => A | PromiseLike<A>) | null | undefined,
    onRejected: ((reason: any) => B | PromiseLike<B>) | null | undefined,
  ): Promise<A | B> {
    return new Promise<A | B>((resolve, reject) => {
      scope.waitOn(id, (error) => {
        // A wait that could not happen (a cycle) fails the await itself, through its own handler.
        if (error !== undefined)
          return deliver({ ok: false, error }, onFulfilled, onRejected, resolve, reject);
        this.afterSettled(() => deliver(this.outcome!, onFulfilled, onRejected, resolve, reject));
      });
    });
  }

  private start(outside: boolean): void {
    const observe = this.observe;
    if (!observe) return;
    this.observe = undefined;
    observe(this, outside);
  }

  private afterSettled(callback: () => void): void {
    if (this.outcome) return callback();
    (this.whenSettled ??= []).push(callback);
    this.start(false);
  }
}

type Executor<T> = (resolve: (value: T) => void, reject: (reason: unknown) => void) => void;

// One executor for every ResultPromise (no closure per promise): it hands its resolvers over here.
const captured: { resolve: (value: unknown) => void; reject: (reason: unknown) => void } = {
  resolve: () => {},
  reject: () => {},
};
function capture(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  captured.resolve = resolve;
  captured.reject = reject;
}

/** Run the awaiting code's handler now, inside its resumed slot, as `then` would. */
function deliver<T, A, B>(
  outcome: Settled<T>,
  onFulfilled: ((value: T) => A | PromiseLike<A>) | null | undefined,
  onRejected: ((reason: any) => B | PromiseLike<B>) | null | undefined,
  resolve: (value: A | B | PromiseLike<A | B>) => void,
  reject: (reason: unknown) => void,
): void {
  try {
    if (outcome.ok) resolve(onFulfilled ? onFulfilled(outcome.value) : (outcome.value as unknown as A));
    else if (onRejected) resolve(onRejected(outcome.error));
    else reject(outcome.error);
  } catch (error) {
    reject(error);
  }
}
