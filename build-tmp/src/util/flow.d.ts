import { type Awaitable } from "./awaitable.js";
/**
 * Step functions written as generators: `const x = yield* wait(store.get(id))` reads like `await`, but
 * when every store answers directly (memory, better-sqlite3) the whole step runs synchronously and
 * costs no promise at all; the first real promise switches the rest of the step to async.
 */
export type Flow<T> = Generator<unknown, T, any>;
/** Inside a flow: wait for an Awaitable and get its value, typed. */
export declare function wait<T>(value: Awaitable<T>): Generator<Awaitable<T>, T, any>;
/** Run a flow: returns its result directly if it never met a promise, else a promise of it. */
export declare function flow<T>(generator: Flow<T>): Awaitable<T>;
