/**
 * The promise behind `invocation.result`. Awaiting it inside a running invocation goes through that
 * invocation's runner, which pauses the waiter and frees its slot; elsewhere it is a plain promise.
 */
export declare class ResultPromise<T> extends Promise<T> {
    static get [Symbol.species](): PromiseConstructor;
    private invocationId;
    private onOutsideAwait;
    static of<T>(invocationId: string, settled: Promise<T>, onOutsideAwait?: () => void): ResultPromise<T>;
    then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: any) => B | PromiseLike<B>) | null): Promise<A | B>;
}
