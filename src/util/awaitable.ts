/**
 * What a component method returns: a value, or a promise of it. In-process stores (memory, and the
 * synchronous better-sqlite3) answer directly, so the hot paths of the engine skip a promise and a
 * microtask per call; network stores (Redis) return promises. Callers write
 * `const r = store.get(id); const value = isPromise(r) ? await r : r;`.
 */
export type Awaitable<T> = T | Promise<T>;

export function isPromise<T>(value: Awaitable<T>): value is Promise<T> {
  return value instanceof Promise;
}
