import { currentExecution } from "./context.js";
const nativeThen = Promise.prototype.then;
const ignore = () => { };
/**
 * The promise behind `invocation.result`. Awaiting it inside a running invocation goes through that
 * invocation's runner, which pauses the waiter and frees its slot; elsewhere it is a plain promise.
 */
export class ResultPromise extends Promise {
    // Derived promises (then/catch/finally) are plain promises: only the result itself is special.
    static get [Symbol.species]() {
        return Promise;
    }
    invocationId = "";
    onOutsideAwait;
    static of(invocationId, settled, onOutsideAwait) {
        let resolve;
        let reject;
        const promise = new ResultPromise((res, rej) => {
            resolve = res;
            reject = rej;
        });
        promise.invocationId = invocationId;
        promise.onOutsideAwait = onOutsideAwait;
        nativeThen.call(settled, resolve, reject);
        // A result read but never awaited must not crash the process with an unhandled rejection.
        nativeThen.call(promise, undefined, ignore);
        return promise;
    }
    then(onFulfilled, onRejected) {
        const scope = currentExecution();
        if (scope && this.invocationId) {
            const own = nativeThen.call(this, undefined);
            nativeThen.call(own, undefined, ignore); // observed later, once the runner opens the gate
            return scope.waitOn(this.invocationId, own).then(onFulfilled, onRejected);
        }
        if (this.onOutsideAwait) {
            const check = this.onOutsideAwait;
            this.onOutsideAwait = undefined;
            check();
        }
        return nativeThen.call(this, onFulfilled, onRejected);
    }
}
//# sourceMappingURL=result-promise.js.map