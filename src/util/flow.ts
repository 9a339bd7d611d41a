import { isPromise, type Awaitable } from "./awaitable.js";

/**
 * Step functions written as generators: `const x = (yield store.get(id)) as X` reads like `await`, but
 * when every store answers directly (memory, better-sqlite3) the whole step runs synchronously and
 * costs no promise at all; the first real promise switches the rest of the step to async. (A typed
 * `yield* wait(...)` helper would read better but allocates a generator per step on the hot path.)
 */
export type Flow<T> = Generator<unknown, T, any>;

/** Run a flow: returns its result directly if it never met a promise, else a promise of it. */
export function flow<T>(generator: Flow<T>): Awaitable<T> {
  return step(generator, undefined, false);
}

function step<T>(generator: Flow<T>, input: unknown, failed: boolean): Awaitable<T> {
  for (;;) {
    const next = failed ? generator.throw(input) : generator.next(input);
    if (next.done) return next.value;
    if (isPromise(next.value)) {
      return next.value.then(
        (value) => step(generator, value, false),
        (error: unknown) => step(generator, error, true),
      );
    }
    input = next.value;
    failed = false;
  }
}

/**
 * Call `step` and hand its outcome (value, rejection or synchronous throw) to `done`: at once when it
 * answers directly, with no promise and no generator.
 */
export function settle<T>(step: () => Awaitable<T>, done: (error: unknown, value?: T) => void): void {
  let value: Awaitable<T>;
  try {
    value = step();
  } catch (error) {
    return done(error ?? new Error("step failed"));
  }
  if (!isPromise(value)) return done(undefined, value);
  value.then(
    (v) => done(undefined, v),
    (error: unknown) => done(error ?? new Error("step failed")),
  );
}

/** Run a flow and hand its outcome to a callback: no promise at all when every step answered directly. */
export function runFlow<T>(generator: Flow<T>, done: (error: unknown, value?: T) => void): void {
  let result: Awaitable<T>;
  try {
    result = flow(generator);
  } catch (error) {
    return done(error ?? new Error("flow failed"));
  }
  if (isPromise(result)) {
    result.then(
      (value) => done(undefined, value),
      (error: unknown) => done(error ?? new Error("flow failed")),
    );
  } else {
    done(undefined, result);
  }
}
