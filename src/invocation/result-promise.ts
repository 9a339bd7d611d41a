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

/**
 * The promise behind `invocation.result`. Awaiting it inside a running invocation goes through that
 * invocation's runner, which pauses the waiter and frees its slot; elsewhere it is a plain promise.
 */
export class ResultPromise<T> extends Promise<T> {
  // Derived promises (then/catch/finally) are plain promises: only the result itself is special.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  private invocationId = "";
  private onOutsideAwait: (() => void) | undefined;

  static of<T>(invocationId: string, settled: Promise<T>, onOutsideAwait?: () => void): ResultPromise<T> {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const promise = new ResultPromise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.invocationId = invocationId;
    promise.onOutsideAwait = onOutsideAwait;
    void nativeThen(settled, resolve, reject);
    // A result read but never awaited must not crash the process with an unhandled rejection.
    void nativeThen(promise, undefined, ignore);
    return promise;
  }

  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const scope = currentExecution();
    if (scope && this.invocationId) {
      const own = nativeThen<T, T, never>(this);
      void nativeThen(own, undefined, ignore); // observed later, once the runner opens the gate
      return scope.waitOn(this.invocationId, own).then(onFulfilled, onRejected);
    }
    if (this.onOutsideAwait) {
      const check = this.onOutsideAwait;
      this.onOutsideAwait = undefined;
      check();
    }
    return nativeThen(this, onFulfilled, onRejected);
  }
}
