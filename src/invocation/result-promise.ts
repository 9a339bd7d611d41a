import { currentExecution } from "./context.js";

const ignore = () => {};

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
 * The promise behind `invocation.result`. Awaiting it inside a running invocation goes through that
 * invocation's runner, which pauses the waiter, frees its slot, and continues the awaiting code only
 * once it holds a slot again; elsewhere it is a plain promise.
 */
export class ResultPromise<T> extends Promise<T> {
  // Derived promises (then/catch/finally) are plain promises: only the result itself is special.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  private invocationId = "";
  private onOutsideAwait: (() => void) | undefined;
  private outcome: Settled<T> | undefined;
  private whenSettled: (() => void)[] | undefined;
  private resolveOwn!: (value: T) => void;
  private rejectOwn!: (reason: unknown) => void;

  static of<T>(invocationId: string, onOutsideAwait?: () => void): ResultPromise<T> {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new ResultPromise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.invocationId = invocationId;
    promise.onOutsideAwait = onOutsideAwait;
    promise.resolveOwn = resolve;
    promise.rejectOwn = reject;
    // A result read but never awaited must not crash the process with an unhandled rejection.
    void nativeThen(promise, undefined, ignore);
    return promise;
  }

  /** Settle it (once): called by the client when the invocation is final. */
  settle(outcome: Settled<T>): void {
    if (this.outcome) return;
    this.outcome = outcome;
    if (outcome.ok) this.resolveOwn(outcome.value);
    else this.rejectOwn(outcome.error);
    const waiting = this.whenSettled;
    this.whenSettled = undefined;
    if (waiting) for (const callback of waiting) callback();
  }

  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const scope = currentExecution();
    if (scope && this.invocationId) {
      return new Promise<A | B>((resolve, reject) => {
        scope.waitOn(this.invocationId, (error) => {
          // A wait that could not happen (a cycle) fails the await itself, through its own handler.
          if (error !== undefined)
            return deliver({ ok: false, error }, onFulfilled, onRejected, resolve, reject);
          this.afterSettled(() => deliver(this.outcome!, onFulfilled, onRejected, resolve, reject));
        });
      });
    }
    if (this.onOutsideAwait) {
      const check = this.onOutsideAwait;
      this.onOutsideAwait = undefined;
      check();
    }
    return nativeThen(this, onFulfilled, onRejected);
  }

  private afterSettled(callback: () => void): void {
    if (this.outcome) callback();
    else (this.whenSettled ??= []).push(callback);
  }
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
