import { isPromiseLike } from "./promise-like.js";
import type { Logger } from "./logger.js";

/**
 * A typed event emitter for lifecycle events whose listeners cannot hurt the core: a listener that
 * throws (or returns a promise that rejects) is reported to the logger at `error` and the emitter's
 * caller carries on (graphile-worker's `safeEmit`). Listeners run synchronously, in subscription order.
 */

/** A listener may be async; its promise is observed only to report a rejection, never awaited. */
export type SafeEmitterListener<Payload> = (payload: Payload) => void | PromiseLike<unknown>;

export type Unsubscribe = () => void;

export class SafeEmitter<Events extends object> {
  // Arrays are replaced, never mutated, so an emit in progress keeps the list it started with.
  readonly #listeners = new Map<keyof Events, readonly SafeEmitterListener<never>[]>();

  constructor(private readonly logger: Logger) {}

  on<E extends keyof Events>(event: E, listener: SafeEmitterListener<Events[E]>): Unsubscribe {
    this.#listeners.set(event, [...this.#list(event), listener]);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      const remaining = [...this.#list(event)];
      remaining.splice(remaining.indexOf(listener), 1);
      if (remaining.length === 0) this.#listeners.delete(event);
      else this.#listeners.set(event, remaining);
    };
  }

  /** Lets a hot path skip building a payload that nobody listens to. */
  hasListeners(event: keyof Events): boolean {
    return this.#listeners.has(event);
  }

  emit<E extends keyof Events>(event: E, payload: Events[E]): void {
    const listeners = this.#listeners.get(event);
    if (listeners === undefined) return;
    for (const listener of listeners as readonly SafeEmitterListener<Events[E]>[]) {
      try {
        const result = listener(payload);
        if (isPromiseLike(result)) result.then(undefined, (error: unknown) => this.#report(event, error));
      } catch (error) {
        this.#report(event, error);
      }
    }
  }

  #list<E extends keyof Events>(event: E): readonly SafeEmitterListener<Events[E]>[] {
    return (this.#listeners.get(event) ?? []) as readonly SafeEmitterListener<Events[E]>[];
  }

  #report(event: keyof Events, error: unknown): void {
    try {
      const name = String(event);
      this.logger.error(`A listener for "${name}" failed; the other listeners still ran.`, {
        event: name,
        error,
      });
    } catch {
      // A custom Logger broke its promise not to throw; the emitter's caller must still be spared.
    }
  }
}
